package io.baton.pg;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;

/**
 * How to reach one PostgreSQL database. Neither the password nor the TLS key's password ever
 * appears in {@link #toString()}.
 *
 * <p>Every connection Baton makes to the database takes its settings from here: JDBC sessions
 * ({@link #connect()}), the replication connection that exports the bulk snapshot (with
 * {@link #jdbcUrl()} and {@link #properties()}), and Debezium's connections ({@link Tls#debeziumProperties}).
 *
 * @param host the host name or address
 * @param port the TCP port
 * @param database the database name
 * @param user the user name
 * @param password the password; null for trust or peer authentication
 * @param tls how the connections use TLS; null means {@link Tls#NONE} (the drivers' defaults)
 */
public record Database(String host, int port, String database, String user, String password, Tls tls) {
  private static final java.util.regex.Pattern URL = java.util.regex.Pattern.compile(
      "postgres(?:ql)?://([^@/:]+)@([^/:]+|\\[[0-9a-fA-F:]+\\]):(\\d{1,5})/([^/?]+)(?:\\?(.*))?");

  public Database {
    tls = tls == null ? Tls.NONE : tls;
  }

  /**
   * A database reached with the drivers' default TLS behaviour.
   *
   * @param host the host name or address
   * @param port the TCP port
   * @param database the database name
   * @param user the user name
   * @param password the password; null for trust or peer authentication
   */
  public Database(String host, int port, String database, String user, String password) {
    this(host, port, database, user, password, Tls.NONE);
  }

  /**
   * Parses {@code postgresql://USER@HOST:PORT/DATABASE[?sslmode=MODE&sslrootcert=FILE&sslcert=FILE&sslkey=FILE]}
   * (the form {@link #toString()} prints). Neither the password nor the TLS key's password is ever
   * part of the URL.
   *
   * @param url the URL
   * @param password the password, or null
   * @return the database
   * @throws io.baton.BatonException naming the expected form when the URL does not match it, or
   *     the parameter at fault ({@link Tls#fromQuery})
   */
  public static Database parse(String url, String password) {
    return parse(url, password, null);
  }

  /**
   * Parses a URL as {@link #parse(String, String)} does, with the password of the client key the
   * URL's {@code sslkey} names.
   *
   * @param url the URL
   * @param password the password, or null
   * @param sslPassword the client key's password ({@code sslpassword}), or null
   * @return the database
   * @throws io.baton.BatonException as {@link #parse(String, String)}
   */
  public static Database parse(String url, String password, String sslPassword) {
    java.util.regex.Matcher m = url == null ? null : URL.matcher(url);
    if (m == null || !m.matches()) {
      String shown = url == null ? null : url.replaceAll("//([^@/:]*):[^@/]*@", "//$1:***@")
          .replaceAll("(?i)((?:ssl)?password=)[^&]*", "$1***");
      throw new io.baton.BatonException("not a database URL: '" + shown + "' (expected postgresql://USER@HOST:PORT/DATABASE"
          + "[?sslmode=verify-full&sslrootcert=FILE]; the password comes from the environment, never from the URL)");
    }
    int port = Integer.parseInt(m.group(3));
    if (port < 1 || port > 65535) {
      throw new io.baton.BatonException("port " + port + " in '" + url + "' is not between 1 and 65535");
    }
    Tls tls = Tls.fromQuery(m.group(5));
    return new Database(m.group(2), port, m.group(4), m.group(1), password,
        sslPassword == null ? tls : tls.withKeyPassword(sslPassword));
  }

  /**
   * @return the JDBC URL; {@code stringtype=unspecified} lets the server type string parameters,
   *     which is how text values reach columns of any type
   */
  public String jdbcUrl() {
    return "jdbc:postgresql://" + host + ":" + port + "/" + database + "?stringtype=unspecified&ApplicationName=baton";
  }

  /** @return user, password and the TLS settings ({@link Tls#jdbcProperties}) as pgJDBC properties */
  public Properties properties() {
    Properties p = new Properties();
    p.setProperty("user", user);
    if (password != null) {
      p.setProperty("password", password);
    }
    return tls.jdbcProperties(p);
  }

  /**
   * @return a new connection in auto-commit mode
   * @throws io.baton.BatonException naming the database when it cannot be reached: retriable, except
   *     for a TLS failure ({@link PgErrors#isTlsFailure}), whose message names the TLS settings
   */
  public Connection connect() {
    try {
      return DriverManager.getConnection(jdbcUrl(), properties());
    } catch (SQLException e) {
      throw connectFailure(e);
    }
  }

  /**
   * @param e why a connection to this database failed
   * @return the exception to throw: it names the database, and for a TLS failure the TLS settings
   *     and what to check; retriable as {@link PgErrors#isRetriable} decides for connections
   */
  public io.baton.BatonException connectFailure(SQLException e) {
    if (PgErrors.isTlsFailure(e)) {
      return new io.baton.BatonException("cannot connect to " + this + ": the TLS connection failed (" + tls + "): "
          + e.getMessage() + " (SQLSTATE " + e.getSQLState() + "); check that the server's certificate is signed by"
          + " the CA in sslrootcert, that it names " + host + " (a DNS or IP subject alternative name, for verify-full),"
          + " and that the server has ssl = on", e, false);
    }
    return new io.baton.BatonException("cannot connect to " + this + ": " + e.getMessage()
        + " (check that the server runs and accepts connections from this host)", e, true);
  }

  /**
   * @param otherDatabase another database on the same server
   * @return the same server and user, another database
   */
  public Database withDatabase(String otherDatabase) {
    return new Database(host, port, otherDatabase, user, password, tls);
  }

  /** @return {@code postgresql://USER@HOST:PORT/DATABASE}, with {@code ?}{@link Tls#query()} when TLS settings are given */
  @Override
  public String toString() {
    String query = tls.query();
    return "postgresql://" + user + "@" + host + ":" + port + "/" + database + (query.isEmpty() ? "" : "?" + query);
  }
}
