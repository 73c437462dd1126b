package dev.apollo.server.dashboard;

import dev.apollo.api.Json;
import dev.apollo.api.Views.ErrorBody;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

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
public final class DashboardGate extends Handler.Wrapper {
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

    private final Sessions sessions;
    private final String authorization;
    private final Assets assets = new Assets();

    /** @param api the REST API's handler, which gets every request outside {@value #PREFIX} and the forwarded ones */
    public DashboardGate(Handler api, Sessions sessions, String token) {
        super(api);
        this.sessions = sessions;
        this.authorization = "Bearer " + token;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        String path = request.getHttpURI().getPath();
        if (path == null || !path.equals(PREFIX) && !path.startsWith(PREFIX + "/")) {
            return super.handle(request, response, callback); // a path like /dashboardx is the API's (and a 404 there)
        }
        secureHeaders(response);
        String rest = path.substring(PREFIX.length());
        Optional<Sessions.Session> session = sessions.find(cookie(request));
        if (rest.startsWith("/v1/")) {
            return forward(request, response, callback, rest, session);
        }
        if (rest.isEmpty()) {
            redirect(response, callback, PREFIX + "/");
        } else if (rest.equals("/login")) {
            login(request, response, callback);
        } else if (rest.equals("/logout")) {
            logout(request, response, callback, session);
        } else if (rest.equals("/session")) {
            if (session.isEmpty()) {
                error(response, callback, 401, "unauthorized", "not logged in: run 'apollo dashboard' for a login link.");
            } else {
                json(response, callback, 200, Map.of("csrf", session.get().csrf(), "expiresAt", session.get().expiresAt()));
            }
        } else {
            file(response, callback, rest.equals("/") ? "index.html" : rest.substring(1), session.isPresent());
        }
        return true;
    }

    private boolean forward(Request request, Response response, Callback callback, String apiPath,
            Optional<Sessions.Session> session) throws Exception {
        if (session.isEmpty()) {
            error(response, callback, 401, "unauthorized", "not logged in, or the session expired: run 'apollo dashboard'"
                    + " for a login link.");
            return true;
        }
        if (NOT_FROM_A_BROWSER.contains(apiPath)) {
            error(response, callback, 403, "forbidden", apiPath + " is not available from the dashboard; use the CLI.");
            return true;
        }
        if (!SAFE_METHODS.contains(request.getMethod())) {
            if (!session.get().acceptsCsrf(request.getHeaders().get(CSRF_HEADER))) {
                error(response, callback, 403, "forbidden", "a write from the dashboard needs the session's " + CSRF_HEADER
                        + " header; reload the page (the dashboard sends it by itself).");
                return true;
            }
            String origin = request.getHeaders().get("Origin");
            String host = request.getHeaders().get("Host");
            if (origin != null && !origin.equals("http://" + host)) {
                error(response, callback, 403, "forbidden", "a write from origin " + origin + " is refused: only pages of"
                        + " this control plane (http://" + host + ") may write.");
                return true;
            }
        }
        response.getHeaders().put("Cache-Control", "no-store");
        return super.handle(new Forwarded(request, apiPath, authorization), response, callback);
    }

    /**
     * A dashboard request handed to the REST API as if the CLI had sent it: another path ({@code /dashboard/v1/x}
     * becomes {@code /v1/x}, the query kept) and the bearer token instead of the cookie, so the API applies exactly
     * the checks it applies to the CLI. Everything else, the body included, is the real request.
     */
    private static final class Forwarded extends Request.Wrapper {
        private final HttpURI uri;
        private final HttpFields headers;

        Forwarded(Request real, String apiPath, String authorization) {
            super(real);
            this.uri = HttpURI.build(real.getHttpURI()).path(apiPath).asImmutable();
            this.headers = HttpFields.build(real.getHeaders()).put("Authorization", authorization).remove("Cookie")
                    .asImmutable();
        }

        @Override
        public HttpURI getHttpURI() {
            return uri;
        }

        @Override
        public HttpFields getHeaders() {
            return headers;
        }
    }

