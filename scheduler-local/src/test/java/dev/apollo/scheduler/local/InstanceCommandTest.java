package dev.apollo.scheduler.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.apollo.core.model.InstanceId;
import dev.apollo.core.port.ReleaseSpec;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class InstanceCommandTest {
    private static final Path JAR = Path.of("/srv/artifacts/web-service.jar");
    private static final InstanceId ID = new InstanceId("web-service-c1");

    private static List<String> command(ReleaseSpec spec) {
        return InstanceCommand.of(spec, ID, Path.of("/jdk/bin/java"), new HomeMarker(Path.of("/var/apollo")),
                8123, Path.of("/var/apollo/instances/web-service-c1")).command();
    }

    @Test
    void jitIsLeftToTheJvmAndTheServicesOptionsComeAfterOurs() {
        List<String> command = command(Fixtures.withOptions(Fixtures.spec(JAR.toUri()), List.of("--verbose"),
                List.of("-Xmx256m", "-Dport=${PORT}")));

        assertThat(command).noneMatch(option -> option.contains("TieredStopAtLevel") || option.contains("TieredCompilation"));
        assertThat(command).containsExactly("/jdk/bin/java",
                "-Xmx64m", "-XX:+UseSerialGC", "-Xshare:auto",
                "-Xmx256m", "-Dport=8123", // the service's own, last of their kind: the JVM takes the last
                "-Dapollo.home=/var/apollo", "-Dapollo.instance=web-service-c1",
                "-jar", JAR.toString(), "--verbose");
    }
}
