package dev.apollo.cli.deploy;

import static dev.apollo.cli.FakeApi.event;
import static org.assertj.core.api.Assertions.assertThat;

import dev.apollo.cli.FakeApi;
import dev.apollo.cli.Run;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** `apollo deploy` against a canned control plane: the request, the progress, the verdict and exit code. */
class DeployCommandTest {
    private static final String RELEASE = "{\"id\":\"r11\",\"environment\":\"production\",\"service\":\"web\",\"artifact\":\"web:2.0.0\","
            + "\"version\":\"2.0.0\",\"instances\":2,\"state\":\"DEPLOYING\",\"createdAt\":\"2025-01-01T00:00:00Z\","
            + "\"updatedAt\":\"2025-01-01T00:00:00Z\"}";

    @TempDir
    Path home;

    @RegisterExtension
    final FakeApi api = new FakeApi();

    private Run deploy(String... extra) {
        List<String> args = new ArrayList<>(List.of("deploy", "web:2.0.0"));
        args.addAll(List.of(extra));
        return api.cli(home, args.toArray(String[]::new));
    }

    private void accepts(String kind) {
        api.json("POST /v1/deploys", 202, "{\"kind\":\"" + kind + "\",\"release\":" + RELEASE + ",\"eventCursor\":10}");
    }

    @Test
    void followsTheReleaseUntilItIsLive() {
        accepts("deploy");
        api.events("GET /v1/events", ": keep-alive\n\n" + event(11, "DEPLOY_STARTED", 0, 0, "")
                + event(12, "INSTANCE_STARTED", 2, 0, "") + event(13, "INSTANCE_HEALTHY", 2, 1, "")
                + event(14, "INSTANCE_HEALTHY", 2, 2, "") + event(15, "DEPLOY_SUCCEEDED", 2, 2, "r11 is live"));

        Run run = deploy("-n", "2");

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).startsWith("Deploying web:2.0.0 to production as release r11 (2 instances)\n")
                .contains("INSTANCE_HEALTHY   2/2 healthy  2 started")
                .contains("web:2.0.0 is live in production: 2/2 healthy (release r11, ");
        assertThat(run.out().lines().filter(l -> l.contains("DEPLOY_") || l.contains("INSTANCE_"))).hasSize(5);
        assertThat(api.requests).contains("GET /v1/events?after=10&release=r11");
    }

    @Test
    void aFailedDeployShowsTheReasonAndTheFailingInstancesLogs() {
        accepts("deploy");
        api.events("GET /v1/events", event(11, "DEPLOY_STARTED", 0, 0, "") + event(12, "INSTANCE_EXITED", 1, 0, "web-a exited with code 1")
                + event(13, "DEPLOY_FAILED", 0, 0, "2 instances did not become healthy within 60 s"));
        api.json("GET /v1/environments/production/services/web", 200, """
                {"environment":"production","service":"web","instances":[
                  {"id":"web-old","release":"r10","version":"1.0.0","address":"127.0.0.1:40001","health":"healthy"},
                  {"id":"web-a","release":"r11","version":"2.0.0","health":"exited","startedAt":"2025-01-01T00:00:01Z","exit":"exit code 1"}],
                 "restarts":1}""");
        api.json("GET /v1/environments/production/services/web/logs", 200,
                "[{\"instance\":\"web-a\",\"lines\":[\"Exception in thread main\",\"  at Boom.main\"]}]");

        Run run = deploy();

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).startsWith("apollo: 2 instances did not become healthy within 60 s\n")
                .contains("Last lines of web-a:\n  Exception in thread main\n    at Boom.main");
        assertThat(api.requests).contains("GET /v1/environments/production/services/web/logs?instance=web-a&lines=20");
    }

    @Test
    void aReleaseReplacedBeforeItsEndEndsTheFollowWithTheReason() {
        accepts("deploy");
        api.events("GET /v1/events", event(11, "DEPLOY_STARTED", 0, 0, "") + event(12, "INSTANCE_STARTED", 1, 0, "")
                + event(13, "RELEASE_REPLACED", -1, -1, "web:2.0.0 (r11) in production replaced by a newer testbed, r12 (3.0.0)"));

        Run run = deploy("--testbed");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.out()).contains("RELEASE_REPLACED");
        assertThat(run.err()).isEqualTo("apollo: web:2.0.0 (r11) in production replaced by a newer testbed, r12 (3.0.0)\n");
    }

    @Test
    void logLinesTheServersMessageAlreadyQuotesAreNotRepeated() {
        accepts("deploy");
        api.events("GET /v1/events", event(11, "DEPLOY_FAILED", 0, 0, "r11 failed. Last output: no main manifest attribute"));
        api.json("GET /v1/environments/production/services/web/logs", 200,
                "[{\"instance\":\"web-a\",\"lines\":[\"no main manifest attribute\"]}]");

        Run run = deploy();

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).isEqualTo("apollo: r11 failed. Last output: no main manifest attribute\n");
    }

    @Test
    void unchangedAndScaleAreSaidPlainly() {
        accepts("unchanged");
        assertThat(deploy().out()).isEqualTo("web:2.0.0 is already live in production with 2 instances: nothing to do.\n");

        accepts("scale");
        Run scale = deploy("-n", "2");
        assertThat(scale.exitCode()).isZero();
        assertThat(scale.out()).contains("already live in production: resizing release r11 to 2 instances");
        assertThat(api.requests).doesNotContain("GET /v1/events?after=10&release=r11");
    }

    @Test
    void jsonOutputIsOneEventPerLine() {
        accepts("deploy");
        api.events("GET /v1/events", event(11, "DEPLOY_STARTED", 0, 0, "") + event(12, "DEPLOY_SUCCEEDED", 2, 2, ""));

        Run run = deploy("-o", "json");

        assertThat(run.exitCode()).isZero();
        assertThat(run.out().lines()).hasSize(2).allSatisfy(line -> assertThat(line).startsWith("{\"id\":1"));
    }

    @Test
    void noWaitReturnsAtOnce() {
        accepts("deploy");

        Run run = deploy("--no-wait", "--memory", "256", "--health-path", "/ready");

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("Not waiting. Follow it with: apollo status web -e production");
        assertThat(api.requests).containsExactly("POST /v1/deploys");
    }

    @Test
    void readinessAndLivenessProbesAreSentAsTyped() {
        accepts("deploy");

        Run run = deploy("--no-wait", "--health-path", "/actuator/health", "--readiness", "http:/ready",
                "--liveness", "cmd:/usr/local/bin/check --name 'a b'");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(api.bodies.getFirst()).contains("\"health\":{\"path\":\"/actuator/health\","
                + "\"readiness\":{\"type\":\"http\",\"path\":\"/ready\"},"
                + "\"liveness\":{\"type\":\"command\",\"command\":[\"/usr/local/bin/check\",\"--name\",\"a b\"]}}");
    }

    @Test
    void aProbeOfNoKnownShapeIsAUsageError() {
        Run run = deploy("--readiness", "/ready");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("--readiness '/ready': expected http:/PATH, tcp or cmd:'PROGRAM ARG...' (e.g. --readiness http:/ready).");
        assertThat(api.requests).isEmpty();
    }

    @Test
    void theServersRefusalIsPrintedAsIs() {
        api.json("POST /v1/deploys", 409, "{\"error\":\"conflict\",\"message\":\"web in production is already deploying r10; wait for it or undeploy.\"}");

        Run run = deploy();

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).isEqualTo("apollo: web in production is already deploying r10; wait for it or undeploy.\n");
    }
}