    private void login(Request request, Response response, Callback callback) throws IOException {
        Optional<Sessions.Session> session = sessions.redeem(query(request, "code"));
        if (session.isEmpty()) {
            file(response, callback, "login.html", false);
            return;
        }
        response.getHeaders().add("Set-Cookie", COOKIE + "=" + session.get().id() + "; Path=" + PREFIX
                + "; Max-Age=" + Sessions.SESSION_LIFETIME.toSeconds() + "; HttpOnly; SameSite=Strict");
        redirect(response, callback, PREFIX + "/"); // the code leaves the address bar at once
    }

    private void logout(Request request, Response response, Callback callback, Optional<Sessions.Session> session)
            throws IOException {
        if (!request.getMethod().equals("POST")) {
            error(response, callback, 405, "method_not_allowed", "log out with POST " + PREFIX + "/logout.");
            return;
        }
        if (session.isPresent() && session.get().acceptsCsrf(request.getHeaders().get(CSRF_HEADER))) {
            sessions.end(session.get().id());
        }
        response.getHeaders().add("Set-Cookie", COOKIE + "=; Path=" + PREFIX + "; Max-Age=0; HttpOnly; SameSite=Strict");
        json(response, callback, 200, Map.of("message", "logged out"));
    }

    private void file(Response response, Callback callback, String name, boolean loggedIn) throws IOException {
        boolean allowed = loggedIn || PUBLIC.contains(name);
        Optional<Assets.Asset> asset = allowed ? assets.get(name) : Optional.empty();
        int status = 200;
        if (asset.isEmpty()) {
            // Without a session every page is the login page; with one, an unknown file is a plain 404.
            asset = loggedIn ? Optional.empty() : assets.get("login.html");
            status = loggedIn ? 404 : 401;
        }
        if (asset.isEmpty()) {
            error(response, callback, 404, "not_found", "no dashboard file " + name + ".");
            return;
        }
        response.getHeaders().put("Content-Type", asset.get().contentType());
        response.getHeaders().put("Cache-Control", name.endsWith(".html") ? "no-store" : "no-cache");
        send(response, callback, status, asset.get().bytes());
    }

    private static void secureHeaders(Response response) {
        HttpFields.Mutable headers = response.getHeaders();
        headers.put("Content-Security-Policy", CONTENT_SECURITY_POLICY);
        headers.put("X-Content-Type-Options", "nosniff");
        headers.put("X-Frame-Options", "DENY");
        headers.put("Referrer-Policy", "no-referrer");
    }

    private static String cookie(Request request) {
        for (String header : request.getHeaders().getValuesList("Cookie")) {
            for (String pair : header.split(";")) {
                String trimmed = pair.strip();
                if (trimmed.startsWith(COOKIE + "=")) {
                    return trimmed.substring(COOKIE.length() + 1);
                }
            }
        }
        return null;
    }

    private static String query(Request request, String name) {
        String raw = request.getHttpURI().getQuery();
        if (raw == null) {
            return null;
        }
        for (String pair : raw.split("&")) {
            if (pair.startsWith(name + "=")) {
                try {
                    return URLDecoder.decode(pair.substring(name.length() + 1), StandardCharsets.UTF_8);
                } catch (IllegalArgumentException malformed) {
                    return null; // not a code we gave: the login page
                }
            }
        }
        return null;
    }

    private static void redirect(Response response, Callback callback, String location) {
        response.getHeaders().put("Location", location);
        send(response, callback, 303, new byte[0]);
    }

    private static void error(Response response, Callback callback, int status, String code, String message)
            throws IOException {
        json(response, callback, status, new ErrorBody(code, message));
    }

    private static void json(Response response, Callback callback, int status, Object body) throws IOException {
        response.getHeaders().put("Content-Type", "application/json");
        response.getHeaders().put("Cache-Control", "no-store");
        send(response, callback, status, Json.mapper().writeValueAsBytes(body));
    }

    private static void send(Response response, Callback callback, int status, byte[] bytes) {
        response.setStatus(status);
        response.getHeaders().put("Content-Length", Integer.toString(bytes.length));
        response.write(true, ByteBuffer.wrap(bytes), callback);
    }
}
