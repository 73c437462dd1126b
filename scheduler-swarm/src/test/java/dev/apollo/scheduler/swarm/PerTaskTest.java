package dev.apollo.scheduler.swarm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.apollo.core.ApolloException;
import dev.apollo.core.model.EnvironmentName;
import dev.apollo.core.model.ReleaseId;
import dev.apollo.core.model.ServiceName;
import dev.apollo.core.model.Version;
import dev.apollo.core.port.ArtifactKind;
import dev.apollo.core.port.ReleaseSpec;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Per-instance values as Swarm templates and as shell words: what the engine and the shell are given. */
class PerTaskTest {
    private static final ReleaseSpec RELEASE = new ReleaseSpec(new ReleaseId(3), EnvironmentName.PRODUCTION,
            ServiceName.of("web"), Version.of("1.0.0"), ArtifactKind.JAR, URI.create("file:/tmp/web.jar"), 64,
            Map.of("APOLLO_SERVICE", "web", "GREETING", "{{.Node.ID}} ${APOLLO_SERVICE} $$1"),
            Map.of("DB_PASSWORD", "it's ${PORT}"), List.of("--port=${PORT}", "it's", ""), List.of("-Did=${APOLLO_INSTANCE_ID}"));

    @Test
    void literalBracesNeverOpenATemplateActionAndPerInstanceValuesAreLookedUp() {
        assertThat(PerTask.swarmTemplate(PerTask.pieces("{{.Node.ID}} ${APOLLO_SERVICE} $$1", RELEASE), "web"))
                .isEqualTo("{{\"{\"}}{{\"{\"}}.Node.ID}} web $1");
        assertThat(PerTask.swarmTemplate(PerTask.pieces("x{${PORT}}/${APOLLO_INSTANCE_ID}", RELEASE), "web"))
                .isEqualTo("x{{\"{\"}}" + PerTask.PORT_TEMPLATE + "}/web-{{.Task.ID}}");
    }

    @Test
    void theEnvironmentHoldsTemplatesForThePlatformsValuesAndNoSecret() {
        assertThat(ReleaseService.environment(RELEASE, "web"))
                .contains("PORT=" + PerTask.PORT_TEMPLATE, "APOLLO_INSTANCE_ID=web-{{.Task.ID}}")
                .noneMatch(entry -> entry.startsWith("DB_PASSWORD"));
    }

    @Test
    void theLaunchLineQuotesEveryLiteralAndReadsSecretsFromTheirFiles() {
        List<String> command = LaunchCommand.of(RELEASE);

        assertThat(command.subList(0, 2)).containsExactly("/bin/sh", "-c");
        assertThat(command.get(2))
                .startsWith("DB_PASSWORD=\"$(/bin/cat '/run/secrets/DB_PASSWORD' && printf x)\" || exit 125; ")
                .contains("'-Did='\"$APOLLO_INSTANCE_ID\"")
                .endsWith("'-jar' '/app/app.jar' '--port='\"$PORT\" 'it'\\''s' ''")
                .doesNotContain("it's ${PORT}");
    }

    @Test
    void aValueWithTheReservedCharactersIsRefused() {
        assertThatThrownBy(() -> PerTask.pieces("a\uE000b", RELEASE)).isInstanceOf(ApolloException.Invalid.class);
    }

    @Test
    void instanceIdsFitEvenForTheLongestServiceName() {
        String longest = "s".repeat(63);
        assertThat(PerTask.instanceIdPrefix(longest) + "-" + "t".repeat(25)).hasSizeLessThanOrEqualTo(80);
    }
}
