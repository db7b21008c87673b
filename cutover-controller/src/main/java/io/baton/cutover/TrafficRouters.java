package io.baton.cutover;

import io.baton.BatonException;
import io.baton.pg.Database;
import io.baton.spec.RouterSettings;
import java.nio.file.Path;

/** Builds the traffic router a spec asks for ({@code cutover.router}). */
public final class TrafficRouters {
  private TrafficRouters() {}

  /**
   * @param settings the spec's router section, or null
   * @param source the source database
   * @return the PgBouncer or command router, or, without settings, a router that refuses every
   *     switch (and reports itself unhealthy to the cutover gates)
   */
  public static TrafficRouter from(RouterSettings settings, Database source) {
    if (settings == null) {
      return new None();
    }
    if (settings.pgbouncer() != null) {
      RouterSettings.PgBouncer p = settings.pgbouncer();
      return new PgBouncerRouter(p.host(), p.port(), p.adminUser(), p.database(), Path.of(p.databasesFile()));
    }
    return new CommandRouter(settings.command(), source);
  }

  /** No router: refuses every switch. */
  private static final class None implements TrafficRouter {
    private static final String WHY = "no router in the spec (cutover.router), so traffic cannot be switched";

    @Override
    public void pause(long timeoutMs) {
      throw new BatonException(WHY);
    }

    @Override
    public void repoint(Database database) {
      throw new BatonException(WHY);
    }

    @Override
    public void resume() {
      // nothing was paused
    }

    @Override
    public String problem(Database expected) {
      return WHY;
    }
  }
}
