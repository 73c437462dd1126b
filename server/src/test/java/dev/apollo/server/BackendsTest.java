package dev.apollo.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.apollo.core.ApolloException;
import dev.apollo.server.Backends.SchedulerChoice;
import dev.apollo.server.Backends.StoreChoice;
import dev.apollo.store.postgres.PostgresLocation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** --scheduler and --store values to the backends a control plane opens (the flags and apollo.conf: ServerMainTest). */
class BackendsTest {
    private static final Path HOME = Path.of("/home/me/.apollo");

    @Test
    void controlPlanesSharingADatabaseShareTheSwarmNamespaceOfItsClusterIdNotOfTheirDataDirs() {
        assertThat(Backends.swarmNamespace("0f3a9c1e77d24b6a9e0c5d1f2a3b4c5d")).isEqualTo("apollo-0f3a9c1e");
        assertThatThrownBy(() -> Backends.swarmNamespace("../x")).hasMessageContaining("'../x'");
    }

    @Test
    void theKnownValuesAreTaken() {
        assertThat(Backends.scheduler("local")).isEqualTo(new SchedulerChoice.Local());
        assertThat(Backends.scheduler("swarm")).isEqualTo(new SchedulerChoice.Swarm());
        assertThat(Backends.store("sqlite:apollo.db")).isEqualTo(new StoreChoice.Sqlite(Path.of("apollo.db")));
        assertThat(Backends.store("postgresql://db.example:5433/apollo?user=apollo")).isEqualTo(new StoreChoice.Postgres(
                new PostgresLocation("db.example", 5433, "apollo", "apollo", Map.of())));
    }

    @Test
    void aPostgresPasswordComesFromTheFileElseTheVariableAndNeverFromTheUrl(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("store-password");
        Files.writeString(file, "from-the-file\nignored second line\n");

        assertThat(Backends.password(Optional.of(file), "from-the-variable")).isEqualTo("from-the-file");
        assertThat(Backends.password(Optional.empty(), "from-the-variable")).isEqualTo("from-the-variable");
        assertThat(Backends.password(Optional.empty(), null)).isNull();
        assertThatThrownBy(() -> Backends.password(Optional.of(dir.resolve("missing")), null))
                .isInstanceOf(ApolloException.Invalid.class).hasMessageContaining("--store-password-file")
                .hasMessageContaining("APOLLO_STORE_PASSWORD");
        assertThatThrownBy(() -> Backends.store("postgresql://apollo:secret@db.example/apollo?user=apollo"))
                .isInstanceOf(ApolloException.Invalid.class).hasMessageContaining("never on the command line");
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
                .hasMessageStartingWith("store 'postgresql://db.example/apollo': no user: add ?user=USER.");
        assertThatThrownBy(() -> Backends.store("mysql://db.example/apollo")).isInstanceOf(ApolloException.Invalid.class)
                .hasMessage("unknown store 'mysql://db.example/apollo': known stores are sqlite:PATH and"
                        + " postgresql://HOST:PORT/DB?user=U.");
        assertThatThrownBy(() -> Backends.store("apollo.db")).isInstanceOf(ApolloException.Invalid.class)
                .hasMessage("unknown store 'apollo.db': known stores are sqlite:PATH and postgresql://HOST:PORT/DB?user=U.");
        assertThatThrownBy(() -> Backends.store("sqlite:")).isInstanceOf(ApolloException.Invalid.class)
                .hasMessageStartingWith("store 'sqlite:': expected sqlite:PATH");
    }

    private static StoreChoice.Sqlite sqlite(String value) {
        return (StoreChoice.Sqlite) Backends.store(value);
    }
}
