package io.lsh.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboards against a real Prometheus (Debian package {@code prometheus}): {@code promtool check config} on
 * dashboards/prometheus.yml, then a Prometheus scraping a running tiny study every second, and every query of every
 * panel (and of every template variable) of every dashboard evaluated through /api/v1/query: none may be invalid,
 * and each must return data at some moment while the study runs or lingers (lsh.metrics.linger-seconds).
 *
 * <p>Per-trial series exist only while a trial is live, and a warm JVM runs the tiny study's trials in about two
 * seconds, during which both cores train and a scrape can time out; so the study trains 3x more windows per epoch
 * than tiny.conf (trials live for several seconds), Prometheus already scrapes (the not yet open endpoint) before
 * the study starts, every second, and the queries without data when the study is over are evaluated again at every 100 ms of the study's
 * time span ({@code time=} parameter). Template variables become a regex matching any value.
 */
class DashboardQueriesTest {

    private static final Path PROMETHEUS = Path.of("/usr/bin/prometheus");
    private static final Path PROMTOOL = Path.of("/usr/bin/promtool");
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{?(\\w+)(?::\\w+)?}?");
    private static final Pattern LABEL_VALUES = Pattern.compile("label_values\\((.+),\\s*\\w+\\)");

    private final ObjectMapper json = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @TempDir
    Path dir;

