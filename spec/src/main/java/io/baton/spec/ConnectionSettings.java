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
 * Where one database is (spec sections {@code source} and {@code target}). The password is never
 * written in the spec: it comes from an environment variable or a file, is read only when the
 * connection is made, and is never printed.
 *
 * @param url {@code postgresql://USER@HOST:PORT/DATABASE}, without a password
 * @param passwordEnv the environment variable holding the password, or null
 * @param passwordFile the file holding the password (its first line), or null
 */
public record ConnectionSettings(String url, String passwordEnv, String passwordFile) {
  @JsonCreator
  static ConnectionSettings fromYaml(
      @SpecDoc(value = "The database, without a password.", required = true,
          example = "postgresql://app@10.0.0.5:5432/shop") @JsonProperty("url") String url,
      @SpecDoc(value = "The environment variable that holds the password.", example = "SHOP_DB_PASSWORD")
      @JsonProperty("passwordEnv") String passwordEnv,
      @SpecDoc(value = "A file whose first line is the password (a mounted secret).", example = "/run/secrets/shop-db")
      @JsonProperty("passwordFile") String passwordFile,
      @SpecDoc("Refused: a password is never written in the spec; use passwordEnv or passwordFile.")
      @JsonProperty("password") String password) {
    if (password != null) {
      throw new SpecException("password", "a password is never written in the spec: put it in an environment variable"
          + " (passwordEnv: NAME) or a file (passwordFile: PATH)");
    }
    return new ConnectionSettings(url, passwordEnv, passwordFile);
  }

  public ConnectionSettings {
    if (url == null || url.isBlank()) {
      throw new SpecException("url", "url must name the database, for example postgresql://app@10.0.0.5:5432/shop");
    }
    if (passwordEnv != null && passwordFile != null) {
      throw new SpecException("passwordFile", "give passwordEnv or passwordFile, not both");
    }
    try {
      Database.parse(url, null);
    } catch (BatonException e) {
      throw new SpecException("url", e.getMessage());
    }
  }

  /**
   * Reads the password and describes the database.
   *
   * @param env looks up environment variables
   * @param fallbackEnv the variable to read when the spec names neither an environment variable
   *     nor a file (the command line's convention), or null
   * @return the database, with its password (null when none is set)
   * @throws SpecException when the named variable is unset or the file cannot be read (the message
   *     names the variable or file, never the password)
   */
  public Database database(Function<String, String> env, String fallbackEnv) {
    String password;
    if (passwordFile != null) {
      try {
        password = Files.readAllLines(Path.of(passwordFile), StandardCharsets.UTF_8).stream().findFirst().orElse("");
      } catch (IOException e) {
        throw new SpecException("password file " + passwordFile + " cannot be read (" + e.getClass().getSimpleName() + ")");
      }
    } else if (passwordEnv != null) {
      password = env.apply(passwordEnv);
      if (password == null) {
        throw new SpecException("environment variable " + passwordEnv + " (passwordEnv of " + url + ") is not set");
      }
    } else {
      password = fallbackEnv == null ? null : env.apply(fallbackEnv);
    }
    return Database.parse(url, password);
  }

  @Override
  public String toString() {
    return url + (passwordEnv != null ? " (password from $" + passwordEnv + ")"
        : passwordFile != null ? " (password from " + passwordFile + ")" : "");
  }
}
