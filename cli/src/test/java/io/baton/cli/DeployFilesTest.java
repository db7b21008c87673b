package io.baton.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.baton.spec.MigrationSpec;
import io.baton.spec.RouterSettings;
import io.baton.spec.SpecLoader;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The deployment files: the Prometheus configuration, alert rules and their unit tests, the
 * Grafana dashboard, docker-compose.yml and the Kubernetes manifests. Each is parsed and held to
 * what it must say, and the Prometheus files are run through promtool.
 */
class DeployFilesTest {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final ObjectMapper JSON = new ObjectMapper();

  /** An alert rule as alerts.yml must define it. */
  private record Alert(String expr, String forDuration, String severity) {
  }

  private static final Map<String, Alert> ALERTS = Map.ofEntries(
      Map.entry("BatonDown", new Alert("up{job=\"baton\"} == 0", "1m", "critical")),
      Map.entry("BatonReplicationLagHigh",
          new Alert("baton_replication_apply_lag_seconds{direction=\"forward\"} > 30", "5m", "warning")),
      Map.entry("BatonReplicationLagCritical",
          new Alert("baton_replication_apply_lag_seconds{direction=\"forward\"} > 300", "5m", "critical")),
      Map.entry("BatonSlotInactive",
          new Alert("baton_replication_running == 1 and on(direction) baton_replication_slot_active == 0", "2m", "critical")),
      Map.entry("BatonRetainedWalHigh", new Alert("baton_replication_slot_retained_wal_bytes > 10 * 1024^3", "10m", "warning")),
      Map.entry("BatonSlotWalAtRisk", new Alert("baton_replication_slot_wal_at_risk == 1", "1m", "critical")),
      Map.entry("BatonReconcilerMismatch", new Alert("max by (table) (baton_verify_mismatched_rows) > 0", "10m", "warning")),
      Map.entry("BatonQuarantineGrowing", new Alert("increase(baton_stream_quarantined_changes_total[15m]) > 0", null, "warning")),
      Map.entry("BatonReverseReplicationBroken",
          new Alert("baton_migration_state{state=\"CUT_OVER\"} == 1 and on() baton_replication_running{direction=\"reverse\"} == 0",
              "1m", "critical")),
      Map.entry("BatonMigrationFailed", new Alert("baton_migration_state{state=\"FAILED\"} == 1", null, "critical")));

  /** The only metrics the dashboard may read, as they appear in its expressions. */
  private static final Set<String> DASHBOARD_METRICS = Set.of(
      "baton_migration_state",
      "baton_replication_apply_lag_seconds",
      "baton_replication_slot_lag_bytes",
      "baton_replication_slot_retained_wal_bytes",
      "baton_stream_captured_changes_total",
      "baton_stream_applied_changes_total",
      "baton_stream_quarantined_changes_total",
      "baton_replication_end_to_end_lag_seconds_bucket",
      "baton_sink_batch_seconds_bucket",
      "baton_snapshot_rows",
      "baton_snapshot_eta_seconds",
      "baton_verify_rows_total",
      "baton_verify_mismatched_rows",
      "baton_verify_mismatch_ratio",
      "baton_final_verification",
      "baton_switch_write_pause_seconds",
      "baton_replication_running");

  private static final Pattern METRIC = Pattern.compile("baton_[a-z_]+");
  private static final Pattern REQUIRED_VARIABLE = Pattern.compile("\\$\\{[A-Za-z_][A-Za-z0-9_]*:\\?[^}]+}");

  // ---------------------------------------------------------------------------------------------
  // Prometheus
  // ---------------------------------------------------------------------------------------------

  @Test
  void shouldPassPromtoolChecksAndRuleTests() throws Exception {
    Path promtool = promtool();

    Run config = run(promtool.toString(), "check", "config", "deploy/prometheus/prometheus.yml");
    assertThat(config.exitCode()).as("promtool check config:\n%s", config.output()).isZero();
    assertThat(config.output()).contains("SUCCESS: 1 rule files found")
        .contains("SUCCESS: deploy/prometheus/prometheus.yml is valid prometheus config file syntax");

    Run rules = run(promtool.toString(), "check", "rules", "deploy/prometheus/alerts.yml");
    assertThat(rules.exitCode()).as("promtool check rules:\n%s", rules.output()).isZero();
    assertThat(rules.output()).contains("SUCCESS: " + ALERTS.size() + " rules found");

    Run tests = run(promtool.toString(), "test", "rules", "deploy/prometheus/alerts_test.yml");
    assertThat(tests.exitCode()).as("promtool test rules:\n%s", tests.output()).isZero();
    assertThat(tests.output()).contains("SUCCESS").doesNotContain("FAILED");

    // The unit tests show every alert firing, and not firing, at least once each.
    JsonNode testFile = yaml(root().resolve("deploy/prometheus/alerts_test.yml"));
    assertThat(texts(testFile.path("rule_files"))).containsExactly("alerts.yml");
    Set<String> firing = new TreeSet<>();
    Set<String> silent = new TreeSet<>();
    for (JsonNode test : testFile.path("tests")) {
      assertThat(test.path("input_series")).as("a test without input series").isNotEmpty();
      for (JsonNode check : test.path("alert_rule_test")) {
        String name = check.path("alertname").asText();
        JsonNode expected = check.path("exp_alerts");
        if (expected.isEmpty()) {
          silent.add(name);
          continue;
        }
        firing.add(name);
        for (JsonNode alert : expected) {
          assertThat(alert.path("exp_labels").path("severity").asText()).as("severity of %s", name)
              .isEqualTo(ALERTS.get(name).severity());
          assertThat(fieldNames(alert.path("exp_annotations"))).as("annotations expected of %s", name)
              .containsExactlyInAnyOrder("summary", "description", "runbook");
        }
      }
    }
    assertThat(firing).as("alerts shown firing").isEqualTo(new TreeSet<>(ALERTS.keySet()));
    assertThat(silent).as("alerts shown not firing").isEqualTo(new TreeSet<>(ALERTS.keySet()));
  }

