package dev.apollo.server.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.apollo.api.Views.ErrorBody;
import dev.apollo.core.ApolloException;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Matches requests to handlers by method and path template ({@code /v1/environments/{env}}),
 * checks the bearer token, and maps every failure to a JSON error once: a caller's mistake is a
 * 4xx with a message that says what to do, only Apollo's own bugs are 500.
 */
final class Router implements HttpHandler {
    private static final Logger LOG = Logger.getLogger(Router.class.getName());

    interface Handler {
        void handle(Call call) throws Exception;
    }

    private record Route(String method, Pattern pattern, List<String> names, Handler handler) {}

    /** Closes the API to requests this control plane must not serve (a standby's), with the refusal to send. */
    interface Gate {
        Gate OPEN = (method, path) -> Optional.empty();

        Optional<ApolloException.NotLeader> closedFor(String method, String path);
    }

    private final List<Route> routes = new ArrayList<>();
    private final byte[] expectedAuthorization;
    private Gate gate = Gate.OPEN;

    Router(String token) {
        this.expectedAuthorization = ("Bearer " + token).getBytes(StandardCharsets.UTF_8);
    }

    Router gate(Gate gate) {
        this.gate = gate;
        return this;
    }

    Router add(String method, String template, Handler handler) {
        List<String> names = new ArrayList<>();
        Matcher m = Pattern.compile("\\{(\\w+)}").matcher(template);
        StringBuilder regex = new StringBuilder();
        int last = 0;
        while (m.find()) {
            regex.append(Pattern.quote(template.substring(last, m.start()))).append("([^/]+)");
            names.add(m.group(1));
            last = m.end();
        }
        regex.append(Pattern.quote(template.substring(last)));
        routes.add(new Route(method, Pattern.compile(regex.toString()), names, handler));
        return this;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        Call call = null;
        try {
            if (!authorized(exchange)) {
                call = new Call(exchange, Map.of());
                call.json(401, new ErrorBody("unauthorized", "missing or wrong API token: send 'Authorization: Bearer"
                        + " <token>' with the token from the data dir's 'token' file (the CLI does this for you)."));
                return;
            }
            String path = exchange.getRequestURI().getRawPath();
            Optional<ApolloException.NotLeader> closed = gate.closedFor(exchange.getRequestMethod(), path);
            if (closed.isPresent()) {
                throw closed.get();
            }
            boolean pathKnown = false;
            for (Route route : routes) {
                Matcher m = route.pattern().matcher(path);
                if (!m.matches()) {
                    continue;
                }
                pathKnown = true;
                if (!route.method().equals(exchange.getRequestMethod())) {
                    continue;
                }
                Map<String, String> params = new HashMap<>();
                for (int i = 0; i < route.names().size(); i++) {
                    params.put(route.names().get(i), URLDecoder.decode(m.group(i + 1), StandardCharsets.UTF_8));
                }
                call = new Call(exchange, params);
                route.handler().handle(call);
                return;
            }
            call = new Call(exchange, Map.of());
            if (pathKnown) {
                call.json(405, new ErrorBody("method_not_allowed", exchange.getRequestMethod() + " is not allowed on " + path
                        + "; see docs/API.md for the methods each path takes."));
            } else {
                call.json(404, new ErrorBody("not_found", "no API endpoint at " + path + "; see docs/API.md."));
            }
        } catch (Exception e) {
            fail(exchange, call, e);
        } finally {
            exchange.close();
        }
    }

    private boolean authorized(HttpExchange exchange) {
        String given = exchange.getRequestHeaders().getFirst("Authorization");
        return given != null && MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8), expectedAuthorization);
    }

    private static void fail(HttpExchange exchange, Call call, Exception e) {
        if (call != null && call.answered()) {
            return; // a stream that broke midway: the client went away
        }
        int status;
        String code;
        String message = e.getMessage();
        switch (e) {
            case ApolloException.Invalid invalid -> { status = 400; code = "invalid"; }
            case ApolloException.NotFound notFound -> { status = 404; code = "not_found"; }
            case ApolloException.Conflict conflict -> { status = 409; code = "conflict"; }
            case ApolloException.TooLarge tooLarge -> { status = 413; code = "too_large"; }
            case ApolloException.NotLeader notLeader -> {
                // 503, not a redirect: the leader has a token of its own, and the caller decides whether to follow.
                status = 503;
                code = "not_leader";
                exchange.getResponseHeaders().set("Retry-After", "1");
                notLeader.leader().ifPresent(leader -> exchange.getResponseHeaders().set("X-Apollo-Leader", leader));
            }
            case IOException io -> {
                return; // the client went away while we read or wrote
            }
            default -> {
                status = 500;
                code = "internal";
                message = "the control plane failed to handle this request (" + e + "); see its log (server.log in the data dir).";
                LOG.log(Level.SEVERE, "request failed: " + exchange.getRequestMethod() + " " + exchange.getRequestURI(), e);
            }
        }
        try {
            new Call(exchange, Map.of()).json(status, new ErrorBody(code, message));
        } catch (IOException ignored) {
            // Nothing more can be said to a client that is gone.
        }
    }
}
