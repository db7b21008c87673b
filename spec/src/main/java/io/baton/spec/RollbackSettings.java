package io.baton.spec;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Automatic rollback (spec section {@code rollback}): after a cutover, {@code baton run} rolls
 * traffic back to the source by itself when one of these conditions holds for its duration. A
 * trigger set to 0 is off.
 *
 * @param automatic whether the triggers act (default true); false leaves rollback to the operator
 * @param maxMismatchRatio rows found different over rows compared by live verification of the
 *     reverse direction, above which it rolls back; default 0.001 (0.1% of rows)
 * @param maxReverseLagMs reverse replication's apply lag (target commit to source commit) above
 *     which, held for {@code forSeconds}, it rolls back; default 30000. Reverse replication that
 *     stops on an error rolls back at once.
 * @param maxLatencyMultiple the clients' mean transaction time on the target (PgBouncer
 *     {@code SHOW STATS}, {@code avg_xact_time}) over its value on the source just before the
 *     cutover, above which, held for {@code forSeconds}, it rolls back; default 3, 0 for off
 * @param forSeconds how long the lag or latency condition must hold, seconds; default 30
 * @param prometheus a Prometheus query whose value above a threshold rolls back, or null
 */
public record RollbackSettings(boolean automatic, double maxMismatchRatio, long maxReverseLagMs, double maxLatencyMultiple,
    int forSeconds, PrometheusTrigger prometheus) {
  /** The defaults. */
  public static final RollbackSettings DEFAULTS = new RollbackSettings(true, 0.001, 30_000, 3, 30, null);

  @JsonCreator
  static RollbackSettings fromYaml(
      @SpecDoc(value = "Roll back by itself when a trigger holds; false leaves rollback to the operator.", defaultValue = "true")
      @JsonProperty("automatic") Boolean automatic,
      @SpecDoc(value = "Rows found different over rows compared (reverse direction) that trigger a rollback; 0 to 1,"
          + " 0 for off.", defaultValue = "0.001") @JsonProperty("maxMismatchRatio") Double maxMismatchRatio,
      @SpecDoc(value = "Reverse replication apply lag, in ms, that held for forSeconds triggers a rollback; 0 for off.",
          defaultValue = "30000") @JsonProperty("maxReverseLagMs") Long maxReverseLagMs,
      @SpecDoc(value = "Mean transaction time on the target over the source's before cutover (PgBouncer SHOW STATS) that"
          + " held for forSeconds triggers a rollback; 0 for off.", defaultValue = "3")
      @JsonProperty("maxLatencyMultiple") Double maxLatencyMultiple,
      @SpecDoc(value = "How long the lag, latency or Prometheus condition must hold, in seconds; 1 to 3600.",
          defaultValue = "30") @JsonProperty("forSeconds") Integer forSeconds,
      @SpecDoc("A Prometheus query whose value above a threshold triggers a rollback.")
      @JsonProperty("prometheus") PrometheusTrigger prometheus) {
    return new RollbackSettings(
        automatic == null ? DEFAULTS.automatic : automatic,
        maxMismatchRatio == null ? DEFAULTS.maxMismatchRatio : maxMismatchRatio,
        maxReverseLagMs == null ? DEFAULTS.maxReverseLagMs : maxReverseLagMs,
        maxLatencyMultiple == null ? DEFAULTS.maxLatencyMultiple : maxLatencyMultiple,
        forSeconds == null ? DEFAULTS.forSeconds : forSeconds,
        prometheus);
  }

  public RollbackSettings {
    if (!(maxMismatchRatio >= 0 && maxMismatchRatio <= 1)) {
      throw new SpecException("maxMismatchRatio", "rollback.maxMismatchRatio must be between 0 and 1, was " + maxMismatchRatio);
    }
    if (maxReverseLagMs < 0) {
      throw new SpecException("maxReverseLagMs", "rollback.maxReverseLagMs must be 0 (off) or more, was " + maxReverseLagMs);
    }
    if (!(maxLatencyMultiple == 0 || maxLatencyMultiple >= 1)) {
      throw new SpecException("maxLatencyMultiple", "rollback.maxLatencyMultiple must be 0 (off) or at least 1, was "
          + maxLatencyMultiple);
    }
    if (forSeconds < 1 || forSeconds > 3600) {
      throw new SpecException("forSeconds", "rollback.forSeconds must be between 1 and 3600, was " + forSeconds);
    }
  }

  /**
   * A Prometheus instant query (HTTP API {@code /api/v1/query}) whose first value above the
   * threshold, held for {@code forSeconds}, triggers a rollback.
   *
   * @param url Prometheus' base address, for example {@code http://prometheus:9090}
   * @param query the PromQL expression
   * @param threshold the value above which it triggers
   */
  public record PrometheusTrigger(String url, String query, double threshold) {
    @JsonCreator
    static PrometheusTrigger fromYaml(
        @SpecDoc(value = "Prometheus' base address.", required = true, example = "http://prometheus:9090")
        @JsonProperty(value = "url", required = true) String url,
        @SpecDoc(value = "The PromQL expression; its first value is compared.", required = true,
            example = "sum(rate(http_requests_total{code=~'5..'}[1m]))")
        @JsonProperty(value = "query", required = true) String query,
        @SpecDoc(value = "The value above which the rollback triggers.", required = true, example = "5")
        @JsonProperty(value = "threshold", required = true) Double threshold) {
      return new PrometheusTrigger(url, query, threshold == null ? Double.NaN : threshold);
    }

    public PrometheusTrigger {
      if (url == null || !(url.startsWith("http://") || url.startsWith("https://"))) {
        throw new SpecException("url", "rollback.prometheus.url must start with http:// or https://, was '" + url + "'");
      }
      if (query == null || query.isBlank()) {
        throw new SpecException("query", "rollback.prometheus.query is missing");
      }
      if (Double.isNaN(threshold)) {
        throw new SpecException("threshold", "rollback.prometheus.threshold is missing");
      }
    }
  }
}
