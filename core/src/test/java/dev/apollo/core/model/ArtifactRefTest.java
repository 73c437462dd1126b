package dev.apollo.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.apollo.core.ApolloException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ArtifactRefTest {

    @Test
    void parsesNameAndVersion() {
        ArtifactRef ref = ArtifactRef.parse("web-service:1.6.0");
        assertThat(ref).isEqualTo(new ArtifactRef.Stored(ServiceName.of("web-service"), Version.of("1.6.0")));
        assertThat(ref.coordinates()).isEqualTo("web-service:1.6.0");
    }

    @Test
    void parsesMavenCoordinatesAndNamesTheServiceAfterTheArtifact() {
        ArtifactRef ref = ArtifactRef.parse("com.example:web-service:2.0.0-rc.1");
        assertThat(ref).isInstanceOf(ArtifactRef.Maven.class);
        assertThat(ref.name()).isEqualTo(ServiceName.of("web-service"));
        assertThat(ref.version().value()).isEqualTo("2.0.0-rc.1");
        assertThat(ref.coordinates()).isEqualTo("com.example:web-service:2.0.0-rc.1");
    }

    @ParameterizedTest
    @ValueSource(strings = {"web-service", "web-service:", ":1.0", "a:b:c:d", "Web_Svc:1.0", "web-service:../1", "web-service:1/2",
            "-web:1.0", "bad group:web:1.0", ""})
    void refusesMalformedInputWithAMessageThatShowsTheExpectedShape(String text) {
        assertThatThrownBy(() -> ArtifactRef.parse(text))
                .isInstanceOf(ApolloException.Invalid.class)
                .hasMessageContaining("expected");
    }

    @Test
    void nameErrorsNameTheValueAndTheRule() {
        assertThatThrownBy(() -> ServiceName.of("Web_Svc"))
                .hasMessage("service name 'Web_Svc': expected 1 to 63 characters of [a-z0-9-], starting and ending with"
                        + " a letter or digit (e.g. web-service).");
    }

    @ParameterizedTest
    @ValueSource(strings = {"..", "1..2", "a/b", "/etc", "1.0 ", ".hidden"})
    void versionsCannotEscapeADirectory(String version) {
        assertThatThrownBy(() -> Version.of(version)).isInstanceOf(ApolloException.Invalid.class);
    }

    @Test
    void releaseIdsPrintAndParseAsRn() {
        assertThat(new ReleaseId(12).toString()).isEqualTo("r12");
        assertThat(ReleaseId.parse("r12")).isEqualTo(new ReleaseId(12));
        assertThat(ReleaseId.parse("12")).isEqualTo(new ReleaseId(12));
        assertThatThrownBy(() -> ReleaseId.parse("rx")).isInstanceOf(ApolloException.Invalid.class);
    }
}
