package dev.apollo.artifacts;

import static org.assertj.core.api.Assertions.assertThat;

import dev.apollo.core.model.Version;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class VersionOrderTest {
    @Test
    void numericPartsCompareNumerically() {
        assertThat(sorted("1.10.0", "1.2.0", "1.9.0", "10.0", "2")).containsExactly("1.2.0", "1.9.0", "1.10.0", "2", "10.0");
    }

    @Test
    void hugeAndZeroPaddedNumbersDoNotOverflowOrCollapse() {
        assertThat(sorted("1.99999999999999999999", "1.3", "1.03")).containsExactly("1.03", "1.3", "1.99999999999999999999");
    }

    @Test
    void shorterPrefixComesFirst() {
        assertThat(sorted("1.0.1", "1.0")).containsExactly("1.0", "1.0.1");
    }

    private static List<String> sorted(String... versions) {
        return Stream.of(versions).map(Version::of).sorted(VersionOrder.INSTANCE).map(Version::value).toList();
    }
}
