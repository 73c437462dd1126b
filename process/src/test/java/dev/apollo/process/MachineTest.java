package dev.apollo.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class MachineTest {

    @Test
    void thisMachineIsItsHostnameAndTheKernelsBootIdAndReadsBackAsWritten() throws Exception {
        Machine here = Machine.current();
        assertThat(here.bootId()).isEqualTo(Files.readString(Path.of("/proc/sys/kernel/random/boot_id")).strip());
        assertThat(Machine.current()).isEqualTo(here);
        assertThat(Machine.parse(here.toString())).isEqualTo(here);
    }

    @Test
    void aValueWithoutItsBootIdIsRefusedNamingTheExpectedForm() {
        assertThatThrownBy(() -> Machine.parse("host-1")).hasMessageContaining("'host-1'").hasMessageContaining("HOSTNAME/BOOT_ID");
    }
}
