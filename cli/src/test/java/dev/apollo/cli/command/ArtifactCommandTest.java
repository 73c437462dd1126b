package dev.apollo.cli.command;

import static org.assertj.core.api.Assertions.assertThat;

import dev.apollo.cli.FakeApi;
import dev.apollo.cli.Run;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class ArtifactCommandTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2025-01-01T01:00:00Z"), ZoneOffset.UTC);
    private static final String IMAGE = """
            {"name":"orders","version":"1.4","kind":"image","sha256":"%s","size":99614720,
             "storedAt":"2025-01-01T00:00:00Z","image":"acme/orders:1.4"}""".formatted("ab".repeat(32));

    @TempDir
    Path home;

    @RegisterExtension
    final FakeApi api = new FakeApi();

    private Run run(String... args) {
        return api.cli(CLOCK, home, args);
    }

    @Test
    void pushImageRecordsTheEnginesImageAndSaysHowToDeployIt() {
        api.json("PUT /v1/artifacts/orders/1.4/image", 201, IMAGE);

        Run run = run("artifact", "push", "--image", "acme/orders:1.4", "--name", "orders", "--version", "1.4");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(api.bodies).containsExactly("{\"image\":\"acme/orders:1.4\"}");
        assertThat(run.out()).isEqualTo("Recorded image acme/orders:1.4 as orders:1.4 (image, 95.0 MB, sha256 abababababab)."
                + " Deploy it with: apollo deploy orders:1.4 -n 2\n");
    }

    @Test
    void anImageArchiveIsUploadedAsItIs() throws IOException {
        Path archive = Files.write(home.resolve("orders.tar"), new byte[] {1, 2, 3});
        api.json("PUT /v1/artifacts/orders/1.4", 201, IMAGE.replace(",\"image\":\"acme/orders:1.4\"", ""));

        Run run = run("artifact", "push", archive.toString(), "--name", "orders", "--version", "1.4");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(api.bodies).containsExactly("\u0001\u0002\u0003");
        assertThat(run.out()).startsWith("Pushed orders:1.4 (image, 95.0 MB, sha256 abababababab).");
    }

    @Test
    void aFileAndAnImageTogetherOrNeitherAreRefusedBeforeAnythingIsSent() throws IOException {
        Path jar = Files.write(home.resolve("a.jar"), new byte[] {1});

        Run both = run("artifact", "push", jar.toString(), "--image", "acme/orders:1.4", "--name", "o", "--version", "1");
        Run neither = run("artifact", "push", "--name", "o", "--version", "1");

        assertThat(both.exitCode()).isEqualTo(2);
        assertThat(both.err()).contains("Give either FILE or --image REF, not both.");
        assertThat(neither.exitCode()).isEqualTo(2);
        assertThat(neither.err()).contains("Missing FILE", "--image REF");
        assertThat(api.requests).isEmpty();
    }

    @Test
    void listShowsEachArtifactsKindAndAnImagesReference() {
        api.json("GET /v1/artifacts", 200, "[" + IMAGE + ",{\"name\":\"web-service\",\"version\":\"1.0.0\",\"kind\":\"jar\","
                + "\"sha256\":\"" + "cd".repeat(32) + "\",\"size\":2048,\"storedAt\":\"2025-01-01T00:30:00Z\"}]");

        Run run = run("artifact", "list");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).isEqualTo("""
                NAME         VERSION  KIND                   SIZE     SHA256        STORED
                orders       1.4      image acme/orders:1.4  95.0 MB  abababababab  1h ago
                web-service  1.0.0    jar                    2.0 KB   cdcdcdcdcdcd  30m ago
                """);
    }
}
