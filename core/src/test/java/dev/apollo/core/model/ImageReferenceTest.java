package dev.apollo.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.apollo.core.ApolloException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ImageReferenceTest {

    @ParameterizedTest
    @ValueSource(strings = {"orders", "acme/orders:1.4", "registry.example:5000/team/orders:1.4-rc_1",
            "localhost/a/b/c", "acme/my_service__x-y:latest",
            "orders@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"})
    void referencesAsEnginesWriteThemAreTaken(String reference) {
        assertThat(ImageReference.of(reference).value()).isEqualTo(reference);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "Acme/orders", "acme orders", "-rm", "acme/../orders", "acme//orders", "acme/orders:",
            "acme/orders:-1", "acme/orders@sha256:short", "orders\n", "acme/orders:1;rm -rf /"})
    void anythingElseIsRefusedWithAnExample(String reference) {
        assertThatThrownBy(() -> ImageReference.of(reference))
                .isInstanceOf(ApolloException.Invalid.class)
                .hasMessageContaining("expected an image reference such as acme/orders:1.4");
    }

    @Test
    void aVeryLongReferenceIsRefusedAndQuotedOnlyInPart() {
        String tooLong = "a".repeat(300);

        assertThatThrownBy(() -> ImageReference.of(tooLong))
                .hasMessageContaining("at most 255 characters")
                .hasMessageNotContaining(tooLong);
    }
}
