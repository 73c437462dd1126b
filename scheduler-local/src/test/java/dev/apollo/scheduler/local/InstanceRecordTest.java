package dev.apollo.scheduler.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.apollo.core.model.InstanceId;
import dev.apollo.core.model.Address;
import dev.apollo.core.port.ObservedInstance.Exit;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InstanceRecordTest {
    @TempDir
    Path dir;

    @Test
    void survivesARoundTripThroughItsFile() throws IOException {
        Instant now = Instant.parse("2025-01-02T03:04:05.123Z");
        InstanceRecord record = InstanceRecord.starting(new InstanceId("web-service-1"), Fixtures.spec(dir.resolve("a b.jar").toUri()),
                        Optional.of(new Address("127.0.0.1", 40123)), now)
                .withPid(4242)
                .withStopRequested(now.plusSeconds(10))
                .withExit(Optional.of(new Exit(143, "stopped by the platform", now.plusSeconds(1))));

        record.write(dir);

        assertThat(InstanceRecord.read(dir)).isEqualTo(record);
        assertThat(dir.resolve(InstanceRecord.FILE + ".tmp")).doesNotExist();
    }

    @Test
    void aRecordWithoutAddressOrPidReadsBackAsSuch() throws IOException {
        InstanceRecord record = InstanceRecord.starting(new InstanceId("web-service-2"), Fixtures.spec(dir.toUri()),
                Optional.empty(), Instant.EPOCH);

        record.write(dir);

        assertThat(InstanceRecord.read(dir)).isEqualTo(record);
    }

    @Test
    void aMalformedRecordIsAnIoErrorNamingTheFile() throws IOException {
        Files.writeString(dir.resolve(InstanceRecord.FILE), "id=web-service-3\n");

        assertThatThrownBy(() -> InstanceRecord.read(dir))
                .isInstanceOf(IOException.class)
                .hasMessageContaining(InstanceRecord.FILE)
                .hasMessageContaining("'release' is missing");
    }
}
