package io.baton.cli;

import io.baton.pg.Database;
import io.baton.pg.PgErrors;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A client writing small transactions of every kind, about 100 a second, to {@code accounts (id
 * bigint PRIMARY KEY, owner text, balance bigint, note text)} holding ids 1..accounts and to
 * {@code ledger (kind text, amount int, note text)}, a table without a key: updates, inserts,
 * deletes, key changes and multi-statement transfers.
 *
 * <p>A lost connection (the server restarted or the session was terminated) is not a failure: the
 * client counts it in {@link #reconnects()}, connects again and goes on, as an application would.
 * Any other error stops it and is kept in {@link #failure()}.
 */
final class WritingClient implements Runnable {
  private final Database db;
  private final long accounts;
  private final Random random;
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final AtomicLong transactions = new AtomicLong();
  private final AtomicLong reconnects = new AtomicLong();
  private final AtomicReference<Throwable> failure = new AtomicReference<>();
  private final Thread thread = new Thread(this, "writing-client");
  private long nextId;

  /**
   * @param db where to write
   * @param accounts the highest account id loaded
   * @param random the source of every choice (seeded by the test, printed on failure)
   */
  WritingClient(Database db, long accounts, Random random) {
    this.db = db;
    this.accounts = accounts;
    this.random = random;
    this.nextId = accounts + 1;
  }

  /**
   * @param accounts how many accounts to load (ids 1..accounts)
   * @param ledgerRows how many ledger rows to load
   * @return SQL creating and loading the two tables the client writes to, then ANALYZE
   */
  static String schema(long accounts, long ledgerRows) {
    return """
        CREATE TABLE accounts (id bigint PRIMARY KEY, owner text NOT NULL, balance bigint NOT NULL, note text);
        INSERT INTO accounts SELECT g, 'owner ' || g, g %% 1000, repeat('x', 60) FROM generate_series(1, %d) g;
        CREATE TABLE ledger (kind text, amount int, note text);
        ALTER TABLE ledger REPLICA IDENTITY FULL;
        INSERT INTO ledger SELECT 'k' || (g %% 10), g %% 100, repeat('y', 60) FROM generate_series(1, %d) g;
        ANALYZE;
        """.formatted(accounts, ledgerRows);
  }

  /**
   * @param name the migration's name
   * @param settings more top-level spec lines (for example the snapshot's), or ""
   * @return a spec migrating the client's two tables: accounts to balances with owner renamed to
   *     holder, and ledger as it is
   */
  static String spec(String name, String settings) {
    return "name: " + name + "\n" + settings + """
        tables:
          - source: public.accounts
            target: public.balances
            columns:
              owner: { rename: holder }
          - source: public.ledger
        """;
  }

  void start() {
    thread.start();
  }

  void stop() throws InterruptedException {
    running.set(false);
    thread.join(30_000);
  }

  /** @return transactions committed (as far as the client knows) */
  long transactions() {
    return transactions.get();
  }

  /** @return connections lost and made again */
  long reconnects() {
    return reconnects.get();
  }

  /** @return the error that stopped the client, or null */
  Throwable failure() {
    return failure.get();
  }

  @Override
  public void run() {
    try {
      while (running.get()) {
        try (Connection c = connect(); Statement st = c.createStatement()) {
          while (running.get()) {
            st.execute(next());
            transactions.incrementAndGet();
            Thread.sleep(8);
          }
        } catch (SQLException e) {
          if (!PgErrors.isRetriable(e)) {
            throw e;
          }
          reconnects.incrementAndGet();
        }
      }
    } catch (Throwable t) {
      failure.set(t);
    }
  }

  /** Connects, waiting up to 60 s for a restarting server. */
  private Connection connect() throws InterruptedException {
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (true) {
      try {
        return db.connect();
      } catch (io.baton.BatonException e) {
        if (!e.isRetriable() || System.nanoTime() > deadline) {
          throw e;
        }
        Thread.sleep(200);
      }
    }
  }

  private String next() {
    long id = 1 + (long) (random.nextDouble() * accounts);
    return switch (random.nextInt(8)) {
      case 0 -> "UPDATE accounts SET balance = balance + 1, note = 'u' WHERE id = " + id;
      case 1 -> "INSERT INTO accounts VALUES (" + nextId++ + ", 'new', 0, NULL)";
      case 2 -> "DELETE FROM accounts WHERE id = " + id;
      case 3 -> "UPDATE accounts SET id = " + nextId++ + " WHERE id = " + id;
      case 4 -> "INSERT INTO ledger VALUES ('k" + random.nextInt(10) + "', " + random.nextInt(100) + ", 'w')";
      case 5 -> "DELETE FROM ledger WHERE ctid = (SELECT ctid FROM ledger WHERE kind = 'k3' LIMIT 1)";
      case 6 -> "UPDATE ledger SET amount = amount + 1 WHERE ctid = (SELECT ctid FROM ledger WHERE kind = 'k5' LIMIT 1)";
      default -> "BEGIN; UPDATE accounts SET balance = balance - 5 WHERE id = " + id
          + "; UPDATE accounts SET balance = balance + 5 WHERE id = " + (1 + (long) (random.nextDouble() * accounts))
          + "; INSERT INTO ledger VALUES ('transfer', 5, NULL); COMMIT";
    };
  }
}