  @Test
  void shouldAlertOnEveryConditionTheIssueNames() throws IOException {
    JsonNode file = yaml(root().resolve("deploy/prometheus/alerts.yml"));
    JsonNode groups = file.path("groups");
    assertThat(groups).hasSize(1);
    assertThat(groups.get(0).path("name").asText()).isEqualTo("baton");

    Set<String> anchors = readmeAnchors();
    Map<String, JsonNode> rules = new LinkedHashMap<>();
    for (JsonNode rule : groups.get(0).path("rules")) {
      assertThat(rule.has("alert")).as("a recording rule among the alerts: %s", rule).isTrue();
      assertThat(rules.put(rule.path("alert").asText(), rule)).as("alert %s defined twice", rule.path("alert")).isNull();
    }
    assertThat(rules.keySet()).containsExactlyInAnyOrderElementsOf(ALERTS.keySet());

    for (Map.Entry<String, JsonNode> e : rules.entrySet()) {
      String name = e.getKey();
      JsonNode rule = e.getValue();
      Alert expected = ALERTS.get(name);
      assertThat(rule.path("expr").asText().replaceAll("\\s+", " ").trim()).as("expr of %s", name).isEqualTo(expected.expr());
      assertThat(rule.has("for")).as("%s has for:", name).isTrue();
      assertThat(rule.path("for").asText()).as("for of %s", name).matches("\\d+[smhd]");
      if (expected.forDuration() != null) {
        assertThat(rule.path("for").asText()).as("for of %s", name).isEqualTo(expected.forDuration());
      }
      assertThat(rule.path("labels").path("severity").asText()).as("severity of %s", name).isEqualTo(expected.severity());
      JsonNode annotations = rule.path("annotations");
      for (String key : List.of("summary", "description", "runbook")) {
        assertThat(annotations.path(key).asText()).as("%s of %s", key, name).isNotBlank();
      }
      assertThat(annotations.path("summary").asText() + annotations.path("description").asText())
          .as("%s says which instance, table or value is at fault", name).contains("{{ $");
      String runbook = annotations.path("runbook").asText();
      assertThat(runbook).as("runbook of %s", name).startsWith("README.md#");
      assertThat(anchors).as("sections of README.md that the runbook of %s may name", name)
          .contains(runbook.substring("README.md#".length()));
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Grafana
  // ---------------------------------------------------------------------------------------------

  @Test
  void shouldBuildTheDashboardOnlyOnBatonMetrics() throws IOException {
    JsonNode dashboard = JSON.readTree(root().resolve("deploy/grafana/dashboards/baton.json").toFile());
    assertThat(dashboard.path("uid").asText()).isEqualTo("baton-migration");
    assertThat(dashboard.path("title").asText()).isEqualTo("Baton migration");
    assertThat(dashboard.path("schemaVersion").asInt()).isEqualTo(39);

    JsonNode variable = null;
    for (JsonNode v : dashboard.path("templating").path("list")) {
      if (v.path("name").asText().equals("DS_PROMETHEUS")) {
        variable = v;
      }
    }
    assertThat(variable).as("the data source variable DS_PROMETHEUS").isNotNull();
    assertThat(variable.path("type").asText()).isEqualTo("datasource");
    assertThat(variable.path("query").asText()).isEqualTo("prometheus");

    JsonNode panels = dashboard.path("panels");
    assertThat(panels).isNotEmpty();
    Set<String> used = new TreeSet<>();
    Set<String> statMetrics = new TreeSet<>();
    List<JsonNode> grids = new ArrayList<>();
    Set<Integer> ids = new HashSet<>();
    for (JsonNode panel : panels) {
      String title = panel.path("title").asText();
      assertThat(title).as("a panel's title").isNotBlank();
      assertThat(panel.path("description").asText()).as("description of %s", title).isNotBlank();
      assertThat(panel.path("type").asText()).as("type of %s", title).isIn("timeseries", "stat");
      assertThat(ids.add(panel.path("id").asInt())).as("id of %s is unique", title).isTrue();
      assertThat(panel.path("datasource").path("uid").asText()).as("data source of %s", title).isEqualTo("${DS_PROMETHEUS}");
      assertThat(panel.path("targets")).as("targets of %s", title).isNotEmpty();
      for (JsonNode target : panel.path("targets")) {
        String expr = target.path("expr").asText();
        assertThat(expr).as("a query of %s", title).isNotBlank();
        assertThat(target.path("datasource").path("uid").asText()).as("data source of a query of %s", title)
            .isEqualTo("${DS_PROMETHEUS}");
        Matcher m = METRIC.matcher(expr);
        boolean any = false;
        while (m.find()) {
          any = true;
          used.add(m.group());
          if (panel.path("type").asText().equals("stat")) {
            statMetrics.add(m.group());
          }
        }
        assertThat(any).as("%s reads a Baton metric: %s", title, expr).isTrue();
      }
      grids.add(panel.path("gridPos"));
    }
    assertThat(DASHBOARD_METRICS).as("metrics the dashboard may read").containsAll(used);
    assertThat(used).as("metrics the dashboard shows").containsAll(DASHBOARD_METRICS);
    assertThat(statMetrics).as("the current state is a stat").contains("baton_migration_state");

    for (int i = 0; i < grids.size(); i++) {
      for (int j = i + 1; j < grids.size(); j++) {
        assertThat(overlap(grids.get(i), grids.get(j)))
            .as("panels %s and %s overlap", panels.get(i).path("title"), panels.get(j).path("title")).isFalse();
      }
    }

    JsonNode datasources = yaml(root().resolve("deploy/grafana/provisioning/datasources/prometheus.yml"));
    JsonNode prometheus = datasources.path("datasources").get(0);
    assertThat(prometheus.path("type").asText()).isEqualTo("prometheus");
    assertThat(prometheus.path("uid").asText()).isEqualTo("prometheus");
    assertThat(prometheus.path("url").asText()).isEqualTo("http://prometheus:9090");
    JsonNode providers = yaml(root().resolve("deploy/grafana/provisioning/dashboards/baton.yml"));
    assertThat(providers.path("providers").get(0).path("options").path("path").asText())
        .isEqualTo("/var/lib/grafana/dashboards");
  }

  private static boolean overlap(JsonNode a, JsonNode b) {
    return a.path("x").asInt() < b.path("x").asInt() + b.path("w").asInt()
        && b.path("x").asInt() < a.path("x").asInt() + a.path("w").asInt()
        && a.path("y").asInt() < b.path("y").asInt() + b.path("h").asInt()
        && b.path("y").asInt() < a.path("y").asInt() + a.path("h").asInt();
  }

  // ---------------------------------------------------------------------------------------------
  // Docker Compose
  // ---------------------------------------------------------------------------------------------

  @Test
  void shouldDescribeTheEmbeddedTopologyInCompose() throws IOException {
    Path file = root().resolve("docker-compose.yml");
    String text = Files.readString(file, StandardCharsets.UTF_8);
    assertThat(text.lines().takeWhile(l -> l.startsWith("#")).collect(Collectors.joining("\n")))
        .as("the header comment").contains("./baton demo").contains("wal_level=logical").contains("KRaft")
        .contains("PgBouncer").contains("docker compose up");

    JsonNode compose = yaml(file);
    JsonNode services = compose.path("services");
    assertThat(fieldNames(services))
        .containsExactlyInAnyOrder("source", "target", "kafka", "pgbouncer", "baton", "transform", "prometheus", "grafana");

    for (String db : List.of("source", "target")) {
      JsonNode s = services.path(db);
      assertThat(s.path("image").asText()).as("image of %s", db).isEqualTo("postgres:17");
      assertThat(words(s.path("command"))).as("command of %s", db)
          .contains("wal_level=logical", "max_replication_slots=10", "max_wal_senders=10");
      assertThat(words(s.path("healthcheck").path("test"))).as("health check of %s", db).contains("pg_isready");
      assertThat(environment(s).get("POSTGRES_PASSWORD")).as("password of %s", db)
          .matches(REQUIRED_VARIABLE).contains(db.toUpperCase(Locale.ROOT) + "_PASSWORD");
    }

    Map<String, String> kafka = environment(services.path("kafka"));
    assertThat(services.path("kafka").path("image").asText()).isEqualTo("apache/kafka:4.1.0");
    assertThat(kafka.get("KAFKA_PROCESS_ROLES")).isNotNull();
    assertThat(kafka.get("KAFKA_PROCESS_ROLES").split("\\s*,\\s*")).containsExactlyInAnyOrder("broker", "controller");
    assertThat(kafka.get("KAFKA_CONTROLLER_QUORUM_VOTERS")).isNotBlank();
    assertThat(kafka.keySet()).noneMatch(k -> k.contains("ZOOKEEPER"));

    // No literal password anywhere: a variable that must be set, or a file.
    for (Map.Entry<String, JsonNode> s : entries(services)) {
      for (Map.Entry<String, String> env : environment(s.getValue()).entrySet()) {
        if (!env.getKey().toUpperCase(Locale.ROOT).contains("PASSWORD")) {
          continue;
        }
        if (env.getKey().endsWith("_FILE")) {
          assertThat(env.getValue()).as("%s of %s", env.getKey(), s.getKey()).startsWith("/");
        } else {
          assertThat(env.getValue()).as("%s of %s", env.getKey(), s.getKey()).matches(REQUIRED_VARIABLE);
        }
      }
    }

    // Every reference resolves: dependencies, named volumes, bind-mounted paths, secrets, configs.
    Set<String> volumes = fieldNames(compose.path("volumes"));
    Set<String> secrets = fieldNames(compose.path("secrets"));
    Set<String> configs = fieldNames(compose.path("configs"));
    for (Map.Entry<String, JsonNode> s : entries(services)) {
      String name = s.getKey();
      JsonNode service = s.getValue();
      JsonNode dependsOn = service.path("depends_on");
      Set<String> dependencies = dependsOn.isArray() ? new TreeSet<>(texts(dependsOn)) : fieldNames(dependsOn);
      assertThat(fieldNames(services)).as("services %s depends on", name).containsAll(dependencies);
      if (dependsOn.isObject()) {
        for (Map.Entry<String, JsonNode> d : entries(dependsOn)) {
          assertThat(d.getValue().path("condition").asText()).as("condition of %s on %s", name, d.getKey())
              .isIn("service_started", "service_healthy", "service_completed_successfully");
          if (d.getValue().path("condition").asText().equals("service_healthy")) {
            assertThat(services.path(d.getKey()).has("healthcheck")).as("%s has a health check", d.getKey()).isTrue();
          }
        }
      }
      for (String[] mount : mounts(service)) {
        if (mount[0].startsWith(".") || mount[0].startsWith("/")) {
          assertThat(root().resolve(mount[0]).normalize()).as("bind mount of %s", name).exists();
        } else {
          assertThat(volumes).as("volume of %s", name).contains(mount[0]);
        }
      }
      for (JsonNode secret : service.path("secrets")) {
        assertThat(secrets).as("secret of %s", name).contains(secret.isTextual() ? secret.asText() : secret.path("source").asText());
      }
      for (JsonNode config : service.path("configs")) {
        assertThat(configs).as("config of %s", name).contains(config.isTextual() ? config.asText() : config.path("source").asText());
      }
    }

    // Baton: the image from the Dockerfile, the command, its port, its spec, its token.
    JsonNode baton = services.path("baton");
    assertThat(root().resolve(baton.path("build").path("dockerfile").asText("Dockerfile"))).exists();
    String dockerfile = Files.readString(root().resolve("Dockerfile"), StandardCharsets.UTF_8);
    assertThat(dockerfile).contains("FROM eclipse-temurin:17-jre").contains("cli/target/baton.jar").contains("EXPOSE 9464")
        .contains("ENTRYPOINT [\"java\", \"-jar\", \"/opt/baton/baton.jar\"]").containsPattern("(?m)^USER (?!root|0)");
    List<String> command = texts(baton.path("command"));
    assertThat(command.get(0)).isEqualTo("run");
    assertThat(option(command, "--spec")).isEqualTo("/etc/baton/spec.yaml");
    assertThat(option(command, "--listen")).isEqualTo("0.0.0.0:9464");
    assertThat(option(command, "--api-token-file")).isEqualTo("/run/secrets/baton-api-token");
    assertThat(texts(baton.path("ports"))).anyMatch(p -> p.endsWith(":9464") || p.equals("9464"));
    assertThat(secretTargets(baton)).contains("/run/secrets/baton-api-token");
    Map<String, String> batonConfigs = configTargets(baton);
    assertThat(batonConfigs).as("the spec is mounted").containsKey("/etc/baton/spec.yaml");

    // The spec it runs is a valid spec whose passwords and router files are mounted.
    String specText = compose.path("configs").path(batonConfigs.get("/etc/baton/spec.yaml")).path("content").asText();
    MigrationSpec spec = new SpecLoader(n -> null).parse(specText, "docker-compose.yml configs.baton-spec");
    assertThat(secretTargets(baton)).contains(spec.source().passwordFile(), spec.target().passwordFile());
    assertThat(spec.source().url()).contains("@source:5432/");
    assertThat(spec.target().url()).contains("@target:5432/");
    assertThat(spec.kafka().bootstrapServers()).isEqualTo("kafka:9092");
    RouterSettings.PgBouncer router = spec.cutover().router().pgbouncer();
    assertThat(router.host()).isEqualTo("pgbouncer");
    String routingDir = Path.of(router.databasesFile()).getParent().toString();
    String routingVolume = volumeAt(baton, routingDir);
    assertThat(routingVolume).as("the directory of PgBouncer's databases file in baton").isNotNull();
    assertThat(volumeAt(services.path("pgbouncer"), routingDir)).as("the same volume in pgbouncer").isEqualTo(routingVolume);
    String pgbouncerIni = compose.path("configs").path(configTargets(services.path("pgbouncer"))
        .get("/etc/pgbouncer/pgbouncer.ini")).path("content").asText();
    assertThat(pgbouncerIni).contains("%include " + router.databasesFile()).contains("listen_port = " + router.port());
    assertThat(pgbouncerIni).containsPattern("(?m)^admin_users = .*\\b" + router.adminUser() + "\\b");

    // The transform worker: the same image and spec, both passwords, the transform command only.
    JsonNode transform = services.path("transform");
    assertThat(transform.path("image").asText()).isEqualTo(baton.path("image").asText());
    List<String> transformCommand = texts(transform.path("command"));
    assertThat(transformCommand.get(0)).isEqualTo("transform");
    assertThat(option(transformCommand, "--spec")).isEqualTo("/etc/baton/spec.yaml");
    assertThat(configTargets(transform)).as("the spec is mounted in transform").containsEntry("/etc/baton/spec.yaml",
        batonConfigs.get("/etc/baton/spec.yaml"));
    assertThat(secretTargets(transform)).contains(spec.source().passwordFile(), spec.target().passwordFile())
        .doesNotContain("/run/secrets/baton-api-token");
    assertThat(transform.has("ports")).as("ports of transform").isFalse();

    // Monitoring: the Prometheus and Grafana files of this directory.
    assertThat(mounts(services.path("prometheus"))).anyMatch(m -> m[0].equals("./deploy/prometheus") && m[1].equals("/etc/prometheus"));
    assertThat(mounts(services.path("grafana")))
        .anyMatch(m -> m[0].equals("./deploy/grafana/dashboards") && m[1].equals("/var/lib/grafana/dashboards"))
        .anyMatch(m -> m[0].equals("./deploy/grafana/provisioning") && m[1].equals("/etc/grafana/provisioning"));
  }

  // ---------------------------------------------------------------------------------------------
  // Kubernetes
  // ---------------------------------------------------------------------------------------------

  @Test
  void shouldDeployOneControllerWithSpecSecretAndProbes() throws IOException {
    Path dir = root().resolve("deploy/kubernetes");
    JsonNode kustomization = yaml(dir.resolve("kustomization.yaml"));
    Set<String> files;
    try (Stream<Path> list = Files.list(dir)) {
      files = list.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".yaml") || n.endsWith(".yml"))
          .filter(n -> !n.equals("kustomization.yaml")).collect(Collectors.toCollection(TreeSet::new));
    }
    assertThat(new TreeSet<>(texts(kustomization.path("resources")))).as("the kustomization's resources").isEqualTo(files);

    Map<String, List<JsonNode>> byKind = new HashMap<>();
    for (String f : files) {
      for (JsonNode doc : yamlDocuments(dir.resolve(f))) {
        assertThat(doc.path("apiVersion").asText()).as("apiVersion in %s", f).isNotBlank();
        assertThat(doc.path("metadata").path("name").asText()).as("name in %s", f).isNotBlank();
        if (!doc.path("kind").asText().equals("Namespace")) {
          assertThat(doc.path("metadata").path("namespace").asText()).as("namespace in %s", f)
              .isEqualTo(kustomization.path("namespace").asText());
        }
        byKind.computeIfAbsent(doc.path("kind").asText(), k -> new ArrayList<>()).add(doc);
      }
    }
    assertThat(byKind.keySet()).contains("Namespace", "ConfigMap", "Secret", "Deployment", "Service", "ServiceMonitor");
    JsonNode configMap = only(byKind, "ConfigMap");
    JsonNode secret = only(byKind, "Secret");
    assertThat(byKind.get("Deployment")).extracting(d -> component(d.path("metadata")))
        .containsExactlyInAnyOrder("controller", "transform");
    JsonNode deployment = byKind.get("Deployment").stream().filter(d -> component(d.path("metadata")).equals("controller"))
        .findFirst().orElseThrow();
    JsonNode workers = byKind.get("Deployment").stream().filter(d -> component(d.path("metadata")).equals("transform"))
        .findFirst().orElseThrow();
    JsonNode service = only(byKind, "Service");
    JsonNode monitor = only(byKind, "ServiceMonitor");
    Set<String> claims = byKind.getOrDefault("PersistentVolumeClaim", List.of()).stream()
        .map(c -> c.path("metadata").path("name").asText()).collect(Collectors.toSet());

    // The Secret holds placeholders only.
    assertThat(secret.has("data")).as("base64 data in the Secret").isFalse();
    for (Map.Entry<String, JsonNode> e : entries(secret.path("stringData"))) {
      assertThat(e.getValue().asText()).as("placeholder %s", e.getKey()).isEqualTo("CHANGE_ME");
    }
    assertThat(fieldNames(secret.path("stringData"))).contains("source-password", "target-password", "api-token");

    // One controller at a time, not root.
    JsonNode spec = deployment.path("spec");
    assertThat(spec.path("replicas").asInt()).isEqualTo(1);
    assertThat(spec.path("strategy").path("type").asText()).isEqualTo("Recreate");
    JsonNode pod = spec.path("template").path("spec");
    Map<String, String> podLabels = textMap(spec.path("template").path("metadata").path("labels"));
    assertThat(podLabels).containsAllEntriesOf(textMap(spec.path("selector").path("matchLabels")));
    assertThat(pod.path("securityContext").path("runAsNonRoot").asBoolean()).isTrue();
    JsonNode containers = pod.path("containers");
    assertThat(containers).hasSize(1);
    JsonNode container = containers.get(0);
    assertThat(container.path("securityContext").path("allowPrivilegeEscalation").asBoolean(true)).isFalse();
    assertThat(container.path("resources").path("requests").path("memory").asText()).isNotBlank();
    assertThat(container.path("resources").path("limits").path("memory").asText()).isNotBlank();
    JsonNode http = null;
    for (JsonNode port : container.path("ports")) {
      if (port.path("name").asText().equals("http")) {
        http = port;
      }
    }
    assertThat(http).as("the container port named http").isNotNull();
    assertThat(http.path("containerPort").asInt()).isEqualTo(9464);
    assertThat(container.path("livenessProbe").path("httpGet").path("path").asText()).isEqualTo("/healthz");
    assertThat(container.path("livenessProbe").path("httpGet").path("port").asText()).isEqualTo("http");
    assertThat(container.path("readinessProbe").path("httpGet").path("path").asText()).isEqualTo("/readyz");
    assertThat(container.path("readinessProbe").path("httpGet").path("port").asText()).isEqualTo("http");

    // The command, and the files it names mounted from the ConfigMap and the Secret that exist.
    List<String> args = new ArrayList<>(texts(container.path("command")));
    args.addAll(texts(container.path("args")));
    assertThat(args).contains("run");
    assertThat(option(args, "--listen")).isEqualTo("0.0.0.0:9464");
    Map<String, JsonNode> volumes = new HashMap<>();
    for (JsonNode v : pod.path("volumes")) {
      volumes.put(v.path("name").asText(), v);
    }
    String specFile = option(args, "--spec");
    JsonNode specVolume = volumes.get(mountedVolume(container, specFile));
    assertThat(specVolume).as("the volume holding %s", specFile).isNotNull();
    assertThat(specVolume.path("configMap").path("name").asText()).isEqualTo(configMap.path("metadata").path("name").asText());
    assertThat(fileName(specFile)).isEqualTo(projectedFile(specVolume.path("configMap"), "spec.yaml"));
    String tokenFile = option(args, "--api-token-file");
    JsonNode tokenVolume = volumes.get(mountedVolume(container, tokenFile));
    assertThat(tokenVolume).as("the volume holding %s", tokenFile).isNotNull();
    assertThat(tokenVolume.path("secret").path("secretName").asText()).isEqualTo(secret.path("metadata").path("name").asText());
    assertThat(fileName(tokenFile)).isEqualTo(projectedFile(tokenVolume.path("secret"), "api-token"));
    String workDir = option(args, "--work-dir");
    assertThat(workDir).as("--work-dir").isNotNull();
    JsonNode work = volumes.get(mountedVolume(container, workDir));
    assertThat(work).as("the volume holding %s", workDir).isNotNull();
    assertThat(claims).contains(work.path("persistentVolumeClaim").path("claimName").asText());
    for (JsonNode v : volumes.values()) {
      if (v.has("persistentVolumeClaim")) {
        assertThat(claims).contains(v.path("persistentVolumeClaim").path("claimName").asText());
      }
    }

    // The spec in the ConfigMap is valid, its passwords come from the Secret, its router's file is mounted.
    MigrationSpec migration = new SpecLoader(n -> null).parse(configMap.path("data").path("spec.yaml").asText(),
        "configmap-spec.yaml");
    assertPasswordsFromSecret(container, migration, secret);
    RouterSettings.PgBouncer router = migration.cutover().router().pgbouncer();
    assertThat(router).as("the spec's PgBouncer router").isNotNull();
    JsonNode routing = volumes.get(mountedVolume(container, router.databasesFile()));
    assertThat(routing).as("the volume holding %s", router.databasesFile()).isNotNull();
    assertThat(claims).contains(routing.path("persistentVolumeClaim").path("claimName").asText());

    // Transform workers: several, the controller's image, the transform command with the spec from the
    // ConfigMap and the passwords from the Secret, no token, not root.
    JsonNode workerSpec = workers.path("spec");
    assertThat(workerSpec.path("replicas").asInt()).isEqualTo(2);
    Map<String, String> workerLabels = textMap(workerSpec.path("template").path("metadata").path("labels"));
    assertThat(workerLabels).containsAllEntriesOf(textMap(workerSpec.path("selector").path("matchLabels")));
    assertThat(workerLabels.entrySet().containsAll(textMap(spec.path("selector").path("matchLabels")).entrySet()))
        .as("the controller's Deployment selects the workers' pods").isFalse();
    JsonNode workerPod = workerSpec.path("template").path("spec");
    assertThat(workerPod.path("securityContext").path("runAsNonRoot").asBoolean()).isTrue();
    assertThat(workerPod.path("containers")).hasSize(1);
    JsonNode worker = workerPod.path("containers").get(0);
    assertThat(worker.path("image").asText()).isEqualTo(container.path("image").asText());
    assertThat(worker.path("securityContext").path("allowPrivilegeEscalation").asBoolean(true)).isFalse();
    assertThat(worker.path("resources").path("limits").path("memory").asText()).isNotBlank();
    List<String> workerArgs = new ArrayList<>(texts(worker.path("command")));
    workerArgs.addAll(texts(worker.path("args")));
    assertThat(workerArgs.get(0)).isEqualTo("transform");
    assertThat(workerArgs).doesNotContain("--api-token-file", "--listen");
    String workerSpecFile = option(workerArgs, "--spec");
    Map<String, JsonNode> workerVolumes = new HashMap<>();
    for (JsonNode v : workerPod.path("volumes")) {
      workerVolumes.put(v.path("name").asText(), v);
    }
    JsonNode workerSpecVolume = workerVolumes.get(mountedVolume(worker, workerSpecFile));
    assertThat(workerSpecVolume).as("the volume holding %s in the workers", workerSpecFile).isNotNull();
    assertThat(workerSpecVolume.path("configMap").path("name").asText()).isEqualTo(configMap.path("metadata").path("name").asText());
    assertThat(fileName(workerSpecFile)).isEqualTo(projectedFile(workerSpecVolume.path("configMap"), "spec.yaml"));
    assertThat(workerVolumes.values()).as("the workers share no claim with the controller")
        .noneMatch(v -> v.has("persistentVolumeClaim"));
    assertPasswordsFromSecret(worker, migration, secret);

    // The Service selects the controller's pods only; the ServiceMonitor selects the Service and its port.
    Map<String, String> selector = textMap(service.path("spec").path("selector"));
    assertThat(selector).isNotEmpty();
    assertThat(podLabels).containsAllEntriesOf(selector);
    assertThat(workerLabels.entrySet().containsAll(selector.entrySet())).as("the Service selects the workers").isFalse();
    assertThat(service.path("spec").path("type").asText("ClusterIP")).isEqualTo("ClusterIP");
    JsonNode servicePort = service.path("spec").path("ports").get(0);
    assertThat(servicePort.path("name").asText()).isEqualTo("http");
    assertThat(servicePort.path("port").asInt()).isEqualTo(9464);
    assertThat(servicePort.path("targetPort").asText()).isIn("http", "9464");

    assertThat(monitor.path("apiVersion").asText()).isEqualTo("monitoring.coreos.com/v1");
    Map<String, String> monitorSelector = textMap(monitor.path("spec").path("selector").path("matchLabels"));
    assertThat(monitorSelector).isNotEmpty();
    assertThat(textMap(service.path("metadata").path("labels"))).containsAllEntriesOf(monitorSelector);
    JsonNode endpoint = monitor.path("spec").path("endpoints").get(0);
    assertThat(endpoint.path("port").asText()).isEqualTo(servicePort.path("name").asText());
    assertThat(endpoint.path("path").asText()).isEqualTo("/metrics");
    assertThat(endpoint.path("interval").asText()).isEqualTo("15s");
  }

