package dev.apollo.artifacts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.apollo.core.ApolloException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafePathsTest {
    @TempDir
    Path base;

    @Test
    void pathsBelowTheBaseAreAllowed() {
        assertThat(SafePaths.below(base, "web-service", "1.0.0"))
                .isEqualTo(base.toAbsolutePath().normalize().resolve("web-service/1.0.0"));
    }

    @Test
    void segmentsThatClimbOutAreRefused() {
        assertThatThrownBy(() -> SafePaths.below(base, "web-service", "../../etc"))
                .isInstanceOf(ApolloException.Invalid.class)
                .hasMessageContaining("would leave");
    }

    @Test
    void absoluteSegmentsAreRefused() {
        assertThatThrownBy(() -> SafePaths.below(base, "/etc/passwd")).isInstanceOf(ApolloException.Invalid.class);
    }

    @Test
    void theBaseItselfIsRefused() {
        assertThatThrownBy(() -> SafePaths.below(base, "x", "..")).isInstanceOf(ApolloException.Invalid.class);
    }
}
