-- A small shop: customers and their orders, with serial keys and a foreign key.
CREATE TABLE customers (
  id bigserial PRIMARY KEY,
  name text NOT NULL,
  email text,
  legacy_code text,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE orders (
  id bigserial PRIMARY KEY,
  customer_id bigint NOT NULL REFERENCES customers (id),
  amount numeric(12, 2) NOT NULL,
  status text NOT NULL DEFAULT 'new',
  placed_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO customers (name, email, legacy_code)
  SELECT 'customer ' || g, 'c' || g || '@example.org', 'L' || g FROM generate_series(1, 10000) g;
INSERT INTO orders (customer_id, amount, status)
  SELECT 1 + (g % 10000), (g % 1000) / 10.0, CASE WHEN g % 3 = 0 THEN 'paid' ELSE 'new' END
  FROM generate_series(1, 50000) g;
