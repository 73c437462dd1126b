package dev.apollo.server.dashboard;

import java.security.MessageDigest;
import java.security.SecureRandom;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The dashboard's logins: one-time links and the browser sessions they are exchanged for.
 *
 * <p>A link carries a random code, never the API token: the code is good once and for a minute, so
 * the URL left in the browser's history or a terminal's scrollback opens nothing. A session is a
 * random id in an HttpOnly cookie plus a CSRF token the page must echo on every write. Both live in
 * memory only: a restarted control plane asks the browser to log in again, which is cheaper than
 * storing secrets that outlive the process.
 */
public final class Sessions {
    public static final Duration LINK_LIFETIME = Duration.ofSeconds(60);
    public static final Duration SESSION_LIFETIME = Duration.ofHours(12);
    private static final int MAX_SESSIONS = 1_000;

    /** One logged-in browser; {@code csrf} is what its page sends back in X-Apollo-CSRF on writes. */
    public record Session(String id, String csrf, Instant expiresAt) {
        public boolean acceptsCsrf(String given) {
            return given != null && MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8),
                    csrf.getBytes(StandardCharsets.UTF_8));
        }
    }

    /** A login link's code and until when it may be used. */
    public record Link(String code, Instant expiresAt) {}

    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, Instant> links = new ConcurrentHashMap<>();
    private final Map<String, Session> sessions = new ConcurrentHashMap<>();

    public Sessions(Clock clock) {
        this.clock = clock;
    }

    public Link newLink() {
        purge();
        Link link = new Link(randomId(), clock.instant().plus(LINK_LIFETIME));
        links.put(link.code(), link.expiresAt());
        return link;
    }

    /** Exchanges a link's code for a new session; empty when the code is unknown, used or expired. */
    public Optional<Session> redeem(String code) {
        if (code == null) {
            return Optional.empty();
        }
        Instant expiresAt = links.remove(code); // removed first: a second use finds nothing, even concurrently
        if (expiresAt == null || !clock.instant().isBefore(expiresAt)) {
            return Optional.empty();
        }
        purge();
        if (sessions.size() >= MAX_SESSIONS) {
            sessions.values().stream().min(java.util.Comparator.comparing(Session::expiresAt))
                    .ifPresent(oldest -> sessions.remove(oldest.id()));
        }
        Session session = new Session(randomId(), randomId(), clock.instant().plus(SESSION_LIFETIME));
        sessions.put(session.id(), session);
        return Optional.of(session);
    }

    public Optional<Session> find(String id) {
        if (id == null) {
            return Optional.empty();
        }
        Session session = sessions.get(id);
        if (session == null || !clock.instant().isBefore(session.expiresAt())) {
            return Optional.empty();
        }
        return Optional.of(session);
    }

    public void end(String id) {
        sessions.remove(id);
    }

    private void purge() {
        Instant now = clock.instant();
        links.values().removeIf(expiry -> !now.isBefore(expiry));
        sessions.values().removeIf(session -> !now.isBefore(session.expiresAt()));
    }

    private String randomId() {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
