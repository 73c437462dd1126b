package dev.apollo.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** apollo up's --store and --scheduler: the backend chosen is the one used, an unknown one is refused before anything runs. */
class BackendsIT {

    @Test
    void theStoreIsTheSqliteFileChosen(@TempDir Path home) {
        try (Apollo apollo = Apollo.up(home, "--store", "sqlite:other.db")) {
            apollo.ok("env", "create", "stage1");
            assertThat(home.resolve("other.db")).exists();
            assertThat(home.resolve("apollo.db")).doesNotExist();
        }
        // The state lives in other.db: a control plane on it knows stage1, one on the default apollo.db does not.
        try (Apollo again = Apollo.up(home, "--store", "sqlite:other.db")) {
            assertThat(again.ok("env", "list").out()).contains("stage1");
        }
        try (Apollo byDefault = Apollo.up(home)) {
            assertThat(byDefault.ok("env", "list").out()).contains("production").doesNotContain("stage1");
            assertThat(home.resolve("apollo.db")).exists();
        }
    }

    @Test
    void anUnknownSchedulerIsRefusedWithTheKnownOnes(@TempDir Path home) {
        Apollo.Result refused = Apollo.in(home).cli("up", "--detach", "--listen", "127.0.0.1:0", "--web", "127.0.0.1:0",
                "--rpc", "127.0.0.1:0", "--scheduler", "nope");

        assertThat(refused.exit()).as(refused.all()).isEqualTo(2);
        assertThat(refused.err()).isEqualTo("apollo: unknown scheduler 'nope': known schedulers are local, swarm.\n"
                + "See 'apollo up --help'.\n");
        assertThat(refused.out()).isEmpty();
        assertThat(home.resolve("server.json")).doesNotExist();
    }
}
