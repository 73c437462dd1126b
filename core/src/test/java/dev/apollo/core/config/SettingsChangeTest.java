package dev.apollo.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SettingsChangeTest {
    private static final VariableName URL = VariableName.of("DATABASE_URL");
    private static final VariableName MODE = VariableName.of("MODE");
    private static final VariableName LEVEL = VariableName.of("LOG_LEVEL");
    private static final VariableName PASSWORD = VariableName.of("DB_PASSWORD");
    private static final VariableName TOKEN = VariableName.of("API_TOKEN");

    @Test
    void namesWhatWasAddedChangedAndRemovedAndNeverAValue() {
        RunSettings before = RunSettings.of(Map.of(URL, "jdbc:one", MODE, "slow"), Map.of(), List.of("--a"), List.of(),
                Map.of(PASSWORD, 1, TOKEN, 4));
        RunSettings after = RunSettings.of(Map.of(URL, "jdbc:two", LEVEL, "debug"), Map.of(), List.of("--b"),
                List.of("-Xss1m"), Map.of(PASSWORD, 2));

        assertThat(SettingsChange.between(before, after)).containsExactly(
                "DATABASE_URL changed", "LOG_LEVEL added", "MODE removed",
                "secret API_TOKEN removed", "secret DB_PASSWORD v1 -> v2",
                "arguments now --b", "JVM options now -Xss1m");
        assertThat(String.join(" ", SettingsChange.between(before, after))).doesNotContain("jdbc:", "debug");
    }

    @Test
    void theSameSettingsChangeNothing() {
        RunSettings settings = RunSettings.of(Map.of(URL, "x"), Map.of(), List.of(), List.of(), Map.of(PASSWORD, 1));
        assertThat(SettingsChange.between(settings, settings)).isEmpty();
    }
}
