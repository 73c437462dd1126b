package dev.apollo.scheduler.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.apollo.core.model.InstanceId;
import dev.apollo.core.model.Address;
import dev.apollo.core.port.ObservedInstance.Exit;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AdoptionTest {
    private static final Instant STARTED = Instant.parse("2025-01-01T00:00:00Z");
    private static final Instant NOW = Instant.parse("2025-01-01T01:00:00Z");
    private static final ProcessHandle ONE = ProcessHandle.current();
    private static final ProcessHandle OTHER = ProcessHandle.current().parent().orElseThrow();

    private static InstanceRecord record() {
        return InstanceRecord.starting(new InstanceId("web-service-1"), Fixtures.spec(URI.create("file:/x.jar")),
                Optional.of(new Address("127.0.0.1", 40000)), STARTED);
    }

    @Test
    void adoptsTheProcessWithTheRecordedPidAndKillsOtherCarriersOfTheId() {
        Adoption adoption = Adoption.of(record().withPid(ONE.pid()), List.of(OTHER, ONE), NOW);

        assertThat(adoption.process()).contains(ONE);
        assertThat(adoption.strays()).containsExactly(OTHER);
        assertThat(adoption.record()).isEqualTo(record().withPid(ONE.pid()));
    }

    @Test
    void adoptsAProcessStartedBeforeItsPidWasRecorded() {
        Adoption adoption = Adoption.of(record(), List.of(ONE), NOW);

        assertThat(adoption.process()).contains(ONE);
        assertThat(adoption.record().pid()).contains(ONE.pid());
        assertThat(adoption.record().running()).isTrue();
    }

    @Test
    void aRecordedPidWithoutOurMarkerIsNotAdopted() {
        // The pid was reused by some other process: only carriers of the marker count.
        Adoption adoption = Adoption.of(record().withPid(OTHER.pid()), List.of(), NOW);

        assertThat(adoption.process()).isEmpty();
        assertThat(adoption.record().exit()).hasValueSatisfying(exit -> {
            assertThat(exit.code()).isEqualTo(Exit.UNKNOWN_CODE);
            assertThat(exit.reason()).isEqualTo("exited while the control plane was down");
            assertThat(exit.at()).isEqualTo(NOW);
        });
    }

    @Test
    void anInstanceBeingStoppedThatIsGoneWasStoppedByThePlatform() {
        Adoption adoption = Adoption.of(record().withStopRequested(NOW), List.of(), NOW);

        assertThat(adoption.record().exit().orElseThrow().reason()).isEqualTo("stopped by the platform");
    }

    @Test
    void anExitAlreadyRecordedIsKept() {
        InstanceRecord exited = record().withExit(Optional.of(new Exit(1, "exited with code 1", STARTED)));

        assertThat(Adoption.of(exited, List.of(), NOW)).isEqualTo(new Adoption(exited, Optional.empty(), List.of()));
    }
}
