package dev.apollo.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.apollo.core.ApolloException;
import dev.apollo.server.Backends.SchedulerChoice;
import dev.apollo.server.Backends.StoreChoice;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** --scheduler and --store (and their apollo.conf keys) to the backends a control plane opens. */
class BackendsTest {
    @TempDir
    Path home;

    private ServerConfig parse(String... flags) {
        String[] all = new String[flags.length + 2];
        all[0] = "--home";
        all[1] = home.toString();
        System.arraycopy(flags, 0, all, 2, flags.length);
        return ServerMain.parse(all);
    }

    @Test
    void withoutAChoiceInstancesAreLocalProcessesAndTheStoreIsApolloDbInTheDataDir() {
        ServerConfig config = parse();

        assertThat(config.scheduler()).isEqualTo(new SchedulerChoice.Local());
        assertThat(config.store()).isEqualTo(new StoreChoice.Sqlite(Path.of("apollo.db")));
        assertThat(((StoreChoice.Sqlite) config.store()).in(config.home())).isEqualTo(home.resolve("apollo.db"));
    }

    @Test
    void theKnownValuesAreTaken() {
        assertThat(Backends.scheduler("local")).isEqualTo(new SchedulerChoice.Local());
        assertThat(Backends.store("sqlite:apollo.db")).isEqualTo(new StoreChoice.Sqlite(Path.of("apollo.db")));
    }

    @Test
    void aRelativeSqlitePathIsInTheDataDirAndAnAbsoluteOneIsWhereItSays() {
        StoreChoice.Sqlite relative = (StoreChoice.Sqlite) parse("--store", "sqlite:other.db").store();
        StoreChoice.Sqlite nested = (StoreChoice.Sqlite) parse("--store", "sqlite:db/other.db").store();
        StoreChoice.Sqlite absolute = (StoreChoice.Sqlite) parse("--store", "sqlite:/var/lib/apollo/apollo.db").store();

        assertThat(relative.in(home)).isEqualTo(home.resolve("other.db"));
        assertThat(nested.in(home)).isEqualTo(home.resolve("db/other.db"));
        assertThat(absolute.in(home)).isEqualTo(Path.of("/var/lib/apollo/apollo.db"));
    }

    @Test
    void anUnknownValueIsRefusedWithTheKnownOnes() {
        assertThatThrownBy(() -> parse("--scheduler", "swarm")).isInstanceOf(ApolloException.Invalid.class)
                .hasMessage("unknown scheduler 'swarm': known schedulers are local.");
        assertThatThrownBy(() -> parse("--store", "postgresql://db.example/apollo")).isInstanceOf(ApolloException.Invalid.class)
                .hasMessage("unknown store 'postgresql://db.example/apollo': known stores are sqlite:PATH.");
        assertThatThrownBy(() -> parse("--store", "apollo.db")).isInstanceOf(ApolloException.Invalid.class)
                .hasMessage("unknown store 'apollo.db': known stores are sqlite:PATH.");
        assertThatThrownBy(() -> parse("--store", "sqlite:")).isInstanceOf(ApolloException.Invalid.class)
                .hasMessageStartingWith("store 'sqlite:': expected sqlite:PATH");
    }

    @Test
    void theConfigFileChoosesAndFlagsWin() throws IOException {
        Files.writeString(home.resolve("apollo.conf"), """
                scheduler = local
                store = sqlite:/srv/apollo/state.db   # on the disk that is backed up
                """);

        assertThat(parse().store()).isEqualTo(new StoreChoice.Sqlite(Path.of("/srv/apollo/state.db")));
        assertThat(parse("--store", "sqlite:mine.db").store()).isEqualTo(new StoreChoice.Sqlite(Path.of("mine.db")));
    }

    @Test
    void anUnknownValueInTheConfigFileIsRefusedToo() throws IOException {
        Files.writeString(home.resolve("apollo.conf"), "scheduler = swarm\n");

        assertThatThrownBy(this::parse).isInstanceOf(ApolloException.Invalid.class)
                .hasMessage("unknown scheduler 'swarm': known schedulers are local.");
        // As with gateway =, the file is wrong whether or not a flag would have won over that line.
        assertThatThrownBy(() -> parse("--scheduler", "local")).isInstanceOf(ApolloException.Invalid.class)
                .hasMessageContaining("'swarm'");
    }
}
