package io.baton.embedded;

import io.baton.BatonException;
import io.baton.pg.Database;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Locates and runs the PostgreSQL client programs that rehearsals and benchmarks use (pgbench and
 * psql), from {@code PATH} or the Debian server package's folder.
 */
public final class Pgbench {
  private Pgbench() {}

  /**
   * @return the pgbench executable
   * @throws BatonException with the install command when it is missing
   */
  public static String binary() {
    return find("pgbench", "apt-get install -y postgresql-15 (Debian 12 ships pgbench with the server package)");
  }

  /**
   * @return the psql executable
   * @throws BatonException with the install command when it is missing
   */
  public static String psql() {
    return find("psql", "apt-get install -y postgresql-client");
  }

  private static String find(String program, String fix) {
    for (String dir : (System.getenv().getOrDefault("PATH", "") + ":/usr/bin:/usr/lib/postgresql/15/bin").split(":")) {
      Path p = Path.of(dir.isEmpty() ? "." : dir, program);
      if (Files.isExecutable(p)) {
        return p.toString();
      }
    }
    throw new BatonException(program + " is not installed; it is needed for the workload. Fix: " + fix + " (as root)");
  }

  /**
   * Creates pgbench's tables in a database ({@code pgbench -i}).
   *
   * @param db the database
   * @param scale the scale factor (100,000 accounts each)
   * @param log where pgbench's output goes
   * @throws BatonException with pgbench's output when it fails
   */
  public static void initialize(Database db, int scale, Path log) {
    initialize(db, scale, "dtgvp", log);
  }

  /**
   * Runs chosen steps of pgbench's initialization ({@code pgbench -i -I steps}; for example
   * {@code dtp}: drop, create the tables, add the primary keys, without generating data).
   *
   * @param db the database
   * @param scale the scale factor (100,000 accounts each)
   * @param steps the initialization steps, as pgbench's {@code -I} takes them
   * @param log where pgbench's output goes
   * @throws BatonException with pgbench's output when it fails
   */
  public static void initialize(Database db, int scale, String steps, Path log) {
    run(List.of(binary(), "-i", "-q", "-I", steps, "-s", Integer.toString(scale), "-h", db.host(), "-p",
        Integer.toString(db.port()), "-U", db.user(), db.database()), log, "pgbench -i -I " + steps + " -s " + scale);
  }

  /**
   * Runs pgbench against a database and waits for it.
   *
   * @param db the database
   * @param options pgbench's options, for example {@code -n -t 1000 -c 4}
   * @param log where pgbench's output goes
   * @throws BatonException with pgbench's output when it fails
   */
  public static void run(Database db, List<String> options, Path log) {
    List<String> cmd = new java.util.ArrayList<>(List.of(binary(), "-h", db.host(), "-p", Integer.toString(db.port()),
        "-U", db.user()));
    cmd.addAll(options);
    cmd.add(db.database());
    run(cmd, log, "pgbench " + String.join(" ", options));
  }

  /**
   * Runs an SQL file with psql, stopping at the first error.
   *
   * @param db the database
   * @param file the SQL file
   * @param log where psql's output goes
   * @throws BatonException with psql's output when it fails
   */
  public static void runSql(Database db, Path file, Path log) {
    if (!Files.isReadable(file)) {
      throw new BatonException("SQL file " + file + " does not exist or cannot be read");
    }
    run(List.of(psql(), "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", db.host(), "-p", Integer.toString(db.port()),
        "-U", db.user(), "-d", db.database(), "-f", file.toString()), log, "psql -f " + file);
  }

  private static void run(List<String> cmd, Path log, String what) {
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
      int rc = p.waitFor();
      if (rc != 0) {
        String out = Files.readString(log);
        throw new BatonException(what + " failed (exit " + rc + "): " + out.substring(Math.max(0, out.length() - 2000)));
      }
    } catch (IOException e) {
      throw new BatonException("cannot run " + what + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      throw new BatonException("interrupted while running " + what, e);
    }
  }
}