    @Test
    void everyDashboardQueryReturnsDataFromARunningStudy() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(PROMETHEUS) && Files.isExecutable(PROMTOOL),
                "prometheus/promtool not installed (apt-get install prometheus): dashboard queries not checked");
        Path dashboards = RepoPaths.root().resolve("dashboards");
        Process check = new ProcessBuilder(PROMTOOL.toString(), "check", "config",
                dashboards.resolve("prometheus.yml").toString()).redirectErrorStream(true).start();
        String checkOutput = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, check.waitFor(), checkOutput);

        Map<String, String> queries = dashboardQueries(dashboards.resolve("grafana/dashboards"));
        assertTrue(queries.size() >= 20, "dashboards have queries: " + queries);

        int metricsPort = ClusterNodes.freePort("127.0.0.1");
        int prometheusPort = ClusterNodes.freePort("127.0.0.1");
        Path config = Files.writeString(dir.resolve("prometheus.yml"), """
                global:
                  scrape_interval: 1s
                  scrape_timeout: 1s
                scrape_configs:
                  - job_name: lsh
                    static_configs:
                      - targets: ["127.0.0.1:%d"]
                """.formatted(metricsPort));
        Process prometheus = new ProcessBuilder(PROMETHEUS.toString(), "--config.file=" + config,
                "--storage.tsdb.path=" + dir.resolve("tsdb"), "--web.listen-address=127.0.0.1:" + prometheusPort)
                .redirectErrorStream(true).redirectOutput(dir.resolve("prometheus.log").toFile()).start();
        try {
            String api = "http://127.0.0.1:" + prometheusPort;
            waitUntilScraping(api);
            double startedAt = System.currentTimeMillis() / 1000.0;
            CompletableFuture<LshCommandLineTest.Result> study = CompletableFuture.supplyAsync(() ->
                    LshCommandLineTest.run("search", "--config", RepoPaths.tinyStudy().toString(),
                            "--set", "corpus.dir=" + RepoPaths.builtInCorpus(), "--out", dir.resolve("out").toString(),
                            "--set", "metrics.coordinator-port=" + metricsPort,
                            "--set", "training.max-windows-per-epoch=60",
                            "--set", "metrics.linger-seconds=4"));
            waitUntilTargetIsUp(api, study);

            Map<String, String> missing = new LinkedHashMap<>(queries);
            while (!missing.isEmpty()) {
                boolean studyOver = study.isDone();
                for (var it = missing.entrySet().iterator(); it.hasNext(); ) {
                    var q = it.next();
                    JsonNode answer = query(api, q.getValue());
                    if (!"success".equals(answer.path("status").asText())) {
                        fail("invalid query in " + q.getKey() + ": " + q.getValue() + " -> " + answer);
                    }
                    if (!answer.path("data").path("result").isEmpty()) {
                        it.remove();
                    }
                }
                if (studyOver) {
                    break; // the last round ran after the endpoint closed: nothing more will come
                }
                Thread.sleep(1000);
            }
            LshCommandLineTest.Result result = study.get(2, TimeUnit.MINUTES);
            assertEquals(0, result.code(), result.err());
            double endedAt = System.currentTimeMillis() / 1000.0;
            for (double t = startedAt; t <= endedAt && !missing.isEmpty(); t += 0.1) {
                for (var it = missing.entrySet().iterator(); it.hasNext(); ) {
                    if (!query(api, it.next().getValue(), t).path("data").path("result").isEmpty()) {
                        it.remove();
                    }
                }
            }
            assertTrue(missing.isEmpty(), "queries that never returned data: " + missing + "; scrapes (up, duration): "
                    + query(api, "count_over_time(up[2m])").path("data").path("result") + " "
                    + query(api, "sum_over_time(up[2m])").path("data").path("result") + " "
                    + query(api, "max_over_time(scrape_duration_seconds[2m])").path("data").path("result"));
        } finally {
            prometheus.destroy();
            if (!prometheus.waitFor(10, TimeUnit.SECONDS)) {
                prometheus.destroyForcibly();
            }
        }
    }

    /** Every panel query and template-variable metric of every dashboard, keyed by where it is. */
    private Map<String, String> dashboardQueries(Path folder) throws IOException {
        Map<String, String> queries = new LinkedHashMap<>();
        List<Path> files;
        try (Stream<Path> s = Files.list(folder)) {
            files = s.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        }
        assertFalse(files.isEmpty(), "no dashboards in " + folder);
        for (Path file : files) {
            JsonNode dashboard = json.readTree(file.toFile());
            String name = file.getFileName().toString();
            for (JsonNode panel : panels(dashboard)) {
                for (JsonNode target : panel.path("targets")) {
                    String expr = target.path("expr").asText("");
                    assertFalse(expr.isBlank(), name + " panel '" + panel.path("title").asText() + "' has no query");
                    queries.put(name + " / " + panel.path("title").asText() + " / " + target.path("refId").asText(),
                            substitute(expr));
                }
            }
            for (JsonNode variable : dashboard.path("templating").path("list")) {
                JsonNode q = variable.path("query");
                String text = q.isObject() ? q.path("query").asText() : q.asText();
                Matcher m = LABEL_VALUES.matcher(text);
                assertTrue(m.matches(), name + " variable " + variable.path("name") + ": " + text);
                queries.put(name + " / $" + variable.path("name").asText(), substitute(m.group(1)));
            }
        }
        return queries;
    }

    private static List<JsonNode> panels(JsonNode container) {
        List<JsonNode> all = new ArrayList<>();
        for (JsonNode panel : container.path("panels")) {
            all.add(panel);
            all.addAll(panels(panel)); // rows hold their panels
        }
        return all;
    }

    /** Grafana variables: built-in intervals become 1m, template variables a regex matching any value. */
    static String substitute(String expr) {
        Matcher m = VARIABLE.matcher(expr);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, m.group(1).startsWith("__") ? "1m" : ".*");
        }
        m.appendTail(out);
        return out.toString();
    }

    /** Waits for the first scrape attempt: Prometheus applies its targets a few seconds after it starts. */
    private void waitUntilScraping(String api) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            try {
                for (JsonNode t : get(api + "/api/v1/targets").path("data").path("activeTargets")) {
                    if (!t.path("lastScrape").asText("0001").startsWith("0001")) {
                        return;
                    }
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        fail("Prometheus did not scrape within 60 s; log " + dir.resolve("prometheus.log"));
    }

    private void waitUntilTargetIsUp(String api, CompletableFuture<?> study) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        Set<String> seen = new LinkedHashSet<>();
        while (System.nanoTime() < deadline && !study.isDone()) {
            try {
                JsonNode targets = get(api + "/api/v1/targets");
                for (JsonNode t : targets.path("data").path("activeTargets")) {
                    seen.add(t.path("health").asText());
                    if ("up".equals(t.path("health").asText())) {
                        return;
                    }
                }
            } catch (IOException e) {
                seen.add("prometheus not answering yet");
            }
            Thread.sleep(250);
        }
        fail("the study's metrics endpoint never came up in Prometheus (" + seen + "); study: "
                + (study.isDone() ? study.get() : "running") + "; log " + dir.resolve("prometheus.log"));
    }

    private JsonNode query(String api, String promql) throws Exception {
        return get(api + "/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
    }

    private JsonNode query(String api, String promql, double time) throws Exception {
        return get(api + "/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8)
                + "&time=" + String.format(java.util.Locale.ROOT, "%.3f", time));
    }

    private JsonNode get(String url) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5))
                .build(), HttpResponse.BodyHandlers.ofString());
        return json.readTree(r.body());
    }
}
