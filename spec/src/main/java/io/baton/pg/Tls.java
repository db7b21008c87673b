package io.baton.pg;

import io.baton.BatonException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * How Baton protects its connections to one database with TLS: the one place that maps these
 * settings to pgJDBC connection properties ({@link #jdbcProperties}) and to the Debezium
 * PostgreSQL connector's options ({@link #debeziumProperties}), so that every session Baton opens
 * (JDBC sessions, the replication connection that exports the snapshot, Debezium's own
 * connections) gets the same settings.
 *
 * <p>The names and meanings are libpq's (PostgreSQL documentation, "SSL Support" in the libpq
 * chapter, and pgJDBC's "Using SSL"): {@code sslmode}, {@code sslrootcert}, {@code sslcert},
 * {@code sslkey}, {@code sslpassword}. Debezium takes them as {@code database.sslmode},
 * {@code database.sslrootcert}, {@code database.sslcert}, {@code database.sslkey} and
 * {@code database.sslpassword} (Debezium PostgreSQL connector, "Advanced connector configuration
 * properties"). With nothing set, nothing is passed and the drivers' default applies ({@code prefer}:
 * TLS when the server offers it, without checking its certificate); {@code verify-full} is what
 * Baton recommends: TLS or no connection, a server certificate signed by the CA in
 * {@code sslrootcert}, and a certificate name (subject alternative name) equal to the host.
 *
 * @param mode the sslmode, or null for the driver's default
 * @param rootCert the PEM file of the CA certificates the server's certificate must chain to, or
 *     null (pgJDBC then reads {@code ~/.postgresql/root.crt} when it verifies)
 * @param cert the client certificate (PEM) for certificate authentication, or null
 * @param key the client certificate's private key (PKCS-8 DER, or a PKCS-12 file that holds both),
 *     or null
 * @param keyPassword the password of {@code key}, or null; a secret: read from an environment
 *     variable or a file, never from a URL or the spec, and never printed
 */
public record Tls(Mode mode, String rootCert, String cert, String key, String keyPassword) {
  /** No TLS setting: the drivers' defaults, as without this class. */
  public static final Tls NONE = new Tls(null, null, null, null, null);

  /** The URL query parameters {@link #fromQuery} understands, in the order {@link #query()} prints them. */
  private static final java.util.List<String> PARAMETERS = java.util.List.of("sslmode", "sslrootcert", "sslcert", "sslkey");

  /** libpq's {@code sslmode} values, weakest first. */
  public enum Mode {
    /** Plain text only. */
    DISABLE("disable"),
    /** Plain text first, TLS if the server insists. */
    ALLOW("allow"),
    /** TLS first, plain text if the server does not offer it (the drivers' default). */
    PREFER("prefer"),
    /** TLS or no connection; the certificate is not checked. */
    REQUIRE("require"),
    /** TLS or no connection; the certificate must chain to {@code sslrootcert}. */
    VERIFY_CA("verify-ca"),
    /** As {@link #VERIFY_CA}, and the certificate must name the host connected to. Recommended. */
    VERIFY_FULL("verify-full");

    private final String text;

    Mode(String text) {
      this.text = text;
    }

    /** @return the value as libpq, pgJDBC and Debezium spell it, for example {@code verify-full} */
    public String text() {
      return text;
    }

    /**
     * @param text a value as libpq spells it, any case
     * @return the mode
     * @throws BatonException listing the valid values when {@code text} is not one
     */
    public static Mode parse(String text) {
      for (Mode m : values()) {
        if (m.text.equals(text.toLowerCase(Locale.ROOT))) {
          return m;
        }
      }
      throw new BatonException("sslmode '" + text + "' is not one of disable, allow, prefer, require, verify-ca,"
          + " verify-full (verify-full is recommended)");
    }

    /** @return true when a connection without TLS is refused by the client */
    public boolean requiresTls() {
      return ordinal() >= REQUIRE.ordinal();
    }
  }

  /**
   * Reads the TLS parameters of a database URL's query ({@code sslmode=verify-full&sslrootcert=/etc/baton/ca.pem}).
   * Values may be percent-encoded.
   *
   * @param query the part after {@code ?}, or null or empty for {@link #NONE}
   * @return the settings, without a key password
   * @throws BatonException naming the parameter when one is unknown, repeated or empty, or when a
   *     secret ({@code sslpassword}, {@code password}) is written in the URL
   */
  public static Tls fromQuery(String query) {
    if (query == null || query.isEmpty()) {
      return NONE;
    }
    Map<String, String> values = new LinkedHashMap<>();
    for (String pair : query.split("&", -1)) {
      int eq = pair.indexOf('=');
      String name = eq < 0 ? pair : pair.substring(0, eq);
      String value = eq < 0 ? "" : java.net.URLDecoder.decode(pair.substring(eq + 1), java.nio.charset.StandardCharsets.UTF_8);
      if (name.equals("sslpassword") || name.equals("password")) {
        throw new BatonException("'" + name + "' is never written in a database URL: it is a secret; give it in an"
            + " environment variable or a file (spec keys " + (name.equals("password") ? "passwordEnv, passwordFile"
            : "sslPasswordEnv, sslPasswordFile") + ")");
      }
      if (!PARAMETERS.contains(name)) {
        throw new BatonException("unknown parameter '" + name + "' in the database URL; the URL takes " + String.join(", ", PARAMETERS));
      }
      if (value.isEmpty()) {
        throw new BatonException("parameter '" + name + "' in the database URL has no value");
      }
      if (values.put(name, value) != null) {
        throw new BatonException("parameter '" + name + "' appears twice in the database URL");
      }
    }
    String mode = values.get("sslmode");
    return new Tls(mode == null ? null : Mode.parse(mode), values.get("sslrootcert"), values.get("sslcert"),
        values.get("sslkey"), null);
  }

  /**
   * @param password the client key's password, or null
   * @return the same settings with that key password
   */
  public Tls withKeyPassword(String password) {
    return new Tls(mode, rootCert, cert, key, password);
  }

  /** @return true when nothing is set (the drivers' defaults apply) */
  public boolean isDefault() {
    return mode == null && rootCert == null && cert == null && key == null && keyPassword == null;
  }

  /**
   * @return the non-secret settings as a URL query without the {@code ?} ({@code sslmode=verify-full&sslrootcert=/etc/ca.pem}),
   *     empty when none is set; {@link #fromQuery} reads it back; the key password is never part of it
   */
  public String query() {
    StringBuilder sb = new StringBuilder();
    String[] values = {mode == null ? null : mode.text(), rootCert, cert, key};
    for (int i = 0; i < values.length; i++) {
      if (values[i] != null) {
        sb.append(sb.length() == 0 ? "" : "&").append(PARAMETERS.get(i)).append('=')
            .append(java.net.URLEncoder.encode(values[i], java.nio.charset.StandardCharsets.UTF_8).replace("%2F", "/"));
      }
    }
    return sb.toString();
  }

  /**
   * Adds these settings to pgJDBC connection properties (pgJDBC {@code PGProperty.SSL_MODE},
   * {@code SSL_ROOT_CERT}, {@code SSL_CERT}, {@code SSL_KEY}, {@code SSL_PASSWORD}); what is not
   * set is not added.
   *
   * @param p the properties to add to; changed in place
   * @return {@code p}
   */
  public Properties jdbcProperties(Properties p) {
    put(p, "", "sslmode", mode == null ? null : mode.text());
    put(p, "", "sslrootcert", rootCert);
    put(p, "", "sslcert", cert);
    put(p, "", "sslkey", key);
    put(p, "", "sslpassword", keyPassword);
    return p;
  }

  /**
   * Adds these settings to a Debezium PostgreSQL connector's configuration ({@code database.sslmode},
   * {@code database.sslrootcert}, {@code database.sslcert}, {@code database.sslkey},
   * {@code database.sslpassword}); what is not set is not added, so Debezium's default applies.
   *
   * @param p the connector properties to add to; changed in place
   * @return {@code p}
   */
  public Properties debeziumProperties(Properties p) {
    put(p, "database.", "sslmode", mode == null ? null : mode.text());
    put(p, "database.", "sslrootcert", rootCert);
    put(p, "database.", "sslcert", cert);
    put(p, "database.", "sslkey", key);
    put(p, "database.", "sslpassword", keyPassword);
    return p;
  }

  private static void put(Properties p, String prefix, String name, String value) {
    if (value != null) {
      p.setProperty(prefix + name, value);
    }
  }

  /** @return the settings for messages: {@code TLS sslmode=verify-full, sslrootcert=...}, never the key password */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("TLS sslmode=").append(mode == null ? "prefer (the default)" : mode.text());
    String[] values = {rootCert, cert, key};
    for (int i = 0; i < values.length; i++) {
      if (values[i] != null) {
        sb.append(", ").append(PARAMETERS.get(i + 1)).append('=').append(values[i]);
      }
    }
    return sb.append(keyPassword != null ? ", sslpassword=***" : "").toString();
  }
}
