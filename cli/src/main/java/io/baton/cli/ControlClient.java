package io.baton.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.baton.BatonException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * The command-line side of the control API ({@link ControlApi}): one request at a time to a
 * running {@code baton run}, answers read as JSON.
 */
final class ControlClient {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final URI base;
  private final ApiToken token;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  /**
   * @param base the API's address, for example {@code http://127.0.0.1:9464}
   * @param token the token for commands, or null for reads only
   */
  ControlClient(URI base, ApiToken token) {
    this.base = base;
    this.token = token;
  }

  /**
   * @param path for example {@code /api/status}
   * @return the answer
   * @throws BatonException when the API cannot be reached or answers with an error
   */
  JsonNode get(String path) {
    return send(HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(60)).GET().build());
  }

  /**
   * @param path for example {@code /api/cutover}
   * @return the request number the API gave the command
   * @throws BatonException when the API cannot be reached, refuses the token, or refuses the
   *     command (the message is the API's reason)
   */
  long command(String path) {
    if (token == null) {
      throw new io.baton.spec.SpecException("no API token: pass --api-token-file FILE, set " + ApiToken.ENV
          + ", or pass the --work-dir of baton run (its " + ApiToken.FILE_NAME + " file)");
    }
    HttpRequest r = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(60))
        .header("Authorization", token.header()).POST(HttpRequest.BodyPublishers.noBody()).build();
    return send(r).path("request").asLong();
  }

  private JsonNode send(HttpRequest request) {
    HttpResponse<String> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new BatonException("cannot reach baton run's control API at " + base + " (" + e.getClass().getSimpleName()
          + (e.getMessage() == null ? "" : ": " + e.getMessage()) + "); is baton run running, and is --api its --listen"
          + " address?", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BatonException("interrupted while calling " + request.uri(), e);
    }
    JsonNode body;
    try {
      body = JSON.readTree(response.body());
    } catch (IOException e) {
      throw new BatonException(request.uri() + " answered " + response.statusCode() + " with something that is not JSON", e);
    }
    if (response.statusCode() >= 400) {
      throw new Refused(request.method() + " " + request.uri().getPath() + " refused (" + response.statusCode() + "): "
          + body.path("error").asText());
    }
    return body;
  }

  /** The API answered, and refused: a bad token, or a command the migration's state does not allow. */
  static final class Refused extends BatonException {
    Refused(String message) {
      super(message);
    }
  }
}
