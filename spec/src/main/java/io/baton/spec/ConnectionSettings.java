package io.baton.spec;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.baton.BatonException;
import io.baton.pg.Database;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Function;

/**
 * Where one database is (spec sections {@code source} and {@code target}), and how Baton reaches it
 * with TLS. Secrets are never written in the spec: the password and the TLS client key's password
 * come from an environment variable or a file, are read only when the connection is made, and are
 * never printed.
 *
 * <p>TLS is set in the URL's query, with libpq's parameter names (PostgreSQL documentation, "SSL
 * Support"): {@code postgresql://baton@db1:5432/shop?sslmode=verify-full&sslrootcert=/etc/baton/ca.pem},
 * and {@code sslcert} and {@code sslkey} for a client certificate; see {@link io.baton.pg.Tls}.
 *
 * @param url {@code postgresql://USER@HOST:PORT/DATABASE[?sslmode=...]}, without a password
 * @param passwordEnv the environment variable holding the password, or null
 * @param passwordFile the file holding the password (its first line), or null
 * @param sslPasswordEnv the environment variable holding the password of the client key ({@code sslkey}), or null
 * @param sslPasswordFile the file holding the password of the client key (its first line), or null
 */
public record ConnectionSettings(String url, String passwordEnv, String passwordFile, String sslPasswordEnv,
    String sslPasswordFile) {
  @JsonCreator
  static ConnectionSettings fromYaml(
      @SpecDoc(value = "The database, without a password. TLS settings go in the query, with libpq's names: sslmode"
          + " (disable, allow, prefer, require, verify-ca, verify-full; verify-full is recommended; without it the"
          + " drivers' default, prefer, applies), sslrootcert (the CA certificates, PEM), sslcert and sslkey (a client"
          + " certificate, PEM, and its key, PKCS-8 DER or PKCS-12).", required = true,
          example = "postgresql://app@10.0.0.5:5432/shop?sslmode=verify-full&sslrootcert=/etc/baton/ca.pem")
      @JsonProperty("url") String url,
      @SpecDoc(value = "The environment variable that holds the password.", example = "SHOP_DB_PASSWORD")
      @JsonProperty("passwordEnv") String passwordEnv,
      @SpecDoc(value = "A file whose first line is the password (a mounted secret).", example = "/run/secrets/shop-db")
      @JsonProperty("passwordFile") String passwordFile,
      @SpecDoc(value = "The environment variable that holds the password of the TLS client key (the URL's sslkey).",
          example = "SHOP_DB_KEY_PASSWORD")
      @JsonProperty("sslPasswordEnv") String sslPasswordEnv,
      @SpecDoc(value = "A file whose first line is the password of the TLS client key (the URL's sslkey).",
          example = "/run/secrets/shop-db-key")
      @JsonProperty("sslPasswordFile") String sslPasswordFile,
      @SpecDoc("Refused: a password is never written in the spec; use passwordEnv or passwordFile.")
      @JsonProperty("password") String password) {
    if (password != null) {
      throw new SpecException("password", "a password is never written in the spec: put it in an environment variable"
          + " (passwordEnv: NAME) or a file (passwordFile: PATH)");
    }
    return new ConnectionSettings(url, passwordEnv, passwordFile, sslPasswordEnv, sslPasswordFile);
  }

  public ConnectionSettings {
    if (url == null || url.isBlank()) {
      throw new SpecException("url", "url must name the database, for example postgresql://app@10.0.0.5:5432/shop");
    }
    if (passwordEnv != null && passwordFile != null) {
      throw new SpecException("passwordFile", "give passwordEnv or passwordFile, not both");
    }
    if (sslPasswordEnv != null && sslPasswordFile != null) {
      throw new SpecException("sslPasswordFile", "give sslPasswordEnv or sslPasswordFile, not both");
    }
    Database parsed;
    try {
      parsed = Database.parse(url, null);
    } catch (BatonException e) {
      throw new SpecException("url", e.getMessage());
    }
    if ((sslPasswordEnv != null || sslPasswordFile != null) && parsed.tls().key() == null) {
      throw new SpecException(sslPasswordEnv != null ? "sslPasswordEnv" : "sslPasswordFile",
          "a TLS key password without a key: add sslkey=FILE to the url's query");
    }
  }

  /**
   * Where one database is, without a TLS key password.
   *
   * @param url the database URL
   * @param passwordEnv the environment variable holding the password, or null
   * @param passwordFile the file holding the password, or null
   */
  public ConnectionSettings(String url, String passwordEnv, String passwordFile) {
    this(url, passwordEnv, passwordFile, null, null);
  }

  /**
   * Reads the password and describes the database; see {@link #database(Function, String, String)}.
   *
   * @param env looks up environment variables
   * @param fallbackEnv the password's variable when the spec names neither, or null
   * @return the database
   */
  public Database database(Function<String, String> env, String fallbackEnv) {
    return database(env, fallbackEnv, null);
  }

  /**
   * Reads the passwords and describes the database.
   *
   * @param env looks up environment variables
   * @param fallbackEnv the variable to read when the spec names neither an environment variable
   *     nor a file for the password (the command line's convention), or null
   * @param fallbackSslEnv the variable to read for the TLS key's password when the URL names a key
   *     and the spec names neither {@code sslPasswordEnv} nor {@code sslPasswordFile}, or null
   * @return the database, with its passwords (null when none is set)
   * @throws SpecException when a named variable is unset or a file cannot be read (the message
   *     names the variable or file, never the password)
   */
  public Database database(Function<String, String> env, String fallbackEnv, String fallbackSslEnv) {
    String password = secret(env, passwordFile, passwordEnv, fallbackEnv, "passwordEnv");
    String sslPassword = Database.parse(url, null).tls().key() == null ? null
        : secret(env, sslPasswordFile, sslPasswordEnv, fallbackSslEnv, "sslPasswordEnv");
    return Database.parse(url, password, sslPassword);
  }

  private String secret(Function<String, String> env, String file, String variable, String fallback, String key) {
    if (file != null) {
      try {
        return Files.readAllLines(Path.of(file), StandardCharsets.UTF_8).stream().findFirst().orElse("");
      } catch (IOException e) {
        throw new SpecException("password file " + file + " cannot be read (" + e.getClass().getSimpleName() + ")");
      }
    }
    if (variable != null) {
      String value = env.apply(variable);
      if (value == null) {
        throw new SpecException("environment variable " + variable + " (" + key + " of " + url + ") is not set");
      }
      return value;
    }
    return fallback == null ? null : env.apply(fallback);
  }

  @Override
  public String toString() {
    return url + (passwordEnv != null ? " (password from $" + passwordEnv + ")"
        : passwordFile != null ? " (password from " + passwordFile + ")" : "")
        + (sslPasswordEnv != null ? " (key password from $" + sslPasswordEnv + ")"
        : sslPasswordFile != null ? " (key password from " + sslPasswordFile + ")" : "");
  }
}
