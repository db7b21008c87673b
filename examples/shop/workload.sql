-- pgbench script: the shop's application. New orders draw their id from the orders sequence, so
-- a cutover or rollback that did not carry the sequence over would fail with duplicate keys.
\set cid random(1, 10000)
\set cents random(1, 100000)
BEGIN;
INSERT INTO orders (customer_id, amount) VALUES (:cid, :cents / 100.0);
UPDATE orders SET status = 'paid' WHERE id = (SELECT max(id) FROM orders WHERE customer_id = :cid);
UPDATE customers SET email = 'c' || :cid || '-' || :cents || '@example.org' WHERE id = :cid;
END;
