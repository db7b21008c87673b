package io.baton.cutover;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.baton.spec.RollbackSettings;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the value of the rollback trigger's Prometheus query through Prometheus' HTTP API
 * ({@code GET /api/v1/query}, Prometheus documentation "HTTP API: Instant queries"): the first
 * sample of the result ({@code data.result[0].value[1]}, a vector or a scalar).
 */
public final class PrometheusQuery {
  private static final Logger LOG = LoggerFactory.getLogger(PrometheusQuery.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private final RollbackSettings.PrometheusTrigger trigger;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

  /**
   * @param trigger the query and where Prometheus is
   */
  public PrometheusQuery(RollbackSettings.PrometheusTrigger trigger) {
    this.trigger = trigger;
  }

  /**
   * @return the query's value now; NaN when Prometheus cannot be reached, answers with an error or
   *     an empty result (logged; an unreadable trigger never rolls back)
   */
  public double value() {
    URI uri = URI.create(trigger.url().replaceAll("/+$", "") + "/api/v1/query?query="
        + URLEncoder.encode(trigger.query(), StandardCharsets.UTF_8));
    try {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).GET().build(),
          HttpResponse.BodyHandlers.ofString());
      JsonNode body = JSON.readTree(r.body());
      if (r.statusCode() != 200 || !"success".equals(body.path("status").asText())) {
        LOG.warn("Prometheus query {} failed ({}): {}", trigger.query(), r.statusCode(), body.path("error").asText());
        return Double.NaN;
      }
      JsonNode data = body.path("data");
      JsonNode value = data.path("resultType").asText().equals("scalar") ? data.path("result")
          : data.path("result").path(0).path("value");
      return value.isMissingNode() ? Double.NaN : Double.parseDouble(value.path(1).asText());
    } catch (IOException | NumberFormatException e) {
      LOG.warn("Prometheus query {} at {} failed: {}", trigger.query(), trigger.url(), e.getMessage());
      return Double.NaN;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Double.NaN;
    }
  }
}
