package dev.apollo.scheduler.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.apollo.core.model.InstanceId;
import dev.apollo.core.port.ReleaseSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InstanceCommandTest {
    private static final Path JAR = Path.of("/srv/artifacts/web-service.jar");
    private static final InstanceId ID = new InstanceId("web-service-c1");

    private static List<String> command(ReleaseSpec spec, List<String> archiveOptions) {
        return InstanceCommand.of(spec, ID, Path.of("/jdk/bin/java"), archiveOptions, new HomeMarker(Path.of("/var/apollo")),
                8123, Path.of("/var/apollo/instances/web-service-c1")).command();
    }

    @Test
    void jitIsLeftToTheJvmAndTheArchiveComesBetweenOurOptionsAndTheServices() {
        List<String> command = command(Fixtures.withOptions(Fixtures.spec(JAR.toUri()), List.of("--verbose"),
                List.of("-Xmx256m", "-Dport=${PORT}")), List.of("-XX:SharedArchiveFile=/var/apollo/cds/web-service-0a1b.jsa"));

        assertThat(command).noneMatch(option -> option.contains("TieredStopAtLevel") || option.contains("TieredCompilation"));
        assertThat(command).containsExactly("/jdk/bin/java",
                "-Xmx64m", "-XX:+UseSerialGC", "-Xshare:auto",
                "-XX:SharedArchiveFile=/var/apollo/cds/web-service-0a1b.jsa",
                "-Xmx256m", "-Dport=8123", // the service's own, last of their kind: the JVM takes the last
                "-Dapollo.home=/var/apollo", "-Dapollo.instance=web-service-c1",
                "-jar", JAR.toString(), "--verbose");
    }

    @Test
    void withoutArchiveOptionsTheCommandHasNone() {
        assertThat(command(Fixtures.spec(JAR.toUri()), List.of())).containsExactly("/jdk/bin/java",
                "-Xmx64m", "-XX:+UseSerialGC", "-Xshare:auto",
                "-Dapollo.home=/var/apollo", "-Dapollo.instance=web-service-c1", "-jar", JAR.toString());
    }

    @Test
    void aServiceWithItsOwnArchiveRunsWithItsOwnOnly(@TempDir Path stateDir) {
        ReleaseSpec own = Fixtures.withOptions(Fixtures.webService(), List.of(), List.of("-XX:SharedArchiveFile=/srv/own.jsa"));
        List<String> command;
        try (ClassDataArchives archives = new ClassDataArchives(stateDir, ProcessScheduler.Options.defaults().java(),
                id -> false, Duration.ZERO)) {
            command = command(own, archives.optionsFor(own, ID, InstanceCommand.jvmDefaults(own)));
        }

        assertThat(command).filteredOn(option -> option.startsWith("-XX:SharedArchiveFile") || option.startsWith("-XX:DumpLoaded"))
                .containsExactly("-XX:SharedArchiveFile=/srv/own.jsa");
    }
}
