package io.baton.spec;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * How {@code baton run} moves client traffic at cutover and rollback (spec section
 * {@code cutover.router}): exactly one of PgBouncer or operator-provided commands.
 *
 * @param pgbouncer PgBouncer in front of the databases, or null
 * @param command commands that pause, repoint and resume traffic (DNS, a load balancer, a feature
 *     flag), or null
 */
public record RouterSettings(PgBouncer pgbouncer, Command command) {
  @JsonCreator
  static RouterSettings fromYaml(
      @SpecDoc("PgBouncer in front of the databases: PAUSE, [databases] rewritten, RELOAD, RESUME on its admin console.")
      @JsonProperty("pgbouncer") PgBouncer pgbouncer,
      @SpecDoc("Commands run by /bin/sh that pause, repoint and resume traffic, for sites without PgBouncer.")
      @JsonProperty("command") Command command) {
    return new RouterSettings(pgbouncer, command);
  }

  public RouterSettings {
    if ((pgbouncer == null) == (command == null)) {
      throw new SpecException("pgbouncer", "cutover.router needs exactly one of pgbouncer or command");
    }
  }

  /**
   * PgBouncer's admin console and the file that holds its {@code [databases]} section (included
   * from pgbouncer.ini with {@code %include}, writable by Baton).
   *
   * @param host the host PgBouncer listens on
   * @param port its port, default 6432
   * @param adminUser a user in {@code admin_users}, default pgbouncer
   * @param database the database name clients connect to
   * @param databasesFile the included file Baton rewrites
   */
  public record PgBouncer(String host, int port, String adminUser, String database, String databasesFile) {
    @JsonCreator
    static PgBouncer fromYaml(
        @SpecDoc(value = "The host PgBouncer listens on.", defaultValue = "127.0.0.1") @JsonProperty("host") String host,
        @SpecDoc(value = "PgBouncer's port.", defaultValue = "6432") @JsonProperty("port") Integer port,
        @SpecDoc(value = "A user listed in admin_users.", defaultValue = "pgbouncer") @JsonProperty("adminUser") String adminUser,
        @SpecDoc(value = "The database name clients connect to.", required = true, example = "app")
        @JsonProperty(value = "database", required = true) String database,
        @SpecDoc(value = "The file holding the [databases] section, included from pgbouncer.ini; Baton rewrites it.",
            required = true, example = "/etc/pgbouncer/databases.ini")
        @JsonProperty(value = "databasesFile", required = true) String databasesFile) {
      return new PgBouncer(host == null ? "127.0.0.1" : host, port == null ? 6432 : port,
          adminUser == null ? "pgbouncer" : adminUser, database, databasesFile);
    }

    public PgBouncer {
      if (port < 1 || port > 65535) {
        throw new SpecException("port", "cutover.router.pgbouncer.port must be between 1 and 65535, was " + port);
      }
      if (database == null || database.isBlank()) {
        throw new SpecException("database", "cutover.router.pgbouncer.database is missing");
      }
      if (databasesFile == null || databasesFile.isBlank()) {
        throw new SpecException("databasesFile", "cutover.router.pgbouncer.databasesFile is missing");
      }
    }
  }

  /**
   * Operator-provided commands, each run by {@code /bin/sh -c} with a time limit. Repoint gets the
   * database that takes traffic in {@code BATON_HOST}, {@code BATON_PORT}, {@code BATON_DATABASE}
   * and {@code BATON_SIDE} ({@code source} or {@code target}).
   *
   * @param pause holds new transactions and waits for those in flight, or null when the site
   *     cannot pause (then the write pause is only as short as the repoint)
   * @param repoint points clients at the database in the environment; never null
   * @param resume lets transactions through again, or null
   * @param check exits 0 when the router is healthy and sends traffic to the database in the
   *     environment (as for repoint), or null
   * @param timeoutMs how long each command may run, ms; default 5000
   */
  public record Command(String pause, String repoint, String resume, String check, long timeoutMs) {
    @JsonCreator
    static Command fromYaml(
        @SpecDoc("Holds new transactions and waits for those in flight.") @JsonProperty("pause") String pause,
        @SpecDoc(value = "Points clients at the database in BATON_HOST, BATON_PORT, BATON_DATABASE (BATON_SIDE: source or"
            + " target).", required = true, example = "/opt/flip-dns.sh") @JsonProperty(value = "repoint", required = true)
        String repoint,
        @SpecDoc("Lets transactions through again.") @JsonProperty("resume") String resume,
        @SpecDoc("Exits 0 when the router is healthy and sends traffic to the database in BATON_HOST, BATON_PORT,"
            + " BATON_DATABASE (BATON_SIDE): a cutover gate, and how a restarted controller learns where traffic goes.")
        @JsonProperty("check") String check,
        @SpecDoc(value = "How long each command may run, in ms; 100 to 600000.", defaultValue = "5000")
        @JsonProperty("timeoutMs") Long timeoutMs) {
      return new Command(pause, repoint, resume, check, timeoutMs == null ? 5000 : timeoutMs);
    }

    public Command {
      if (repoint == null || repoint.isBlank()) {
        throw new SpecException("repoint", "cutover.router.command.repoint is missing");
      }
      if (timeoutMs < 100 || timeoutMs > 600_000) {
        throw new SpecException("timeoutMs", "cutover.router.command.timeoutMs must be between 100 and 600000, was " + timeoutMs);
      }
    }
  }
}
