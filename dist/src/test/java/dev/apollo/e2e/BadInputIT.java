package dev.apollo.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad input gets a clear error and changes nothing; the API answers 4xx with a JSON body, never 500. */
class BadInputIT {

    @Test
    void theCliSaysHowToStartAControlPlaneThatIsNotRunning(@TempDir Path home) throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        Apollo.Result result = Apollo.in(home).cli("status", "--server", "http://127.0.0.1:" + closedPort);

        assertThat(result.exit()).isEqualTo(3);
        assertThat(result.err()).contains("apollo up --detach");
    }

    @Test
    void mistakesAreNamedAndChangeNothing(@TempDir Path home) throws IOException {
        try (Apollo apollo = Apollo.up(home)) {
            apollo.ok("artifact", "push", Apollo.WEB_SERVICE_JAR.toString(), "--name", "web-service", "--version", "1.0.0");
            apollo.ok("deploy", "web-service:1.0.0", "-n", "1");
            String before = apollo.ok("status", "-o", "json").out();

            expectFailure(apollo, 1, "web-service:9.9.9 is not in the artifact store", "deploy", "web-service:9.9.9");
            expectFailure(apollo, 1, "service name 'Web_Svc'", "deploy", "Web_Svc:1.0.0");
            expectFailure(apollo, 1, "version '..'", "deploy", "web-service:..");
            expectFailure(apollo, 2, "instances: -1 (expected: >= 0)", "deploy", "web-service:1.0.0", "-n", "-1");
            expectFailure(apollo, 1, "instances: 100000 (expected: <= 200", "deploy", "web-service:1.0.0", "-n", "100000");
            expectFailure(apollo, 1, "environment 'stage9' does not exist", "deploy", "web-service:1.0.0", "-e", "stage9");
            expectFailure(apollo, 1, "service ghost", "scale", "ghost", "-n", "2");
            expectFailure(apollo, 1, "service ghost", "status", "ghost");
            expectFailure(apollo, 1, "service ghost", "undeploy", "ghost");
            expectFailure(apollo, 2, "", "deploy");
            expectFailure(apollo, 2, "", "deploy", "web-service:1.0.0", "--frobnicate");

            Path other = home.resolve("other.jar");
            Files.write(other, Files.readAllBytes(Apollo.RPC_SERVICE_JAR));
            expectFailure(apollo, 1, "Push the new content under a new version",
                    "artifact", "push", other.toString(), "--name", "web-service", "--version", "1.0.0");
            expectFailure(apollo, 2, "missing.jar", "artifact", "push", home.resolve("missing.jar").toString(),
                    "--name", "web-service", "--version", "3.0.0");
            Path text = Files.writeString(home.resolve("notes.jar"), "not a jar");
            expectFailure(apollo, 1, "expected an executable jar",
                    "artifact", "push", text.toString(), "--name", "notes", "--version", "1.0.0");

            // Images: the local scheduler runs none, and says which scheduler does.
            expectFailure(apollo, 1, "expected an image reference such as acme/orders:1.4",
                    "artifact", "push", "--image", "Acme Orders", "--name", "orders", "--version", "1.4");
            expectFailure(apollo, 1, "start it with --scheduler swarm to run image acme/orders:1.4",
                    "artifact", "push", "--image", "acme/orders:1.4", "--name", "orders", "--version", "1.4");
            apollo.ok("artifact", "push", imageArchive(home).toString(), "--name", "orders", "--version", "1.4");
            expectFailure(apollo, 1, "orders:1.4 is a container image, which this control plane's scheduler does not run",
                    "deploy", "orders:1.4");

            assertThat(apollo.ok("status", "-o", "json").out()).isEqualTo(before);
            assertThat(apollo.ok("artifact", "list").out()).doesNotContain("notes").contains("orders", "image");
        }
    }

    @Test
    void theApiAnswersCallerMistakesWith4xxAndAJsonBody(@TempDir Path home) {
        try (Apollo apollo = Apollo.up(home)) {
            expectError(apollo.api("GET", "/v1/info", null, false), 401, "unauthorized");
            expectError(apollo.api("POST", "/v1/deploys", "{\"artifact\": ", true), 400, "invalid");
            expectError(apollo.api("POST", "/v1/deploys", "[1,2]", true), 400, "invalid");
            expectError(apollo.api("POST", "/v1/deploys", "{\"artifact\":\"web-service:1.0.0\",\"instances\":\"many\"}", true),
                    400, "invalid");
            expectError(apollo.api("POST", "/v1/deploys", "{\"artifact\":\"web-service:1.0.0\",\"extra\":1}", true),
                    400, "invalid");
            expectError(apollo.api("POST", "/v1/deploys", "{}", true), 400, "invalid");
            expectError(apollo.api("GET", "/v1/environments/production/services/ghost", null, true), 404, "not_found");
            expectError(apollo.api("GET", "/v1/environments/..%2F..%2Fetc/services/x", null, true), 400, "invalid");
            expectError(apollo.api("PUT", "/v1/artifacts/web-service/%2E%2E", "x", true), 400, "invalid");
            expectError(apollo.api("GET", "/v1/events?after=-3", null, true), 400, "invalid");
            expectError(apollo.api("GET", "/v1/nothing", null, true), 404, "not_found");
            expectError(apollo.api("DELETE", "/v1/deploys", null, true), 405, "method_not_allowed");
            assertThat(apollo.api("GET", "/v1/artifacts", null, true).body()).isEqualTo("[]");
        }
    }

    /** A tar laid out as docker save writes one image (not one an engine could run), made by the system's tar. */
    private static Path imageArchive(Path home) throws IOException {
        Path dir = Files.createDirectories(home.resolve("image"));
        Files.writeString(dir.resolve("manifest.json"), "[{\"Config\":\"config.json\",\"RepoTags\":[\"acme/orders:1.4\"],"
                + "\"Layers\":[\"layer.tar\"]}]");
        Files.writeString(dir.resolve("config.json"), "{\"os\":\"linux\"}");
        Files.writeString(dir.resolve("layer.tar"), "a layer");
        Path archive = home.resolve("orders.tar");
        try {
            Process tar = new ProcessBuilder("tar", "-C", dir.toString(), "-cf", archive.toString(), "manifest.json",
                    "config.json", "layer.tar").inheritIO().start();
            assertThat(tar.waitFor()).isZero();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
        return archive;
    }

    private static void expectFailure(Apollo apollo, int exit, String message, String... args) {
        Apollo.Result result = apollo.cli(args);
        assertThat(result.exit()).as("apollo %s\n%s", String.join(" ", args), result.all()).isEqualTo(exit);
        assertThat(result.err()).as("apollo %s", String.join(" ", args)).contains(message);
        assertThat(result.err()).doesNotContain("Exception", "\tat ");
    }

    private static void expectError(HttpResponse<String> response, int status, String error) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(response.body()).contains("\"error\":\"" + error + "\"", "\"message\":");
    }
}