  // ---------------------------------------------------------------------------------------------
  // Reading the files
  // ---------------------------------------------------------------------------------------------

  /** Checks that the spec's password variables are set in a container from the Secret's keys. */
  private static void assertPasswordsFromSecret(JsonNode container, MigrationSpec migration, JsonNode secret) {
    Map<String, JsonNode> env = new HashMap<>();
    for (JsonNode e : container.path("env")) {
      env.put(e.path("name").asText(), e);
    }
    for (String variable : new String[] {migration.source().passwordEnv(), migration.target().passwordEnv()}) {
      assertThat(variable).as("passwordEnv in the spec").isNotNull();
      JsonNode ref = env.containsKey(variable) ? env.get(variable).path("valueFrom").path("secretKeyRef") : null;
      assertThat(ref).as("environment variable %s of %s from the Secret", variable, container.path("name").asText()).isNotNull();
      assertThat(ref.path("name").asText()).isEqualTo(secret.path("metadata").path("name").asText());
      assertThat(fieldNames(secret.path("stringData"))).contains(ref.path("key").asText());
    }
  }

  /** @return a resource's {@code app.kubernetes.io/component} label */
  private static String component(JsonNode metadata) {
    return metadata.path("labels").path("app.kubernetes.io/component").asText();
  }

  /** The repository root: the nearest directory upwards holding docker-compose.yml and deploy/. */
  private static Path root() {
    Path start = Path.of("").toAbsolutePath();
    for (Path d = start; d != null; d = d.getParent()) {
      if (Files.isRegularFile(d.resolve("docker-compose.yml")) && Files.isDirectory(d.resolve("deploy"))) {
        return d;
      }
    }
    return fail("no directory holding docker-compose.yml and deploy/ at or above " + start);
  }

