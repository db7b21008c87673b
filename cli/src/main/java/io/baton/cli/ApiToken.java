package io.baton.cli;

import io.baton.BatonException;
import io.baton.spec.SpecException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * The bearer token that the control API's commands require ({@code Authorization: Bearer TOKEN}).
 * It comes from a file ({@code --api-token-file}) or the environment variable
 * {@value #ENV}; when neither is given, {@code baton run} makes a random one and writes it to
 * {@value #FILE_NAME} in its work directory, readable by its owner only, where the command-line
 * client on the same machine finds it. The token is never logged.
 */
final class ApiToken {
  static final String ENV = "BATON_API_TOKEN";
  static final String FILE_NAME = "api-token";
  private final byte[] token;

  private ApiToken(String token) {
    this.token = token.strip().getBytes(StandardCharsets.UTF_8);
  }

  /**
   * @param file a token file, or null
   * @return the token from the file, else from {@value #ENV}, else null
   * @throws SpecException when the file cannot be read or is empty
   */
  static ApiToken given(Path file) {
    if (file != null) {
      try {
        String t = Files.readString(file, StandardCharsets.UTF_8);
        if (t.isBlank()) {
          throw new SpecException("API token file " + file + " is empty");
        }
        return new ApiToken(t);
      } catch (IOException e) {
        throw new SpecException("cannot read the API token file " + file + ": " + e.getMessage());
      }
    }
    String env = System.getenv(ENV);
    return env == null || env.isBlank() ? null : new ApiToken(env);
  }

  /**
   * @param workDir the work directory
   * @return a new random token (256 bits, hex), written to {@value #FILE_NAME} there with mode 0600
   * @throws BatonException when it cannot be written
   */
  static ApiToken generate(Path workDir) {
    byte[] random = new byte[32];
    new SecureRandom().nextBytes(random);
    String t = HexFormat.of().formatHex(random);
    Path file = workDir.resolve(FILE_NAME);
    try {
      Files.deleteIfExists(file);
      Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Files.writeString(file, t + "\n", StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new BatonException("cannot write the API token to " + file + ": " + e.getMessage(), e);
    }
    return new ApiToken(t);
  }

  /**
   * @param authorization the request's {@code Authorization} header, or null
   * @return whether it carries this token; compared in constant time ({@link MessageDigest#isEqual})
   */
  boolean admits(String authorization) {
    if (authorization == null || !authorization.startsWith("Bearer ")) {
      return false;
    }
    return MessageDigest.isEqual(token, authorization.substring("Bearer ".length()).strip().getBytes(StandardCharsets.UTF_8));
  }

  /** @return the header value that carries this token */
  String header() {
    return "Bearer " + new String(token, StandardCharsets.UTF_8);
  }

  @Override
  public String toString() {
    return "ApiToken[****]";
  }
}
