package dev.apollo.server.dashboard;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.apollo.api.Json;
import dev.apollo.api.Views.ErrorBody;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Everything under {@code /dashboard}: the login exchange, the page's files, and the REST API for a
 * logged-in browser at {@code /dashboard/v1/...}.
 *
 * <p>Without a session only the login page (and its stylesheet) is served. With one, API calls are
 * forwarded to the same router the CLI talks to, carrying the bearer token on the browser's behalf,
 * so every check and message is the CLI's. Writes also need the session's CSRF token in
 * {@code X-Apollo-CSRF} and, when the browser sends one, an {@code Origin} of this server: another
 * site can neither read the token nor make the browser send the cookie (SameSite=Strict).
 */
public final class DashboardGate implements HttpHandler {
    public static final String PREFIX = "/dashboard";
    static final String COOKIE = "apollo_session";
    static final String CSRF_HEADER = "X-Apollo-CSRF";
    /** The page's rules: scripts and styles only from this server, nothing inline, no frames, no other hosts. */
    static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self';"
            + " connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
    private static final Set<String> PUBLIC = Set.of("style.css", "logo.svg");
    private static final Set<String> SAFE_METHODS = Set.of("GET", "HEAD");
    /** API paths a browser session may not use: stopping the platform, and minting more logins. */
    private static final Set<String> NOT_FROM_A_BROWSER = Set.of("/v1/shutdown", "/v1/dashboard/links");

    private final HttpHandler api;
    private final Sessions sessions;
    private final String authorization;
    private final Assets assets = new Assets();

    public DashboardGate(HttpHandler api, Sessions sessions, String token) {
        this.api = api;
        this.sessions = sessions;
        this.authorization = "Bearer " + token;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getRawPath();
        if (!path.equals(PREFIX) && !path.startsWith(PREFIX + "/")) {
            api.handle(exchange); // a path like /dashboardx is the API's (and a 404 there)
            return;
        }
        try {
            secureHeaders(exchange);
            String rest = path.substring(PREFIX.length());
            Optional<Sessions.Session> session = sessions.find(cookie(exchange));
            if (rest.startsWith("/v1/")) {
                forward(exchange, rest, session);
            } else if (rest.isEmpty()) {
                redirect(exchange, PREFIX + "/");
            } else if (rest.equals("/login")) {
                login(exchange);
            } else if (rest.equals("/logout")) {
                logout(exchange, session);
            } else if (rest.equals("/session")) {
                if (session.isEmpty()) {
                    error(exchange, 401, "unauthorized", "not logged in: run 'apollo dashboard' for a login link.");
                } else {
                    json(exchange, 200, Map.of("csrf", session.get().csrf(), "expiresAt", session.get().expiresAt()));
                }
            } else {
                file(exchange, rest.equals("/") ? "index.html" : rest.substring(1), session.isPresent());
            }
        } finally {
            exchange.close();
        }
    }

    private void forward(HttpExchange exchange, String apiPath, Optional<Sessions.Session> session) throws IOException {
        if (session.isEmpty()) {
            error(exchange, 401, "unauthorized", "not logged in, or the session expired: run 'apollo dashboard' for a"
                    + " login link.");
            return;
        }
        if (NOT_FROM_A_BROWSER.contains(apiPath)) {
            error(exchange, 403, "forbidden", apiPath + " is not available from the dashboard; use the CLI.");
            return;
        }
        if (!SAFE_METHODS.contains(exchange.getRequestMethod())) {
            if (!session.get().acceptsCsrf(exchange.getRequestHeaders().getFirst(CSRF_HEADER))) {
                error(exchange, 403, "forbidden", "a write from the dashboard needs the session's " + CSRF_HEADER
                        + " header; reload the page (the dashboard sends it by itself).");
                return;
            }
            String origin = exchange.getRequestHeaders().getFirst("Origin");
            String host = exchange.getRequestHeaders().getFirst("Host");
            if (origin != null && !origin.equals("http://" + host)) {
                error(exchange, 403, "forbidden", "a write from origin " + origin + " is refused: only pages of this"
                        + " control plane (http://" + host + ") may write.");
                return;
            }
        }
        URI uri;
        try {
            String query = exchange.getRequestURI().getRawQuery();
            uri = new URI(apiPath + (query == null ? "" : "?" + query));
        } catch (URISyntaxException e) {
            error(exchange, 400, "invalid", "malformed request path: " + e.getMessage());
            return;
        }
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        api.handle(new ForwardedExchange(exchange, uri, authorization));
    }