  private static JsonNode yaml(Path file) throws IOException {
    assertThat(file).exists();
    return YAML.readTree(file.toFile());
  }

  private static List<JsonNode> yamlDocuments(Path file) throws IOException {
    List<JsonNode> docs = new ArrayList<>();
    try (MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(file.toFile())) {
      while (it.hasNext()) {
        JsonNode doc = it.next();
        if (doc != null && !doc.isNull() && !doc.isMissingNode()) {
          docs.add(doc);
        }
      }
    }
    return docs;
  }

  private static JsonNode only(Map<String, List<JsonNode>> byKind, String kind) {
    assertThat(byKind.get(kind)).as("manifests of kind %s", kind).hasSize(1);
    return byKind.get(kind).get(0);
  }

  private static Set<String> fieldNames(JsonNode node) {
    Set<String> names = new TreeSet<>();
    node.properties().forEach(e -> names.add(e.getKey()));
    return names;
  }

  private static List<Map.Entry<String, JsonNode>> entries(JsonNode node) {
    return new ArrayList<>(node.properties());
  }

  private static List<String> texts(JsonNode node) {
    List<String> out = new ArrayList<>();
    if (node.isArray()) {
      node.forEach(n -> out.add(n.asText()));
    } else if (!node.isMissingNode() && !node.isNull()) {
      out.add(node.asText());
    }
    return out;
  }

