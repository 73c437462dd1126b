package dev.apollo.server.http;

import dev.apollo.api.Views.ErrorBody;
import dev.apollo.core.ApolloException;
import java.io.IOException;
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
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Matches requests to handlers by method and path template ({@code /v1/environments/{env}}),
 * checks the bearer token, and maps every failure to a JSON error once: a caller's mistake is a
 * 4xx with a message that says what to do, only Apollo's own bugs are 500.
 */
final class Router extends Handler.Abstract {
    private static final Logger LOG = Logger.getLogger(Router.class.getName());
    /** How much of a refused request's body is read and dropped so that its client sees the answer. */
    private static final long DISCARD_AT_MOST = 64L << 20;

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
        super(InvocationType.BLOCKING);
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
    public boolean handle(Request request, Response response, Callback callback) {
        Call call = null;
        try {
            call = new Call(request, response, Map.of());
            route(request, call);
            callback.succeeded();
        } catch (Exception e) {
            fail(request, response, call, e, callback);
        }
        return true;
    }

    private void route(Request request, Call bare) throws Exception {
        if (!authorized(request)) {
            bare.json(401, new ErrorBody("unauthorized", "missing or wrong API token: send 'Authorization: Bearer"
                    + " <token>' with the token from the data dir's 'token' file (the CLI does this for you)."));
            if (bare.hasBody()) {
                bare.discardBody(1 << 20); // a little, for a client that forgot its token; strangers get no more
            }
            return;
        }
        bare.decodeQuery();
        String path = request.getHttpURI().getPath();
        if (path == null || !path.startsWith("/")) {
            // "OPTIONS *" and absolute forms the API does not serve: named, not a 404 page.
            throw new ApolloException.Invalid("request target '" + Messages.clip(String.valueOf(path)) + "' is not a path"
                    + " of this API; send a path under /v1 (see docs/API.md).");
        }
        Optional<ApolloException.NotLeader> closed = gate.closedFor(request.getMethod(), path);
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
            if (!route.method().equals(request.getMethod())) {
                continue;
            }
            Map<String, String> params = new HashMap<>();
            for (int i = 0; i < route.names().size(); i++) {
                params.put(route.names().get(i), Call.decode(m.group(i + 1), "path segment {" + route.names().get(i) + "}", false));
            }
            route.handler().handle(bare.bind(params));
            return;
        }
        if (pathKnown) {
            bare.json(405, new ErrorBody("method_not_allowed", Messages.clip(request.getMethod()) + " is not allowed on "
                    + Messages.clip(path) + "; see docs/API.md for the methods each path takes."));
        } else {
            bare.json(404, new ErrorBody("not_found", "no API endpoint at " + Messages.clip(path) + "; see docs/API.md."));
        }
    }

    private boolean authorized(Request request) {
        List<String> given = request.getHeaders().getValuesList("Authorization");
        // Exactly one header, exactly the token: a second header or extra characters are not "close enough".
        return given.size() == 1
                && MessageDigest.isEqual(given.get(0).getBytes(StandardCharsets.UTF_8), expectedAuthorization);
    }

    private static void fail(Request request, Response response, Call call, Exception e, Callback callback) {
        if (call != null && call.answered()) {
            callback.failed(e); // a stream that broke midway: the client went away
            return;
        }
        int status;
        String code;
        String message = e.getMessage();
        Call.BodyReadException body = bodyFailure(e);
        if (body != null) {
            switch (body.kind()) {
                case MALFORMED -> {
                    status = 400;
                    code = "invalid";
                    message = "the request body is malformed (" + rootMessage(body) + "); send it with a valid"
                            + " Content-Length or chunked encoding.";
                }
                case TIMEOUT -> {
                    status = 408;
                    code = "timeout";
                    message = "the request body stalled past this API's idle timeout; send it without pausing.";
                }
                default -> {
                    callback.failed(e); // the client went away while we read
                    return;
                }
            }
        } else {
            switch (e) {
                case ApolloException.Invalid invalid -> { status = 400; code = "invalid"; }
                case ApolloException.NotFound notFound -> { status = 404; code = "not_found"; }
                case ApolloException.Conflict conflict -> { status = 409; code = "conflict"; }
                case ApolloException.TooLarge tooLarge -> { status = 413; code = "too_large"; }
                case ApolloException.OutOfSpace full -> { status = 507; code = "insufficient_storage"; }
                case ApolloException.NotLeader notLeader -> {
                    // 503, not a redirect: the leader has a token of its own, and the caller decides whether to follow.
                    status = 503;
                    code = "not_leader";
                }
                case IOException io -> {
                    callback.failed(e); // the client went away while we wrote
                    return;
                }
                default -> {
                    status = 500;
                    code = "internal";
                    message = "the control plane failed to handle this request (" + e + "); see its log (server.log in the"
                            + " data dir).";
                    LOG.log(Level.SEVERE, "request failed: " + request.getMethod() + " " + request.getHttpURI(), e);
                }
            }
        }
        try {
            if (!response.isCommitted()) {
                response.reset();
                if (e instanceof ApolloException.NotLeader notLeader) {
                    response.getHeaders().put("Retry-After", "1");
                    notLeader.leader().ifPresent(leader -> response.getHeaders().put("X-Apollo-Leader", leader));
                }
                Call.answer(response, status, new ErrorBody(code, message));
            }
            if (call != null && call.hasBody() && body == null) {
                // After the answer, which is on its way already: a client still sending a refused upload
                // reads it instead of a connection reset, and one that stalls holds only itself.
                call.discardBody(DISCARD_AT_MOST);
            }
            callback.succeeded();
        } catch (Exception writeFailed) {
            callback.failed(writeFailed); // nothing more can be said to a client that is gone
        }
    }

    private static Call.BodyReadException bodyFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof Call.BodyReadException body) {
                return body;
            }
        }
        return null;
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        return Messages.clip(String.valueOf(root.getMessage()));
    }
}
