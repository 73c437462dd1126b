package dev.apollo.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.apollo.core.ApolloException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PlaceholdersTest {
    private static final Map<String, String> GIVEN = Map.of("PORT", "41234", "APOLLO_ENV", "stage1");

    @Test
    void aPlaceholderIsReplacedByTheVariableItNames() {
        assertThat(Placeholders.expand("--server.port=${PORT}", GIVEN)).isEqualTo("--server.port=41234");
        assertThat(Placeholders.expand("${APOLLO_ENV}-${PORT}${PORT}", GIVEN)).isEqualTo("stage1-4123441234");
    }

    @Test
    void twoDollarsAreOneAndEverythingElseIsLeftAsWritten() {
        assertThat(Placeholders.expand("costs $$5, $HOME, ${NOT_GIVEN}", GIVEN)).isEqualTo("costs $5, $HOME, ${NOT_GIVEN}");
        assertThat(Placeholders.expand("a $ alone", GIVEN)).isEqualTo("a $ alone");
    }

    @Test
    void aValueMayReferOnlyToWhatEveryInstanceIsGiven() {
        assertThat(Placeholders.check("value", "jdbc://${APOLLO_ENV}.db:${PORT} $$")).isEqualTo("jdbc://${APOLLO_ENV}.db:${PORT} $$");
        assertThatThrownBy(() -> Placeholders.check("value of X", "${DATABASE}")).isInstanceOf(ApolloException.Invalid.class)
                .hasMessageContaining("${DATABASE}").hasMessageContaining("known: APOLLO_ENV").hasMessageContaining("$$");
        assertThatThrownBy(() -> Placeholders.check("argument", "--port=${PORT")).isInstanceOf(ApolloException.Invalid.class)
                .hasMessageContaining("unclosed");
    }
}
