package dev.apollo.testkit;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.apollo.core.ApolloException;
import org.assertj.core.api.AbstractThrowableAssert;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;

/**
 * How the contracts check an error: by its type (which decides the HTTP status and the exit code)
 * and by the words that name the culprit, never by whole sentences, so that each backend words its
 * messages its own way.
 */
public final class Refusals {
    private Refusals() {}

    public static void assertRefused(ThrowingCallable call, Class<? extends ApolloException> type, String... words) {
        AbstractThrowableAssert<?, ? extends Throwable> refusal = assertThatThrownBy(call).isInstanceOf(type);
        for (String word : words) {
            refusal.hasMessageContaining(word);
        }
    }
}
