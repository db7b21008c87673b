package io.baton.cutover;

import io.baton.BatonException;
import io.baton.pg.Database;
import io.baton.pgbouncer.AdminConsole;
import io.baton.pgbouncer.DatabasesSection;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes traffic with PgBouncer's admin console (PgBouncer documentation, "Admin console":
 * {@code PAUSE db} waits for the transactions in flight and holds new ones, {@code RELOAD} rereads
 * the configuration, {@code RESUME db} lets clients through).
 *
 * <p>The {@code [databases]} section lives in its own file, included from pgbouncer.ini with
 * {@code %include}; repointing rewrites that file atomically and issues RELOAD while the database
 * is paused, so that no transaction reaches the old server after the pause. The console is
 * reached with {@link AdminConsole} (trust authentication from loopback).
 */
public final class PgBouncerRouter implements TrafficRouter {
  private static final Logger LOG = LoggerFactory.getLogger(PgBouncerRouter.class);
  private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(5);
  private final String host;
  private final int port;
  private final String adminUser;
  private final String alias;
  private final Path databasesFile;

  /**
   * @param host PgBouncer's host
   * @param port PgBouncer's port
   * @param adminUser a user listed in {@code admin_users}
   * @param alias the database name clients use
   * @param databasesFile the included file that holds the {@code [databases]} section
   */
  public PgBouncerRouter(String host, int port, String adminUser, String alias, Path databasesFile) {
    this.host = host;
    this.port = port;
    this.adminUser = adminUser;
    this.alias = alias;
    this.databasesFile = databasesFile;
  }

  @Override
  public void pause(long timeoutMs) {
    try {
      admin("PAUSE " + alias, Duration.ofMillis(Math.max(100, timeoutMs)));
    } catch (BatonException e) {
      resume();
      throw new BatonException("PgBouncer PAUSE " + alias + " did not complete within " + timeoutMs
          + " ms (a long transaction in flight?): " + e.getMessage() + "; traffic resumed", e, true);
    }
  }

  @Override
  public void repoint(Database database) {
    try {
      Path tmp = databasesFile.resolveSibling(databasesFile.getFileName() + ".new");
      Files.writeString(tmp, DatabasesSection.file(
          DatabasesSection.databasesLine(alias, database.host(), database.port(), database.database())), StandardCharsets.UTF_8);
      copyOwner(databasesFile, tmp);
      Files.move(tmp, databasesFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (java.io.IOException e) {
      throw new BatonException("cannot rewrite PgBouncer's " + databasesFile + ": " + e.getMessage(), e);
    }
    admin("RELOAD", COMMAND_TIMEOUT);
    LOG.info("PgBouncer {} now points at {}", alias, database);
  }

  /** PgBouncer may run as another OS user than Baton: the rewritten file keeps the old one's owner. */
  private static void copyOwner(Path from, Path to) throws java.io.IOException {
    if (Files.exists(from)) {
      Files.setOwner(to, Files.getOwner(from));
    }
  }

  @Override
  public void resume() {
    BatonException last = null;
    for (int attempt = 1; attempt <= 20; attempt++) {
      try {
        admin("RESUME " + alias, COMMAND_TIMEOUT);
        return;
      } catch (BatonException e) {
        if (e.getMessage() != null && e.getMessage().toLowerCase(java.util.Locale.ROOT).contains("not paused")) {
          return;
        }
        last = e;
        LOG.warn("PgBouncer RESUME {} failed (attempt {}): {}", alias, attempt, e.getMessage());
        try {
          Thread.sleep(50L * attempt);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          break;
        }
      }
    }
    throw new BatonException("PgBouncer RESUME " + alias + " failed 20 times; resume it by hand: psql -h " + host + " -p "
        + port + " -U " + adminUser + " pgbouncer -c 'RESUME " + alias + "'", last, false);
  }

  /**
   * Reads {@code SHOW DATABASES}: the alias must exist, not be paused or disabled, and point at the
   * expected server.
   */
  @Override
  public String problem(Database expected) {
    java.util.Map<String, String> row;
    try {
      row = aliasRow();
    } catch (BatonException e) {
      return "PgBouncer's admin console does not answer: " + e.getMessage();
    }
    if (row == null) {
      return "PgBouncer has no database " + alias + " (SHOW DATABASES)";
    }
    if (!pointsAt(row, expected)) {
      return "PgBouncer database " + alias + " points at " + row.get("host") + ":" + row.get("port") + "/"
          + row.get("database") + ", not at " + expected;
    }
    if ("1".equals(row.get("paused")) || "1".equals(row.get("disabled"))) {
      return "PgBouncer database " + alias + " is paused or disabled (RESUME " + alias + " / ENABLE " + alias + ")";
    }
    return null;
  }

  /** Reads {@code SHOW DATABASES}; works while the database is paused. */
  @Override
  public java.util.Optional<Boolean> pointsAt(Database database) {
    try {
      java.util.Map<String, String> row = aliasRow();
      return row == null ? java.util.Optional.empty() : java.util.Optional.of(pointsAt(row, database));
    } catch (BatonException e) {
      LOG.warn("PgBouncer SHOW DATABASES failed: {}", e.getMessage());
      return java.util.Optional.empty();
    }
  }

  private static boolean pointsAt(java.util.Map<String, String> row, Database database) {
    return (row.get("host") + ":" + row.get("port") + "/" + row.get("database"))
        .equals(database.host() + ":" + database.port() + "/" + database.database());
  }

  /** @return the alias's row of {@code SHOW DATABASES}, or null when it has none */
  private java.util.Map<String, String> aliasRow() {
    for (java.util.Map<String, String> r : admin("SHOW DATABASES", COMMAND_TIMEOUT)) {
      if (alias.equals(r.get("name"))) {
        return r;
      }
    }
    return null;
  }

  /**
   * Reads {@code SHOW STATS}: {@code avg_xact_time} of the database clients use, the mean
   * transaction time in µs over PgBouncer's last {@code stats_period} (PgBouncer documentation,
   * "SHOW STATS").
   */
  @Override
  public double transactionLatencyMicros() {
    try {
      for (java.util.Map<String, String> r : admin("SHOW STATS", COMMAND_TIMEOUT)) {
        if (alias.equals(r.get("database")) && r.get("avg_xact_time") != null) {
          return Double.parseDouble(r.get("avg_xact_time"));
        }
      }
    } catch (BatonException | NumberFormatException e) {
      LOG.warn("PgBouncer SHOW STATS failed: {}", e.getMessage());
    }
    return Double.NaN;
  }

  @Override
  public java.util.List<String> watchdogArguments() {
    return java.util.List.of("pgbouncer", host, Integer.toString(port), adminUser, alias);
  }

  private java.util.List<java.util.Map<String, String>> admin(String command, Duration timeout) {
    return AdminConsole.execute(host, port, "pgbouncer", adminUser, command, timeout);
  }
}
