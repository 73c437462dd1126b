package dev.apollo.cli.command;

import static org.assertj.core.api.Assertions.assertThat;

import dev.apollo.cli.FakeApi;
import dev.apollo.cli.Run;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class StatusCommandTest {
    /** The CLI's "now" in every run of this test: relative times are then exact. */
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2025-01-01T00:06:15Z"), ZoneOffset.UTC);
    private static final String WEB = """
            {"environment":"production","service":"web-service",
             "live":{"id":"r7","environment":"production","service":"web-service","artifact":"web-service:1.6.0","version":"1.6.0",
                     "instances":2,"state":"LIVE","createdAt":"2025-01-01T00:00:00Z","updatedAt":"2025-01-01T00:00:00Z"},
             "deploying":{"id":"r8","environment":"production","service":"web-service","artifact":"web-service:1.7.0","version":"1.7.0",
                     "instances":2,"state":"DEPLOYING","createdAt":"2025-01-01T00:05:00Z","updatedAt":"2025-01-01T00:05:00Z",
                     "deadline":"2025-01-01T00:07:00Z"},
             "instances":[
               {"id":"web-service-0a","release":"r7","version":"1.6.0","address":"127.0.0.1:40001","health":"healthy",
                "startedAt":"2025-01-01T00:00:10Z"},
               {"id":"web-service-0b","release":"r7","version":"1.6.0","address":"127.0.0.1:40002","health":"healthy",
                "startedAt":"2025-01-01T00:00:10Z"},
               {"id":"web-service-1a","release":"r8","version":"1.7.0","address":"127.0.0.1:40003","health":"starting",
                "startedAt":"2025-01-01T00:05:00Z"}],
             "restarts":3,"lastExit":"exit code 1"}""";

    @TempDir
    Path home;

    @RegisterExtension
    final FakeApi api = new FakeApi();

    private Run run(String... args) {
        return api.cli(CLOCK, home, args);
    }

    @Test
    void listsServicesWithHealthyOverTargetAndState() {
        api.json("GET /v1/services", 200, "[" + WEB + "]");

        Run run = run("ps");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).isEqualTo("""
                ENV         SERVICE      VERSION  RELEASE  HEALTHY/TARGET  STATE               RESTARTS
                production  web-service  1.6.0    r7       2/2             deploying r8 (0/2)  3
                """);
    }

    @Test
    void aConfigNginxRefusedIsShownUnderTheServices() {
        api.json("GET /v1/services", 200, "[" + WEB + "]");
        api.json("GET /v1/gateway", 200, GatewayCommandTest.NGINX_WITH_ERROR);

        Run run = run("status");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).endsWith("""
                production  web-service  1.6.0    r7       2/2             deploying r8 (0/2)  3
                gateway (nginx) at 2025-01-01 00:05:00Z: nginx: [emerg] unknown directive "proxy_pas" \
                in nginx.conf:12; nginx: configuration file nginx.conf test failed   (details: apollo gateway status)
                """);
    }

    @Test
    void aHealthyGatewayAddsNothingAndJsonStaysTheServicesAlone() {
        api.json("GET /v1/services", 200, "[" + WEB + "]");
        api.json("GET /v1/gateway", 200, "{\"kind\":\"embedded\",\"web\":\"127.0.0.1:8080\",\"rpc\":\"127.0.0.1:9090\"}");

        assertThat(run("status").out()).doesNotContain("gateway");
        api.json("GET /v1/gateway", 200, GatewayCommandTest.NGINX_WITH_ERROR);
        assertThat(run("status", "-o", "json").out()).startsWith("[ {").doesNotContain("refused");
    }

    @Test
    void showsOneServiceWithItsReleasesAndInstances() {
        api.json("GET /v1/environments/production/services/web-service", 200, WEB);

        Run run = run("status", "web-service");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).isEqualTo("""
                web-service in production: deploying r8 (0/2)
                  live:       r7  web-service:1.6.0  2/2 healthy, since 6m15s ago
                  deploying:  r8  web-service:1.7.0  0/2 healthy, since 1m15s ago, deadline in 45s
                  restarts:   3, last exit: exit code 1

                ID              RELEASE  VERSION  ADDRESS          HEALTH    UPTIME  EXIT
                web-service-0a  r7       1.6.0    127.0.0.1:40001  healthy   6m5s    -
                web-service-0b  r7       1.6.0    127.0.0.1:40002  healthy   6m5s    -
                web-service-1a  r8       1.7.0    127.0.0.1:40003  starting  1m15s   -
                """);
    }

    @Test
    void anInstanceAliveButNotReadyIsShownApart() {
        api.json("GET /v1/environments/production/services/web-service", 200, WEB
                .replace("\"address\":\"127.0.0.1:40002\",\"health\":\"healthy\"", "\"address\":\"127.0.0.1:40002\",\"health\":\"not_ready\""));

        Run run = run("status", "web-service");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out())
                .contains("  live:       r7  web-service:1.6.0  1/2 healthy (1 not ready: no traffic), since 6m15s ago\n")
                .contains("web-service-0b  r7       1.6.0    127.0.0.1:40002  not ready  6m5s    -\n");
    }

    @Test
    void aBackoffIsShownUntilItEnds() {
        String backingOff = WEB.replace("\"restarts\":3", "\"restarts\":3,\"backoffUntil\":\"2025-01-01T00:06:45Z\"");
        String backedOff = WEB.replace("\"restarts\":3", "\"restarts\":3,\"backoffUntil\":\"2025-01-01T00:06:14Z\"");
        api.json("GET /v1/environments/production/services/web-service", 200, backingOff);
        api.json("GET /v1/services", 200, "[" + backingOff + "]");

        assertThat(run("status", "web-service").out())
                .startsWith("web-service in production: deploying r8 (0/2), backing off\n")
                .contains("  restarts:   3, last exit: exit code 1, backing off until 2025-01-01 00:06:45Z (in 30s)\n");
        assertThat(run("status").out()).contains("deploying r8 (0/2), backing off  3\n");

        api.json("GET /v1/environments/production/services/web-service", 200, backedOff);
        assertThat(run("status", "web-service").out())
                .startsWith("web-service in production: deploying r8 (0/2)\n")
                .contains("  restarts:   3, last exit: exit code 1\n");
    }

    @Test
    void anEmptyPlatformSaysWhatToDo() {
        api.json("GET /v1/services", 200, "[]");

        assertThat(run("status").out()).contains("No services yet. Deploy one with: apollo deploy NAME:VERSION -n N");
    }

    @Test
    void jsonOutputIsTheApisAnswer() {
        api.json("GET /v1/services", 200, "[" + WEB + "]");

        assertThat(run("status", "-o", "json").out()).startsWith("[ {").contains("\"service\" : \"web-service\"");
    }

    @Test
    void anUnknownServiceIsTheServersSentence() {
        Run run = run("history", "nope", "-e", "stage1");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).isEqualTo("apollo: No route for GET /v1/environments/stage1/services/nope/history.\n");
    }

    private static final String MEMBERS = """
            [{"id":"cp-a","address":"http://10.0.0.1:7700","seenAt":"2025-01-01T00:06:14Z","role":"leader"},
             {"id":"cp-b","address":"http://10.0.0.2:7700","seenAt":"2025-01-01T00:06:13Z","role":"standby"},
             {"id":"cp-c","address":"http://10.0.0.3:7700","seenAt":"2025-01-01T00:01:15Z","role":"silent"}]""";

    @Test
    void aLeaderSharingItsStoreShowsTheControlPlanesUnderTheServices() {
        api.json("GET /v1/services", 200, "[" + WEB + "]");
        api.json("GET /v1/leadership", 200, """
                {"mode":"leader","id":"cp-a","epoch":3,"leaderId":"cp-a","leaderAddress":"http://10.0.0.1:7700",
                 "note":"leading since 2025-01-01T00:00:00Z (epoch 3)","controlPlanes":%s}""".formatted(MEMBERS));

        Run run = run("status");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).endsWith("""

                control plane: cp-a is leader; leader cp-a at http://10.0.0.1:7700 (epoch 3)
                  leading since 2025-01-01T00:00:00Z (epoch 3)
                CONTROL PLANE  ADDRESS               ROLE     LAST CONTACT
                cp-a           http://10.0.0.1:7700  leader   1s ago
                cp-b           http://10.0.0.2:7700  standby  2s ago
                cp-c           http://10.0.0.3:7700  silent   5m ago
                """);
    }

    @Test
    void aStandbySaysWhoLeadsThenWhereToAsk() {
        api.json("GET /v1/leadership", 200, """
                {"mode":"standby","id":"cp-b","epoch":3,"leaderId":"cp-a","leaderAddress":"http://10.0.0.1:7700",
                 "note":"","controlPlanes":%s}""".formatted(MEMBERS));
        api.json("GET /v1/services", 503, """
                {"error":"not_leader","message":"This control plane is a standby; the leader is cp-a at http://10.0.0.1:7700: run the command there (--server http://10.0.0.1:7700)."}""");

        Run run = run("status");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.out()).startsWith("control plane: cp-b is standby; leader cp-a at http://10.0.0.1:7700 (epoch 3)\n");
        assertThat(run.err()).contains("--server http://10.0.0.1:7700");
    }
}
