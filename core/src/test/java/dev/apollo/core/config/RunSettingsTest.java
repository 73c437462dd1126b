package dev.apollo.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.apollo.core.ApolloException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RunSettingsTest {
    private static final VariableName URL = VariableName.of("DATABASE_URL");
    private static final VariableName MODE = VariableName.of("MODE");
    private static final VariableName PASSWORD = VariableName.of("DB_PASSWORD");

    @Test
    void theDeploysOwnVariablesWinOverTheStoredConfiguration() {
        RunSettings settings = RunSettings.of(Map.of(URL, "jdbc:stored", MODE, "slow"), Map.of(MODE, "fast"), List.of("--x"),
                List.of("-Xss1m"), Map.of(PASSWORD, 2));

        assertThat(settings.variables()).containsExactly(Map.entry(URL, "jdbc:stored"), Map.entry(MODE, "fast"));
        assertThat(settings.overrides()).containsExactly(Map.entry(MODE, "fast"));
        assertThat(settings.secrets()).containsExactly(Map.entry(PASSWORD, 2));
    }

    @Test
    void aSecretWinsOverAStoredVariableOfItsNameAndADeployVariableOverBoth() {
        RunSettings secretWins = RunSettings.of(Map.of(PASSWORD, "plain"), Map.of(), List.of(), List.of(), Map.of(PASSWORD, 1));
        RunSettings deployWins = RunSettings.of(Map.of(), Map.of(PASSWORD, "given"), List.of(), List.of(), Map.of(PASSWORD, 1));

        assertThat(secretWins.variables()).isEmpty();
        assertThat(secretWins.secrets()).containsKey(PASSWORD);
        assertThat(deployWins.variables()).containsEntry(PASSWORD, "given");
        assertThat(deployWins.secrets()).isEmpty();
    }

    @Test
    void equalSettingsAreEqualWhateverOrderTheyCameIn() {
        assertThat(RunSettings.of(Map.of(URL, "a", MODE, "b"), Map.of(), List.of(), List.of(), Map.of()))
                .isEqualTo(RunSettings.of(Map.of(MODE, "b", URL, "a"), Map.of(), List.of(), List.of(), Map.of()));
    }

    @Test
    void badSettingsAreRefusedNamingWhatIsWrong() {
        assertThatThrownBy(() -> RunSettings.of(Map.of(URL, "${NOPE}"), Map.of(), List.of(), List.of(), Map.of()))
                .isInstanceOf(ApolloException.Invalid.class).hasMessageContaining("value of DATABASE_URL");
        assertThatThrownBy(() -> RunSettings.of(Map.of(), Map.of(), List.of(), List.of("UseZGC"), Map.of()))
                .isInstanceOf(ApolloException.Invalid.class).hasMessageContaining("JVM option 'UseZGC'").hasMessageContaining("--arg");
        assertThatThrownBy(() -> RunSettings.of(Map.of(), Map.of(), List.of("a\0b"), List.of(), Map.of()))
                .isInstanceOf(ApolloException.Invalid.class).hasMessageContaining("NUL");
    }

    @Test
    void thePlatformsOwnVariablesAreReserved() {
        for (String reserved : List.of("PORT", "RPC_INT", "APOLLO_ENV", "APOLLO_ANYTHING")) {
            assertThatThrownBy(() -> VariableName.of(reserved)).isInstanceOf(ApolloException.Invalid.class)
                    .hasMessageContaining("reserved").hasMessageContaining("SERVER_PORT='${PORT}'");
        }
        for (String malformed : List.of("", "1ABC", "A-B", "A B", "A=B")) {
            assertThatThrownBy(() -> VariableName.of(malformed)).isInstanceOf(ApolloException.Invalid.class)
                    .hasMessageContaining("variable name");
        }
    }
}