  private static Map<String, String> textMap(JsonNode node) {
    Map<String, String> out = new LinkedHashMap<>();
    node.properties().forEach(e -> out.put(e.getKey(), e.getValue().asText()));
    return out;
  }

  /** A command given as a list or as one string, as words. */
  private static List<String> words(JsonNode command) {
    List<String> out = new ArrayList<>();
    for (String part : texts(command)) {
      out.addAll(List.of(part.trim().split("\\s+")));
    }
    return out;
  }

  /** The value after {@code name} in a command line, or null. */
  private static String option(List<String> args, String name) {
    int i = args.indexOf(name);
    return i >= 0 && i + 1 < args.size() ? args.get(i + 1) : null;
  }

  /** A Compose service's environment, given as a map or as a list of NAME=VALUE. */
  private static Map<String, String> environment(JsonNode service) {
    JsonNode env = service.path("environment");
    Map<String, String> out = new LinkedHashMap<>();
    if (env.isArray()) {
      for (JsonNode e : env) {
        String s = e.asText();
        int eq = s.indexOf('=');
        out.put(eq < 0 ? s : s.substring(0, eq), eq < 0 ? "" : s.substring(eq + 1));
      }
    } else {
      out.putAll(textMap(env));
    }
    return out;
  }

  /** A Compose service's volumes as {source, target} pairs (short or long syntax). */
  private static List<String[]> mounts(JsonNode service) {
    List<String[]> out = new ArrayList<>();
    for (JsonNode v : service.path("volumes")) {
      if (v.isTextual()) {
        String[] parts = v.asText().split(":");
        out.add(new String[] {parts[0], parts.length > 1 ? parts[1] : parts[0]});
      } else {
        out.add(new String[] {v.path("source").asText(), v.path("target").asText()});
      }
    }
    return out;
  }