    private void login(HttpExchange exchange) throws IOException {
        Optional<Sessions.Session> session = sessions.redeem(query(exchange, "code"));
        if (session.isEmpty()) {
            file(exchange, "login.html", false);
            return;
        }
        exchange.getResponseHeaders().add("Set-Cookie", COOKIE + "=" + session.get().id() + "; Path=" + PREFIX
                + "; Max-Age=" + Sessions.SESSION_LIFETIME.toSeconds() + "; HttpOnly; SameSite=Strict");
        redirect(exchange, PREFIX + "/"); // the code leaves the address bar at once
    }

    private void logout(HttpExchange exchange, Optional<Sessions.Session> session) throws IOException {
        if (!exchange.getRequestMethod().equals("POST")) {
            error(exchange, 405, "method_not_allowed", "log out with POST " + PREFIX + "/logout.");
            return;
        }
        if (session.isPresent() && session.get().acceptsCsrf(exchange.getRequestHeaders().getFirst(CSRF_HEADER))) {
            sessions.end(session.get().id());
        }
        exchange.getResponseHeaders().add("Set-Cookie", COOKIE + "=; Path=" + PREFIX + "; Max-Age=0; HttpOnly; SameSite=Strict");
        json(exchange, 200, Map.of("message", "logged out"));
    }

    private void file(HttpExchange exchange, String name, boolean loggedIn) throws IOException {
        boolean allowed = loggedIn || PUBLIC.contains(name);
        Optional<Assets.Asset> asset = allowed ? assets.get(name) : Optional.empty();
        int status = 200;
        if (asset.isEmpty()) {
            // Without a session every page is the login page; with one, an unknown file is a plain 404.
            asset = loggedIn ? Optional.empty() : assets.get("login.html");
            status = loggedIn ? 404 : 401;
        }
        if (asset.isEmpty()) {
            error(exchange, 404, "not_found", "no dashboard file " + name + ".");
            return;
        }
        exchange.getResponseHeaders().set("Content-Type", asset.get().contentType());
        exchange.getResponseHeaders().set("Cache-Control", name.endsWith(".html") ? "no-store" : "no-cache");
        send(exchange, status, asset.get().bytes());
    }

    private static void secureHeaders(HttpExchange exchange) {
        var headers = exchange.getResponseHeaders();
        headers.set("Content-Security-Policy", CONTENT_SECURITY_POLICY);
        headers.set("X-Content-Type-Options", "nosniff");
        headers.set("X-Frame-Options", "DENY");
        headers.set("Referrer-Policy", "no-referrer");
    }

    private static String cookie(HttpExchange exchange) {
        for (String header : exchange.getRequestHeaders().getOrDefault("Cookie", java.util.List.of())) {
            for (String pair : header.split(";")) {
                String trimmed = pair.strip();
                if (trimmed.startsWith(COOKIE + "=")) {
                    return trimmed.substring(COOKIE.length() + 1);
                }
            }
        }
        return null;
    }

    private static String query(HttpExchange exchange, String name) {
        String raw = exchange.getRequestURI().getRawQuery();
        if (raw == null) {
            return null;
        }
        for (String pair : raw.split("&")) {
            if (pair.startsWith(name + "=")) {
                return URLDecoder.decode(pair.substring(name.length() + 1), StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    private static void redirect(HttpExchange exchange, String location) throws IOException {
        exchange.getResponseHeaders().set("Location", location);
        exchange.sendResponseHeaders(303, -1);
    }

    private static void error(HttpExchange exchange, int status, String code, String message) throws IOException {
        json(exchange, status, new ErrorBody(code, message));
    }

    private static void json(HttpExchange exchange, int status, Object body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        send(exchange, status, Json.mapper().writeValueAsBytes(body));
    }

    private static void send(HttpExchange exchange, int status, byte[] bytes) throws IOException {
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
