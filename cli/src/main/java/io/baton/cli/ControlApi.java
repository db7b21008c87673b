package io.baton.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import io.baton.BatonException;
import io.baton.cutover.GateReport;
import io.baton.cutover.GateResult;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The control API of {@code baton run}, served next to {@code /metrics}:
 *
 * <ul>
 *   <li>{@code GET /}: the status page (a single HTML page that polls the API below);
 *   <li>{@code GET /api/status}: state, armed cutover, command running, last gate report, outcome
 *       of the latest command, final verification, and each direction's replication figures
 *       ({@link StatusViews#replication()});
 *   <li>{@code GET /api/gates}: every cutover gate evaluated now, with the predicted write pause;
 *   <li>{@code GET /api/tables}: per table, copy progress, live verification and quarantine
 *       ({@link StatusViews#tables()});
 *   <li>{@code GET /api/journal}: the migration's journal ({@link StatusViews#journal()});
 *   <li>{@code GET /healthz}: 200 while the process serves (liveness); {@code GET /readyz}: 200
 *       while the migration streams, verifies or has switched without a stopped pipeline, else 503
 *       with the reason (readiness);
 *   <li>{@code POST /api/cutover} (arms: the cutover starts once every gate passes),
 *       {@code POST /api/postpone}, {@code POST /api/rollback},
 *       {@code POST /api/finalize?confirm=NAME} (NAME is the migration's name): each answers 202 with
 *       {@code {"request": N}}, the number that {@code /api/status}'s outcome carries when it ends.
 * </ul>
 *
 * Commands need {@code Authorization: Bearer TOKEN} ({@link ApiToken}); without it they answer 401
 * and change nothing. A command the migration's state does not allow answers 409 with the reason.
 * Errors are JSON: {@code {"error": "..."}}.
 */
final class ControlApi {
  private static final Logger LOG = LoggerFactory.getLogger(ControlApi.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private final Controller controller;
  private final ApiToken token;

  private ControlApi(Controller controller, ApiToken token) {
    this.controller = controller;
    this.token = token;
  }

  /**
   * Adds the API's routes.
   *
   * @param endpoint the HTTP endpoint
   * @param controller the controller the commands go to
   * @param views the read-only views of the migration
   * @param token the token commands must carry
   */
  static void serve(MigrationMetrics endpoint, Controller controller, StatusViews views, ApiToken token) {
    ControlApi api = new ControlApi(controller, token);
    endpoint.route("/", api::page);
    endpoint.route("/api/status", e -> api.read(e, () -> {
      ObjectNode n = status(controller.status());
      n.set("replication", views.replication());
      return n;
    }));
    endpoint.route("/api/gates", e -> api.read(e, () -> gates(controller.evaluateGates())));
    endpoint.route("/api/tables", e -> api.read(e, views::tables));
    endpoint.route("/api/journal", e -> api.read(e, views::journal));
    endpoint.route("/healthz", e -> api.read(e, () -> JSON.createObjectNode().put("status", "ok")));
    endpoint.route("/readyz", e -> api.read(e, () -> {
      String why = views.notReady();
      if (why != null) {
        throw new Refused(503, why);
      }
      return JSON.createObjectNode().put("status", "ready");
    }));
    endpoint.route("/api/cutover", e -> api.command(e, "cutover", () -> controller.arm(actor(e))));
    endpoint.route("/api/postpone", e -> api.command(e, "postpone", () -> controller.postpone(actor(e))));
    endpoint.route("/api/rollback", e -> api.command(e, "rollback", () -> controller.rollback(actor(e))));
    endpoint.route("/api/finalize", e -> api.command(e, "finalize", () -> {
      String query = e.getRequestURI().getQuery();
      String name = controller.status().migration();
      if (query == null || !query.equals("confirm=" + name)) {
        throw new Refused(400, "finalize is the point of no return: confirm it with ?confirm=" + name);
      }
      return controller.finalizeMigration(actor(e));
    }));
  }

  /** A request refused with an HTTP status. */
  private static final class Refused extends RuntimeException {
    final int status;

    Refused(int status, String message) {
      super(message);
      this.status = status;
    }
  }

  private static String actor(HttpExchange e) {
    return "operator (API, " + e.getRemoteAddress().getAddress().getHostAddress() + ")";
  }

  // the exchange is closed after the answer is sent, so the catch blocks sit inside the try-with-resources
  private void read(HttpExchange e, java.util.function.Supplier<ObjectNode> body) throws IOException {
    try (e) {
      if (!"GET".equals(e.getRequestMethod())) {
        send(e, 405, error("use GET"));
        return;
      }
      try {
        send(e, 200, body.get());
      } catch (Refused r) {
        send(e, r.status, error(r.getMessage()));
      } catch (BatonException ex) {
        send(e, 503, error(ex.getMessage()));
      }
    }
  }

  /** The status page at {@code /}; any other path no route claims answers 404. */
  private void page(HttpExchange e) throws IOException {
    try (e) {
      String path = e.getRequestURI().getPath();
      if (!path.equals("/") && !path.equals("/index.html")) {
        send(e, 404, error("no such page: " + path));
        return;
      }
      if (!"GET".equals(e.getRequestMethod())) {
        send(e, 405, error("use GET"));
        return;
      }
      byte[] html;
      try (java.io.InputStream in = ControlApi.class.getResourceAsStream("/status/index.html")) {
        html = in.readAllBytes();
      }
      e.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
      e.getResponseHeaders().set("Cache-Control", "no-store");
      // the page loads nothing from elsewhere: scripts and styles are its own
      e.getResponseHeaders().set("Content-Security-Policy", "default-src 'self'; script-src 'unsafe-inline';"
          + " style-src 'unsafe-inline'; connect-src 'self'");
      e.sendResponseHeaders(200, html.length);
      try (OutputStream out = e.getResponseBody()) {
        out.write(html);
      }
    }
  }

  private void command(HttpExchange e, String name, LongSupplier run) throws IOException {
    try (e) {
      if (!"POST".equals(e.getRequestMethod())) {
        send(e, 405, error("use POST"));
        return;
      }
      if (!token.admits(e.getRequestHeaders().getFirst("Authorization"))) {
        LOG.warn("control API: {} refused from {}: no valid bearer token", name, e.getRemoteAddress().getAddress().getHostAddress());
        send(e, 401, error("a valid bearer token is required (Authorization: Bearer TOKEN)"));
        return;
      }
      try {
        long request = run.getAsLong();
        send(e, 202, JSON.createObjectNode().put("request", request));
      } catch (Refused r) {
        send(e, r.status, error(r.getMessage()));
      } catch (BatonException ex) {
        send(e, 409, error(ex.getMessage()));
      }
    }
  }

  private static ObjectNode error(String message) {
    return JSON.createObjectNode().put("error", message);
  }

  private static void send(HttpExchange e, int status, ObjectNode body) throws IOException {
    byte[] bytes = JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(body);
    e.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
    e.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = e.getResponseBody()) {
      out.write(bytes);
    }
  }

  /**
   * @param s the controller's status
   * @return it as JSON: {@code migration}, {@code ready} (false while the migration starts: commands
   *     are refused until then), {@code state}, {@code armed_request} (-1 for none),
   *     {@code busy}, {@code gates} (the last report, or null) and {@code outcome} ({@code request},
   *     {@code action}, {@code ok}, {@code message}, {@code write_pause_ms}, {@code at_ms}; or null)
   *     and {@code final_verification} ({@code action}, {@code freeze_lsn}, {@code outcome}: RUNNING,
   *     EQUAL, DIFFERENT or FAILED, {@code summary}; or null before a switch)
   */
  static ObjectNode status(Controller.Status s) {
    ObjectNode n = JSON.createObjectNode();
    n.put("migration", s.migration());
    n.put("ready", s.ready());
    n.put("state", s.state().name());
    n.put("armed_request", s.armed());
    n.put("busy", s.busy());
    n.set("gates", s.lastReport() == null ? null : gates(s.lastReport()));
    if (s.outcome() == null) {
      n.putNull("outcome");
    } else {
      n.putObject("outcome").put("request", s.outcome().request()).put("action", s.outcome().action())
          .put("ok", s.outcome().ok()).put("message", s.outcome().message()).put("write_pause_ms", s.outcome().pauseMs())
          .put("at_ms", s.outcome().atMs());
    }
    FinalVerification.Status f = s.finalVerification();
    if (f == null) {
      n.putNull("final_verification");
    } else {
      n.putObject("final_verification").put("action", f.action())
          .put("freeze_lsn", f.freezeLsn() == null ? null : f.freezeLsn().toString()).put("outcome", f.outcome().name())
          .put("summary", f.summary());
    }
    return n;
  }

  /**
   * @param r a gate report
   * @return it as JSON: {@code passed}, {@code predicted_write_pause_ms}, {@code at_ms} and
   *     {@code gates[]} ({@code gate}, {@code passed}, {@code observed}, {@code required})
   */
  static ObjectNode gates(GateReport r) {
    ObjectNode n = JSON.createObjectNode();
    n.put("passed", r.passed());
    n.put("predicted_write_pause_ms", r.predictedPauseMs());
    n.put("at_ms", r.atMs());
    ArrayNode list = n.putArray("gates");
    for (GateResult g : r.gates()) {
      list.addObject().put("gate", g.gate()).put("passed", g.passed()).put("observed", g.observed()).put("required", g.required());
    }
    return n;
  }
}
