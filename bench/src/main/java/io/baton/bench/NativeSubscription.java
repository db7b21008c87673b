package io.baton.bench;

import static io.baton.bench.BenchDb.exec;
import static io.baton.bench.BenchDb.query;

import io.baton.pg.Database;

/** PostgreSQL's own logical replication between two databases (B3): a publication and a subscription. */
final class NativeSubscription {
  private final Database source;
  private final Database target;
  private final String name;

  private NativeSubscription(Database source, Database target, String name) {
    this.source = source;
    this.target = target;
    this.name = name;
  }

  /**
   * Publishes pgbench's tables and subscribes the target to them; the initial sync starts at once.
   *
   * @param enabled false to create the subscription disabled (its slot still keeps every change)
   */
  static NativeSubscription create(Database source, Database target, String name, boolean enabled) {
    exec(source, "CREATE PUBLICATION " + name + " FOR TABLE " + String.join(", ", BenchDb.TABLES));
    exec(target, "CREATE SUBSCRIPTION " + name + " CONNECTION 'host=" + source.host() + " port=" + source.port()
        + " dbname=" + source.database() + " user=" + source.user() + "' PUBLICATION " + name
        + (enabled ? "" : " WITH (enabled = false)"));
    return new NativeSubscription(source, target, name);
  }

  /** Waits until every table's initial sync is ready ({@code pg_subscription_rel.srsubstate = 'r'}). */
  void awaitInitialSync() throws InterruptedException {
    while (!query(target, "SELECT count(*) FILTER (WHERE srsubstate <> 'r') || '/' || count(*) FROM pg_subscription_rel")
        .equals("0/" + BenchDb.TABLES.size())) {
      Thread.sleep(20);
    }
  }

  void disable() {
    exec(target, "ALTER SUBSCRIPTION " + name + " DISABLE");
  }

  void enable() {
    exec(target, "ALTER SUBSCRIPTION " + name + " ENABLE");
  }

  /** Drops the subscription (and its slot on the source) and the publication. */
  void drop() {
    exec(target, "DROP SUBSCRIPTION " + name);
    exec(source, "DROP PUBLICATION " + name);
  }
}