  /** The named volume a Compose service mounts at {@code target}, or null. */
  private static String volumeAt(JsonNode service, String target) {
    for (String[] m : mounts(service)) {
      if (m[1].equals(target) && !m[0].startsWith(".") && !m[0].startsWith("/")) {
        return m[0];
      }
    }
    return null;
  }

  /** Where a Compose service's secrets appear in its container. */
  private static Set<String> secretTargets(JsonNode service) {
    Set<String> out = new LinkedHashSet<>();
    for (JsonNode s : service.path("secrets")) {
      String source = s.isTextual() ? s.asText() : s.path("source").asText();
      String target = s.isTextual() ? source : s.path("target").asText(source);
      out.add(target.startsWith("/") ? target : "/run/secrets/" + target);
    }
    return out;
  }

  /** A Compose service's configs: target path to config name. */
  private static Map<String, String> configTargets(JsonNode service) {
    Map<String, String> out = new LinkedHashMap<>();
    for (JsonNode c : service.path("configs")) {
      String source = c.isTextual() ? c.asText() : c.path("source").asText();
      out.put(c.isTextual() ? "/" + source : c.path("target").asText("/" + source), source);
    }
    return out;
  }

  /** The name of the container's volume whose mount holds {@code file}, or null. */
  private static String mountedVolume(JsonNode container, String file) {
    String best = null;
    int bestLength = -1;
    for (JsonNode m : container.path("volumeMounts")) {
      String path = m.path("mountPath").asText();
      if ((file.equals(path) || file.startsWith(path.endsWith("/") ? path : path + "/")) && path.length() > bestLength) {
        best = m.path("name").asText();
        bestLength = path.length();
      }
    }
    return best;
  }

