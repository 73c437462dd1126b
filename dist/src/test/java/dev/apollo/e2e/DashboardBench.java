package dev.apollo.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * First paint of the dashboard's overview with 50 services in 3 environments, in headless
 * Chromium: from navigation start until the table is on screen, over several fresh loads. Not a
 * test (no figure is asserted): run by bench/dashboard.sh, which writes docs/BENCHMARKS.md from the
 * lines it prints to target/dashboard-bench.txt.
 *
 * <p>Releases have 0 instances: the page's work (150 cells, their statuses, the recent events) is
 * the same, and 150 JVMs would measure this machine's memory instead.
 */
class DashboardBench {
    private static final int SERVICES = 50;
    private static final List<String> ENVIRONMENTS = List.of("production", "stage1", "stage2");
    private static final int LOADS = 10;

    @Test
    void firstPaintOfTheOverview(@TempDir Path home) throws Exception {
        try (Apollo apollo = Apollo.up(home); Browser browser = Browser.open(home.resolve("chromium-profile"))) {
            HttpClient http = HttpClient.newHttpClient();
            apollo.ok("env", "create", "stage1", "--fallback", "production");
            apollo.ok("env", "create", "stage2", "--fallback", "production");
            byte[] jar = Files.readAllBytes(Apollo.WEB_SERVICE_JAR);
            for (int i = 1; i <= SERVICES; i++) {
                String name = "service-%02d".formatted(i);
                send(http, apollo, "PUT", "/v1/artifacts/" + name + "/1.0.0", HttpRequest.BodyPublishers.ofByteArray(jar));
                for (String environment : ENVIRONMENTS) {
                    send(http, apollo, "POST", "/v1/deploys", HttpRequest.BodyPublishers.ofString(
                            "{\"artifact\":\"" + name + ":1.0.0\",\"instances\":0,\"environment\":\"" + environment + "\"}"));
                }
            }
            Matcher link = Pattern.compile("(http://\\S+/dashboard/login\\?code=\\S+)").matcher(apollo.ok("dashboard", "--no-open").out());
            assertThat(link.find()).isTrue();
            browser.go(link.group(1));
            browser.awaitText("#overview", text -> text.contains("service-50"));

            List<Double> painted = new ArrayList<>();
            List<Double> firstContentful = new ArrayList<>();
            for (int i = 0; i < LOADS; i++) {
                browser.driver().navigate().refresh();
                org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20))
                        .until(() -> browser.script("return performance.getEntriesByName('overview-painted').length") instanceof Long n && n > 0);
                assertThat(browser.all("td.cell")).hasSize(SERVICES * ENVIRONMENTS.size());
                painted.add(number(browser.script("return performance.getEntriesByName('overview-painted')[0].startTime")));
                firstContentful.add(number(browser.script(
                        "return performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? -1")));
            }
            Collections.sort(painted);
            Collections.sort(firstContentful);
            String report = "cells=" + SERVICES * ENVIRONMENTS.size() + " loads=" + LOADS
                    + " overview_painted_ms_median=" + Math.round(painted.get(LOADS / 2))
                    + " overview_painted_ms_max=" + Math.round(painted.getLast())
                    + " first_contentful_paint_ms_median=" + Math.round(firstContentful.get(LOADS / 2))
                    + " chromium=" + browser.driver().getCapabilities().getBrowserVersion() + "\n";
            Files.writeString(Path.of("target", "dashboard-bench.txt"), report);
            System.out.print(report);
        }
    }

    private static double number(Object value) {
        return ((Number) value).doubleValue();
    }

    private static void send(HttpClient http, Apollo apollo, String method, String path, HttpRequest.BodyPublisher body)
            throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(apollo.url() + path))
                .header("Authorization", "Bearer " + apollo.token()).header("Content-Type", "application/json")
                .method(method, body).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("%s %s: %s", method, path, response.body()).isBetween(200, 299);
    }
}
