package io.baton.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/** Reads Baton's Prometheus metrics over HTTP, as a scraper would. */
final class MetricsPage {
  private MetricsPage() {}

  /**
   * @param port the metrics port on 127.0.0.1
   * @param what what is scraped, for the failure message
   * @return the page, after checking that GET /metrics answered 200
   */
  static String scrape(int port, String what) throws Exception {
    HttpResponse<String> r = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as("GET /metrics of %s", what).isEqualTo(200);
    return r.body();
  }

  /** @return the value of the sample named exactly {@code series} (name and labels), or -1 when absent */
  static double value(String page, String series) {
    for (String line : page.split("\n")) {
      if (line.startsWith(series + " ")) {
        return Double.parseDouble(line.substring(series.length() + 1).trim());
      }
    }
    return -1;
  }
}
