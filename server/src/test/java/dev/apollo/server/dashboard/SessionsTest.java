package dev.apollo.server.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import dev.apollo.testkit.ManualClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class SessionsTest {
    private final ManualClock clock = new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final Sessions sessions = new Sessions(clock);

    @Test
    void aLinkLogsInOnceAndOnlyOnce() {
        Sessions.Link link = sessions.newLink();

        Sessions.Session session = sessions.redeem(link.code()).orElseThrow();

        assertThat(sessions.redeem(link.code())).isEmpty();
        assertThat(sessions.find(session.id())).contains(session);
        assertThat(session.id()).isNotEqualTo(link.code()).isNotEqualTo(session.csrf());
    }

    @Test
    void aLinkExpiresAfterAMinute() {
        Sessions.Link link = sessions.newLink();
        clock.advance(Sessions.LINK_LIFETIME);

        assertThat(sessions.redeem(link.code())).isEmpty();
    }

    @Test
    void aSessionEndsAtItsLifetimeOrWhenLoggedOut() {
        Sessions.Session kept = sessions.redeem(sessions.newLink().code()).orElseThrow();
        Sessions.Session ended = sessions.redeem(sessions.newLink().code()).orElseThrow();

        sessions.end(ended.id());
        clock.advance(Sessions.SESSION_LIFETIME.minus(Duration.ofSeconds(1)));

        assertThat(sessions.find(ended.id())).isEmpty();
        assertThat(sessions.find(kept.id())).isPresent();
        clock.advance(Duration.ofSeconds(1));
        assertThat(sessions.find(kept.id())).isEmpty();
    }

    @Test
    void unknownCodesAndIdsFindNothing() {
        assertThat(sessions.redeem("nope")).isEmpty();
        assertThat(sessions.redeem(null)).isEmpty();
        assertThat(sessions.find(null)).isEmpty();
        assertThat(sessions.find("nope")).isEmpty();
    }

    @Test
    void theCsrfTokenIsCheckedExactly() {
        Sessions.Session session = sessions.redeem(sessions.newLink().code()).orElseThrow();

        assertThat(session.acceptsCsrf(session.csrf())).isTrue();
        assertThat(session.acceptsCsrf(null)).isFalse();
        assertThat(session.acceptsCsrf("")).isFalse();
        assertThat(session.acceptsCsrf(session.csrf() + "x")).isFalse();
    }
}