  /** The file name under which a ConfigMap or Secret volume shows {@code key}. */
  private static String projectedFile(JsonNode source, String key) {
    JsonNode items = source.path("items");
    if (items.isMissingNode() || items.isEmpty()) {
      return key;
    }
    for (JsonNode item : items) {
      if (item.path("key").asText().equals(key)) {
        return item.path("path").asText();
      }
    }
    return null;
  }

  private static String fileName(String path) {
    return Path.of(path).getFileName().toString();
  }

  /** The anchors GitHub gives the headings of the top-level README.md. */
  private static Set<String> readmeAnchors() throws IOException {
    Set<String> anchors = new TreeSet<>();
    boolean fenced = false;
    for (String line : Files.readAllLines(root().resolve("README.md"), StandardCharsets.UTF_8)) {
      if (line.startsWith("```")) {
        fenced = !fenced;
      } else if (!fenced && line.startsWith("#")) {
        String heading = line.replaceFirst("^#+\\s*", "").trim().toLowerCase(Locale.ROOT);
        anchors.add(heading.replaceAll("[^a-z0-9 _-]", "").replace(' ', '-'));
      }
    }
    return anchors;
  }

  private static Path promtool() {
    List<Path> candidates = new ArrayList<>();
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      if (!dir.isEmpty()) {
        candidates.add(Path.of(dir, "promtool"));
      }
    }
    candidates.add(Path.of("/usr/bin/promtool"));
    for (Path p : candidates) {
      if (Files.isExecutable(p)) {
        return p;
      }
    }
    return fail("promtool is not installed: it comes with the package prometheus "
        + "(apt-get install -y prometheus on Debian or Ubuntu)");
  }

  private record Run(int exitCode, String output) {
  }

  /** Runs a command in the repository root, standard output and error together. */
  private static Run run(String... command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).directory(root().toFile()).redirectErrorStream(true).start();
    p.getOutputStream().close();
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(2, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      return fail(String.join(" ", command) + " did not end within 2 minutes");
    }
    return new Run(p.exitValue(), new String(out, StandardCharsets.UTF_8));
  }
}
