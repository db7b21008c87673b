package io.baton.pg;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;

/**
 * How to reach one PostgreSQL database. The password never appears in {@link #toString()}.
 *
 * @param host the host name or address
 * @param port the TCP port
 * @param database the database name
 * @param user the user name
 * @param password the password; null for trust or peer authentication
 */
public record Database(String host, int port, String database, String user, String password) {
  private static final java.util.regex.Pattern URL =
      java.util.regex.Pattern.compile("postgres(?:ql)?://([^@/:]+)@([^/:]+|\\[[0-9a-fA-F:]+\\]):(\\d{1,5})/([^/?]+)");

  /**
   * Parses {@code postgresql://USER@HOST:PORT/DATABASE} (the form {@link #toString()} prints). The
   * password is never part of the URL.
   *
   * @param url the URL
   * @param password the password, or null
   * @return the database
   * @throws io.baton.BatonException naming the expected form when the URL does not match it
   */
  public static Database parse(String url, String password) {
    java.util.regex.Matcher m = url == null ? null : URL.matcher(url);
    if (m == null || !m.matches()) {
      String shown = url == null ? null : url.replaceAll("//([^@/:]*):[^@/]*@", "//$1:***@");
      throw new io.baton.BatonException("not a database URL: '" + shown + "' (expected postgresql://USER@HOST:PORT/DATABASE;"
          + " the password comes from the environment, never from the URL)");
    }
    int port = Integer.parseInt(m.group(3));
    if (port < 1 || port > 65535) {
      throw new io.baton.BatonException("port " + port + " in '" + url + "' is not between 1 and 65535");
    }
    return new Database(m.group(2), port, m.group(4), m.group(1), password);
  }

  /**
   * @return the JDBC URL; {@code stringtype=unspecified} lets the server type string parameters,
   *     which is how text values reach columns of any type
   */
  public String jdbcUrl() {
    return "jdbc:postgresql://" + host + ":" + port + "/" + database + "?stringtype=unspecified&ApplicationName=baton";
  }

  /** @return user and password as JDBC properties */
  public Properties properties() {
    Properties p = new Properties();
    p.setProperty("user", user);
    if (password != null) {
      p.setProperty("password", password);
    }
    return p;
  }

  /**
   * @return a new connection in auto-commit mode
   * @throws io.baton.BatonException naming the database when it cannot be reached (retriable)
   */
  public Connection connect() {
    try {
      return DriverManager.getConnection(jdbcUrl(), properties());
    } catch (SQLException e) {
      throw new io.baton.BatonException("cannot connect to " + this + ": " + e.getMessage()
          + " (check that the server runs and accepts connections from this host)", e, true);
    }
  }

  /**
   * @param otherDatabase another database on the same server
   * @return the same server and user, another database
   */
  public Database withDatabase(String otherDatabase) {
    return new Database(host, port, otherDatabase, user, password);
  }

  @Override
  public String toString() {
    return "postgresql://" + user + "@" + host + ":" + port + "/" + database;
  }
}
