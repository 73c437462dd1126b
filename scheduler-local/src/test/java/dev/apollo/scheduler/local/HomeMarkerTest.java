package dev.apollo.scheduler.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class HomeMarkerTest {

    /** A just-started process may not have exec'd java yet; its arguments are known once it has. */
    static boolean hasArguments(ProcessHandle process) {
        return process.info().arguments().map(args -> args.length > 0 && String.join(" ", args).contains("-jar"))
                .orElse(false);
    }

    @Test
    void theCurrentJvmIsNeverOneOfOurInstances() {
        HomeMarker marker = new HomeMarker(Path.of("/tmp/anything"));

        assertThat(marker.instanceOf(ProcessHandle.current())).isEmpty();
    }

    @Test
    void homeArgumentNamesTheWholeDirectory() {
        assertThat(new HomeMarker(Path.of("/var/apollo")).homeArgument()).isEqualTo("-Dapollo.home=/var/apollo");
    }
}
