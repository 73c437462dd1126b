package dev.apollo.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.apollo.api.Views.ServiceStatus;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.WebElement;

/**
 * The web dashboard in a real headless Chromium against a real control plane: the one-time login,
 * live views that follow the event stream, actions that go through the API, and what must never
 * get through (markup as markup, writes without the session).
 *
 * <p>One control plane and one browser for the class, in order: logging in once is the point of
 * the first test, and the rollback needs the deploys before it.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DashboardIT {
    private static final Path SHOTS = Path.of("target", "dashboard-screenshots");
    private static final Pattern LINK = Pattern.compile("(http://\\S+/dashboard/login\\?code=\\S+)");

    private static Path home;
    private static Apollo apollo;
    private static Browser browser;
    private static final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeAll
    static void start() throws IOException {
        home = Files.createTempDirectory("apollo-dashboard");
        apollo = Apollo.up(home);
        apollo.ok("artifact", "push", Apollo.WEB_SERVICE_JAR.toString(), "--name", "web-service", "--version", "1.0.0");
        apollo.ok("artifact", "push", Apollo.WEB_SERVICE_JAR.toString(), "--name", "web-service", "--version", "2.0.0");
        apollo.ok("route", "add", "/", "web-service");
        browser = Browser.open(home.resolve("chromium-profile"));
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.close();
        }
        if (apollo != null) {
            apollo.close();
        }
        if (home != null) {
            try (var paths = Files.walk(home)) {
                paths.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            } catch (IOException e) {
                // A leftover temporary directory is not worth failing the tests for.
            }
        }
    }

    @Test
    @Order(1)
    void withoutASessionOnlyTheLoginPageIsServedAndTheOneTimeLinkLogsTheBrowserIn() throws Exception {
        browser.go(apollo.url() + "/dashboard/");
        assertThat(browser.find("#login").getText()).contains("apollo dashboard");
        assertThat(get("/dashboard/app.js", null).statusCode()).isEqualTo(401);
        assertThat(get("/dashboard/app.js", null).body()).doesNotContain("import");
        browser.screenshot(SHOTS.resolve("login.png"));

        String link = link();
        assertThat(link).doesNotContain(apollo.token());
        browser.go(link);

        browser.find("#overview, .empty-state");
        assertThat(browser.driver().getCurrentUrl()).doesNotContain("code="); // redirected away at once
        Cookie session = browser.driver().manage().getCookieNamed("apollo_session");
        assertThat(session).isNotNull();
        assertThat(session.isHttpOnly()).isTrue();
        assertThat(session.getSameSite()).isEqualTo("Strict");
        assertThat(browser.script("return document.cookie")).isEqualTo(""); // no script can read it
        // The link is spent: used again it opens nothing.
        HttpResponse<String> again = http.send(HttpRequest.newBuilder(URI.create(link)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(again.statusCode()).isEqualTo(401);
        assertThat(again.headers().firstValue("Set-Cookie")).isEmpty();
    }

    @Test
    @Order(2)
    void theOverviewShowsADeployProgressingToHealthyWithoutAReload() {
        browser.go(apollo.url() + "/dashboard/#/");
        browser.find(".empty-state, #overview");
        Object pageStarted = browser.script("return performance.timeOrigin");

        apollo.ok("deploy", "web-service:1.0.0", "-n", "2", "--no-wait");

        String cell = "[data-cell='production/web-service']";
        List<String> seen = new ArrayList<>();
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(50))
                .conditionEvaluationListener(condition -> {
                    if (condition.getRemainingTimeInMS() <= condition.getPollInterval().toMillis()) {
                        System.out.println("overview states seen: " + seen + "\nconsole:\n" + browser.console());
                    }
                }).until(() -> {
            List<WebElement> cells = browser.all(cell);
            if (cells.isEmpty()) {
                return false;
            }
            try {
                String state = cells.getFirst().getAttribute("class") + " | " + cells.getFirst().getText().replace('\n', ' ');
                if (seen.isEmpty() || !seen.getLast().equals(state)) {
                    seen.add(state);
                }
                return state.startsWith("cell ok ") && state.contains("1.0.0") && state.contains("2/2");
            } catch (org.openqa.selenium.StaleElementReferenceException redrawn) {
                return false;
            }
        });
        assertThat(seen.getLast()).contains("1.0.0", "2/2");
        assertThat(seen).as("states the cell went through: %s", seen).anyMatch(s -> s.contains("busy"));
        assertThat(browser.script("return performance.timeOrigin")).as("the page never reloaded").isEqualTo(pageStarted);
    }

    @Test
    @Order(3)
    void aRollbackFromTheServicePageMovesTrafficBack() {
        apollo.ok("deploy", "web-service:2.0.0", "-n", "2");
        await().atMost(Duration.ofSeconds(30)).until(() -> apollo.viaGateway("/").body().contains("\"version\":\"2.0.0\""));
        browser.go(apollo.url() + "/dashboard/#/services/production/web-service");
        browser.awaitText("#releases tr[data-role='previous']", text -> text.contains("1.0.0"));
        browser.screenshot(SHOTS.resolve("service.png"));

        browser.find("#action-rollback").click();
        assertThat(browser.find("#confirm-text").getText()).contains("1.0.0");
        browser.find("#confirm-ok").click();

        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .until(() -> apollo.viaGateway("/").body().contains("\"version\":\"1.0.0\""));
        browser.awaitText("#flash", text -> text.contains("Rolled back to 1.0.0"));
        browser.awaitText("#releases tr[data-role='live']", text -> text.contains("1.0.0"));
        assertThat(apollo.status("web-service").map(ServiceStatus::live).orElseThrow().version()).isEqualTo("1.0.0");
    }

    @Test
    @Order(4)
    void anActionTheApiRefusesShowsTheApisMessage() {
        browser.go(apollo.url() + "/dashboard/#/services/production/web-service");
        browser.find("#action-scale").click();
        WebElement count = browser.find("#field-instances");
        count.clear();
        count.sendKeys("100000");
        browser.find("#confirm-ok").click();
        assertThat(browser.awaitText("#confirm-error", text -> !text.isBlank())).contains("instances: 100000 (expected: <=");
        browser.find("#confirm-cancel").click();
    }

    @Test
    @Order(5)
    void aCrashLoopingReleaseIsMarked() throws IOException {
        Path broken = home.resolve("broken.jar");
        FailuresIT.writeJarWithAMissingMainClass(broken);
        apollo.ok("artifact", "push", broken.toString(), "--name", "broken", "--version", "1.0.0");
        browser.go(apollo.url() + "/dashboard/#/");
        browser.find("#overview");

        apollo.ok("deploy", "broken:1.0.0", "-n", "1", "--no-wait");

        String mark = browser.awaitText("[data-cell='production/broken'] .mark", text -> !text.isBlank());
        assertThat(mark).containsAnyOf("crash loop", "deploy failed");
        browser.screenshot(SHOTS.resolve("overview.png"));
        browser.go(apollo.url() + "/dashboard/#/services/production/broken");
        browser.awaitText("#deploy-progress h2", text -> text.startsWith("Deploy failed"));
        browser.awaitText("#failure-output", text -> text.contains("Could not find or load main class"));
        browser.awaitText("section.card", text -> text.contains("No active release"));
        browser.screenshot(SHOTS.resolve("failed-deploy.png"));
    }

    @Test
    @Order(6)
    void markupInAPathShowsAsText() {
        String name = "<img src=x id=injected onerror=\"document.title='owned'\">";
        browser.go(apollo.url() + "/dashboard/#/services/production/" + encode(name));
        assertThat(browser.awaitText("#service-title", text -> text.contains("<img"))).contains(name);
        assertThat(browser.awaitText("#problem", text -> !text.isBlank())).contains("service name");
        assertThat(browser.driver().findElements(By.id("injected"))).isEmpty();
        assertThat(browser.driver().getTitle()).isEqualTo("Apollo");
    }

    @Test
    @Order(7)
    void aWriteWithoutTheSessionOrItsCsrfTokenIsRefused() throws Exception {
        String rollback = "/dashboard/v1/environments/production/services/web-service/rollback";
        String cookie = "apollo_session=" + browser.driver().manage().getCookieNamed("apollo_session").getValue();

        HttpResponse<String> noSession = post(rollback, null, null, null);
        HttpResponse<String> noCsrf = post(rollback, cookie, null, null);
        String csrf = apollo.json(get("/dashboard/session", cookie).body()).get("csrf").asText();
        HttpResponse<String> otherOrigin = post(rollback, cookie, csrf, "http://evil.example");
        HttpResponse<String> cookieOnTheApi = http.send(HttpRequest.newBuilder(
                URI.create(apollo.url() + "/v1/environments/production/services/web-service/rollback"))
                .header("Cookie", cookie).POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(noSession.statusCode()).as(noSession.body()).isEqualTo(401);
        assertThat(noCsrf.statusCode()).as(noCsrf.body()).isEqualTo(403);
        assertThat(noCsrf.body()).contains("X-Apollo-CSRF");
        assertThat(otherOrigin.statusCode()).as(otherOrigin.body()).isEqualTo(403);
        assertThat(cookieOnTheApi.statusCode()).isEqualTo(401);
        assertThat(apollo.status("web-service").map(ServiceStatus::live).orElseThrow().version()).isEqualTo("1.0.0");
        // The same session with its token does write: what was refused was the missing proof, not the action.
        HttpResponse<String> allowed = post(rollback, cookie, csrf, apollo.url());
        assertThat(allowed.statusCode()).as(allowed.body()).isEqualTo(200);
    }

    @Test
    @Order(8)
    void theOtherViewsRender() {
        apollo.ok("env", "create", "stage1", "--fallback", "production");
        apollo.ok("external", "add", "payments", "https://payments.example.com/api", "-e", "stage1");
        browser.go(apollo.url() + "/dashboard/#/services/stage1/web-service");
        browser.find("#problem");
        apollo.ok("deploy", "web-service:2.0.0", "-n", "2", "-e", "stage1", "--no-wait");
        browser.awaitText("#deploy-progress h2", text -> text.startsWith("Deploy"));
        browser.screenshot(SHOTS.resolve("deploy-progress.png"));
        browser.awaitText("#deploy-progress h2", text -> text.startsWith("Deployed"));
        browser.go(apollo.url() + "/dashboard/#/services/production/web-service/history");
        browser.awaitText("#history", text -> text.contains("1.0.0") && text.contains("2.0.0"));
        browser.screenshot(SHOTS.resolve("history.png"));
        browser.go(apollo.url() + "/dashboard/#/services/production/web-service/logs");
        browser.awaitText("#log", text -> text.contains("web-service listening on"));
        browser.screenshot(SHOTS.resolve("logs.png"));
        browser.go(apollo.url() + "/dashboard/#/platform");
        browser.awaitText("#gateway", text -> text.contains("embedded"));
        browser.awaitText("#environments", text -> text.contains("stage1"));
        browser.awaitText("#externals", text -> text.contains("payments"));
        browser.screenshot(SHOTS.resolve("platform.png"));
        browser.go(apollo.url() + "/dashboard/#/");
        browser.awaitText("[data-cell='stage1/web-service']", text -> text.contains("2/2"));
        browser.screenshot(SHOTS.resolve("overview.png"));
    }

    @Test
    @Order(9)
    void aTestbedIsDiscardedFromTheServicePage() {
        apollo.ok("deploy", "web-service:1.0.0", "-n", "1", "-e", "stage1", "--testbed");
        browser.go(apollo.url() + "/dashboard/#/services/stage1/web-service");
        browser.awaitText("#releases tr[data-role='testbed']", text -> text.contains("1.0.0"));

        browser.awaitText("#action-discard", text -> true);
        await().atMost(Duration.ofSeconds(30)).until(() -> browser.find("#action-discard").isEnabled());
        browser.find("#action-discard").click();
        browser.find("#confirm-ok").click();

        browser.awaitText("#flash", text -> text.contains("Testbed of web-service discarded"));
        await().atMost(Duration.ofSeconds(30)).until(() -> browser.all("#releases tr[data-role='testbed']").isEmpty());
        HttpResponse<String> status = apollo.api("GET", "/v1/environments/stage1/services/web-service", null, true);
        assertThat(apollo.json(status.body()).path("testbed").isMissingNode()).as(status.body()).isTrue(); // nulls are left out
    }

    private static String link() {
        Apollo.Result result = apollo.ok("dashboard", "--no-open");
        Matcher m = LINK.matcher(result.out());
        assertThat(m.find()).as(result.out()).isTrue();
        return m.group(1);
    }

    private static String encode(String text) {
        return java.net.URLEncoder.encode(text, java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static HttpResponse<String> get(String path, String cookie) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(apollo.url() + path));
        if (cookie != null) {
            request.header("Cookie", cookie);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> post(String path, String cookie, String csrf, String origin)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(apollo.url() + path))
                .POST(HttpRequest.BodyPublishers.noBody());
        if (cookie != null) {
            request.header("Cookie", cookie);
        }
        if (csrf != null) {
            request.header("X-Apollo-CSRF", csrf);
        }
        if (origin != null) {
            request.header("Origin", origin);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
