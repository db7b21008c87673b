package io.baton.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.baton.embedded.EmbeddedEnvironment;
import io.baton.embedded.EmbeddedEnvironmentExtension;
import io.baton.pg.Database;
import io.baton.spec.MigrationSpec;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * The status page of a running {@code baton run}, driven in headless Chromium (Debian's chromium
 * and chromedriver, through Selenium) while pgbench writes through PgBouncer: the lag chart gains
 * samples and the applied count grows, the tables show their live verification, the gates come to
 * pass, a command without the token or with a wrong one is refused on the page, and the cutover
 * button with the token cuts over: the state reads CUT_OVER and the timeline shows the measured
 * write pause. A screenshot is saved as {@code target/status-page.png}. The read endpoints the page
 * and orchestrators use ({@code /healthz}, {@code /readyz}, {@code /api/tables},
 * {@code /api/journal}) answer as documented.
 */
@ExtendWith(EmbeddedEnvironmentExtension.class)
class StatusPageIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path work;

  @Test
  void shouldShowTheMigrationLiveAndCutOverFromTheBrowser(EmbeddedEnvironment env) throws Exception {
    Database source = Environments.source(env);
    RunningBaton baton = RunningBaton.start(env, work, "page", "page-token");
    MigrationSpec spec = baton.spec();
    Path tokenFile = baton.tokenFile();
    int port = baton.port();
    String api = baton.api();
    WebDriver browser = null;
    try (PgbenchWorkload clients = new PgbenchWorkload(env.pgbouncer().host(), env.pgbouncer().port(),
        env.pgbouncer().alias(), source.user(), 2, 100, null, work.resolve("workload"), 10)) {
      await("the API answers").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(1))
          .ignoreExceptions().until(() -> get(api + "/healthz").statusCode() == 200);
      await("the migration streams: ready").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(1))
          .ignoreExceptions().until(() -> get(api + "/readyz").statusCode() == 200);
      clients.start();

      browser = chromium();
      browser.get(api + "/");
      WebDriver page = browser;
      await("the page shows the migration").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
          .until(() -> text(page, "migration").equals("page") && List.of("STREAMING", "READY").contains(firstWord(text(page, "state"))));
      int samples = samples(page);
      long applied = number(text(page, "applied"));
      await("the chart gains samples and the applied count grows as clients write").atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofSeconds(1))
          .until(() -> samples(page) >= samples + 3 && number(text(page, "applied")) > applied);
      assertThat(fresh(() -> page.findElements(By.cssSelector("#tables tbody tr")).stream()
          .map(r -> r.getAttribute("data-table")).toList())).contains("public.pgbench_accounts", "public.pgbench_history");
      await("live verification shows on the page").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(1))
          .until(() -> fresh(() -> page.findElement(
              By.cssSelector("#tables tr[data-table='public.pgbench_accounts'] td:nth-child(7)")).getText()).startsWith("clean"));
      await("every gate passes").atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1))
          .until(() -> firstWord(text(page, "state")).equals("READY"));
      List<String> gates = fresh(() -> page.findElements(By.cssSelector("#gates tr td:first-child")).stream()
          .map(WebElement::getText).toList());
      assertThat(gates).isNotEmpty().allSatisfy(g -> assertThat(g).isEqualTo("PASS"));

      page.findElement(By.id("cutover")).click();
      assertThat(text(page, "command-result")).isEqualTo("Enter the API token first.");
      page.findElement(By.id("token")).sendKeys("not-the-token");
      page.findElement(By.id("cutover")).click();
      await().atMost(Duration.ofSeconds(10)).until(() -> text(page, "command-result").contains("refused (HTTP 401)"));
      assertThat(firstWord(text(page, "state"))).as("a refused command changes nothing").isEqualTo("READY");

      page.findElement(By.id("token")).clear();
      page.findElement(By.id("token")).sendKeys("page-token");
      page.findElement(By.id("cutover")).click();
      await().atMost(Duration.ofSeconds(10)).until(() -> text(page, "command-result").startsWith("cutover accepted"));
      await("the page shows the cutover").atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1))
          .until(() -> firstWord(text(page, "state")).equals("CUT_OVER"));
      await("the timeline shows the measured write pause").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofSeconds(1))
          .until(() -> !page.findElements(By.cssSelector("#timeline li[data-write-pause-ms]")).isEmpty());
      long pauseMs = Long.parseLong(fresh(() -> page.findElement(By.cssSelector("#timeline li[data-write-pause-ms]"))
          .getAttribute("data-write-pause-ms")));
      assertThat(pauseMs).isBetween(1L, 5000L);
      assertThat(text(page, "outcome")).contains("cutover").contains("done").contains("write pause " + pauseMs + " ms");
      await("the reverse direction runs on the page").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofSeconds(1))
          .until(() -> text(page, "direction").equals("target → source"));
      Path shot = Path.of("target", "status-page.png");
      Files.write(shot, ((ChromeDriver) browser).getScreenshotAs(OutputType.BYTES));
      assertThat(Files.size(shot)).as("a screenshot of the page after the cutover").isGreaterThan(20_000);

      JsonNode tables = JSON.readTree(get(api + "/api/tables").body());
      assertThat(tables.path("tables")).hasSize(spec.tables().size());
      assertThat(tables.path("tables").get(0).path("snapshot").path("chunks_done").asInt()).isPositive();
      JsonNode journal = JSON.readTree(get(api + "/api/journal").body());
      assertThat(journal.path("entries").findValuesAsText("to")).contains("STREAMING", "READY", "CUTTING_OVER", "CUT_OVER");
      assertThat(get(api + "/readyz").statusCode()).isEqualTo(200);

      // the alerts and the dashboard in deploy/ are built on metrics a running migration exports
      String metrics = MetricsPage.scrape(port, "after the cutover");
      java.util.Set<String> used = new java.util.TreeSet<>();
      for (String file : List.of("deploy/prometheus/alerts.yml", "deploy/grafana/dashboards/baton.json")) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("baton_[a-z_]+").matcher(Files.readString(Path.of("..", file)));
        while (m.find()) {
          used.add(m.group());
        }
      }
      assertThat(used).hasSizeGreaterThan(10).allSatisfy(name -> assertThat(metrics).as(name).containsPattern(
          "(?m)^(# TYPE )?" + name + "[{ ]"));

      PgbenchWorkload.Result seen = clients.stop();
      assertThat(seen.failedTransactions()).isZero();
    } finally {
      if (browser != null) {
        browser.quit();
      }
    }
    CliRun fin = CliRun.of("finalize", "--confirm", "page", "--api", api, "--api-token-file", tokenFile.toString());
    assertThat(fin.code()).as(fin.out() + fin.err()).isZero();
    baton.thread().join(Duration.ofSeconds(60).toMillis());
    assertThat(baton.exit().get()).isZero();
  }

  /** Debian's Chromium, headless, without the background traffic a closed network refuses. */
  private ChromeDriver chromium() throws Exception {
    ChromeOptions options = new ChromeOptions();
    options.setBinary("/usr/bin/chromium");
    options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-quic",
        "--window-size=1400,1600", "--user-data-dir=" + Files.createDirectories(work.resolve("chromium")));
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(Path.of("/usr/bin/chromedriver").toFile()).usingAnyFreePort().build();
    return new ChromeDriver(service, options);
  }

  private static HttpResponse<String> get(String url) throws Exception {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static String text(WebDriver page, String id) {
    return fresh(() -> page.findElement(By.id(id)).getText().trim());
  }

  /**
   * Reads the page again when it re-rendered between finding an element and reading it (it
   * re-renders every 2 s).
   */
  private static <T> T fresh(java.util.function.Supplier<T> read) {
    for (int attempt = 1; ; attempt++) {
      try {
        return read.get();
      } catch (org.openqa.selenium.StaleElementReferenceException e) {
        if (attempt == 5) {
          throw e;
        }
      }
    }
  }

  private static String firstWord(String s) {
    int space = s.indexOf(' ');
    return space < 0 ? s : s.substring(0, space);
  }

  private static int samples(WebDriver page) {
    return Integer.parseInt(fresh(() -> page.findElement(By.id("lag-seconds")).getAttribute("data-samples")));
  }

  private static long number(String s) {
    String digits = s.replaceAll("[^0-9]", "");
    return digits.isEmpty() ? -1 : Long.parseLong(digits);
  }
}
