package io.baton.cli;

import io.baton.cutover.PgBouncerRouter;
import io.baton.embedded.EmbeddedEnvironment;
import io.baton.embedded.PostgresServer;
import io.baton.pg.Database;

/** Adapts the embedded environment to the product's types. */
final class Environments {
  /** The database name clients use through PgBouncer. */
  static final String ALIAS = "app";

  private Environments() {}

  /**
   * @param env a running environment
   * @return its source database
   */
  static Database source(EmbeddedEnvironment env) {
    return database(env.source(), env.sourceDatabase());
  }

  /**
   * @param env a running environment
   * @return its target database
   */
  static Database target(EmbeddedEnvironment env) {
    return database(env.target(), env.targetDatabase());
  }

  /**
   * @param env a running environment with PgBouncer
   * @return a router over its PgBouncer
   */
  static PgBouncerRouter router(EmbeddedEnvironment env) {
    return new PgBouncerRouter(env.pgbouncer().host(), env.pgbouncer().port(), env.source().user(),
        env.pgbouncer().alias(), env.pgbouncer().databasesFile());
  }

  private static Database database(PostgresServer server, String name) {
    return new Database(server.host(), server.port(), name, server.user(), null);
  }
}
