package dev.apollo.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.apollo.core.ApolloException;
import dev.apollo.server.Backends.SchedulerChoice;
import dev.apollo.server.Backends.StoreChoice;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** --scheduler and --store values to the backends a control plane opens (the flags and apollo.conf: ServerMainTest). */
class BackendsTest {
    private static final Path HOME = Path.of("/home/me/.apollo");

    @Test
    void theKnownValuesAreTaken() {
        assertThat(Backends.scheduler("local")).isEqualTo(new SchedulerChoice.Local());
        assertThat(Backends.scheduler("swarm")).isEqualTo(new SchedulerChoice.Swarm());
        assertThat(Backends.store("sqlite:apollo.db")).isEqualTo(new StoreChoice.Sqlite(Path.of("apollo.db")));
    }

    @Test
    void withoutAChoiceInstancesAreLocalProcessesAndTheStoreIsApolloDbInTheDataDir() {
        assertThat(Backends.DEFAULT_SCHEDULER).isEqualTo(new SchedulerChoice.Local());
        assertThat(((StoreChoice.Sqlite) Backends.DEFAULT_STORE).in(HOME)).isEqualTo(HOME.resolve("apollo.db"));
    }

    @Test
    void aRelativeSqlitePathIsInTheDataDirAndAnAbsoluteOneIsWhereItSays() {
        assertThat(sqlite("sqlite:other.db").in(HOME)).isEqualTo(Path.of("/home/me/.apollo/other.db"));
        assertThat(sqlite("sqlite:db/other.db").in(HOME)).isEqualTo(Path.of("/home/me/.apollo/db/other.db"));
        assertThat(sqlite("sqlite:/var/lib/apollo/apollo.db").in(HOME)).isEqualTo(Path.of("/var/lib/apollo/apollo.db"));
    }

    @Test
    void anUnknownValueIsRefusedWithTheKnownOnes() {
        assertThatThrownBy(() -> Backends.scheduler("kubernetes")).isInstanceOf(ApolloException.Invalid.class)
                .hasMessage("unknown scheduler 'kubernetes': known schedulers are local, swarm.");
        assertThatThrownBy(() -> Backends.store("postgresql://db.example/apollo")).isInstanceOf(ApolloException.Invalid.class)
                .hasMessage("unknown store 'postgresql://db.example/apollo': known stores are sqlite:PATH.");
        assertThatThrownBy(() -> Backends.store("apollo.db")).isInstanceOf(ApolloException.Invalid.class)
                .hasMessage("unknown store 'apollo.db': known stores are sqlite:PATH.");
        assertThatThrownBy(() -> Backends.store("sqlite:")).isInstanceOf(ApolloException.Invalid.class)
                .hasMessageStartingWith("store 'sqlite:': expected sqlite:PATH");
    }

    private static StoreChoice.Sqlite sqlite(String value) {
        return (StoreChoice.Sqlite) Backends.store(value);
    }
}
