package dev.apollo.routing;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.apollo.api.Json;
import java.util.List;

/**
 * Every answer a gateway gives itself instead of a backend's: status, a stable error code, and a
 * message that says what went wrong and what to do. One place for both gateways, so the embedded
 * proxy and an nginx rendered from the same table answer with the same bytes.
 */
public final class Rejects {
    private Rejects() {}

    public static Reject noRouteTable() {
        return Reject.of(503, "no_route_table", "environment", RouteResolver.PRODUCTION, "message",
                "this gateway has not received a route table yet; is the control plane running? (apollo up)");
    }

    public static Reject unknownEnvironment(String env) {
        return Reject.of(404, "unknown_environment", "environment", env, "message",
                "no environment " + env + "; create it with: apollo env create " + env);
    }

    public static Reject noTestbed(String env, String service) {
        return Reject.of(404, "no_testbed", "environment", env, "service", service, "message",
                service + " has no testbed in " + env + "; deploy one with: apollo deploy " + service
                        + ":VERSION --testbed -e " + env);
    }

    public static Reject noRoute(String env, String path) {
        return Reject.of(404, "no_route", "environment", env, "path", path, "message",
                "no route for " + path + " in " + env + "; add one with: apollo route add " + path + " SERVICE -e " + env);
    }

    /** A path rule leads to a service that neither the environment nor its fallbacks run. */
    public static Reject notDeployed(String env, String service) {
        return noHealthyInstance(env, service, service + " is not deployed in " + env
                + " nor in its fallbacks; deploy it with: apollo deploy " + service + ":VERSION -e " + env);
    }

    /** Web: the release that should answer has no healthy instance; {@code release} is "" when unknown. */
    public static Reject noHealthyRelease(String env, String poolEnv, String service, String release) {
        String which = release.isEmpty() ? service : service + " (release " + release + ")";
        return noHealthyInstance(env, service, which + " has no healthy instance in " + env
                + "; see why with: apollo status " + service + " -e " + poolEnv);
    }

    /** RPC: like {@link #noHealthyRelease}, and says when the instances were looked for in a fallback. */
    public static Reject noHealthyService(String env, String poolEnv, String service) {
        String where = poolEnv.equals(env) ? env : env + " (from its fallback " + poolEnv + ")";
        return noHealthyInstance(env, service, service + " has no healthy instance in " + where
                + "; see why with: apollo status " + service + " -e " + poolEnv);
    }

    private static Reject noHealthyInstance(String env, String service, String message) {
        return Reject.of(503, "no_healthy_instance", "environment", env, "service", service, "message", message);
    }

    public static Reject unknownService(String env, List<String> fallbacks, String name) {
        String chain = fallbacks.isEmpty() ? "" : " (or its fallbacks " + String.join(", ", fallbacks) + ")";
        return Reject.of(404, "unknown_service", "environment", env, "service", name, "message",
                "no service or external named " + name + " in " + env + chain + "; deploy it with: apollo deploy "
                        + name + ":VERSION -e " + env + ", or add it with: apollo external add " + name + " URL -e " + env);
    }

    public static Reject noEnvironmentInPath(String path) {
        return badRequest(path, "no environment after " + RpcResolver.ENV_PREFIX + " in " + path + "; expected "
                + RpcResolver.ENV_PREFIX + "ENV/SERVICE/METHOD");
    }

    public static Reject noServiceInPath(String path) {
        return badRequest(path, "no service in " + path + "; call a service as POST /SERVICE/METHOD (an external as /NAME/PATH)");
    }

    private static Reject badRequest(String path, String message) {
        return Reject.of(400, "bad_request", "path", path, "message", message);
    }

    /** A request that is not valid HTTP/1.x (a request line or header that does not parse, no Host or two). */
    public static Reject malformedRequest(String detail) {
        return badRequest("the request is not valid HTTP/1.1" + (detail.isEmpty() ? "" : " (" + detail + ")"));
    }

    /** A request HTTP allows but this gateway refuses, {@code message} saying why and what to send instead. */
    public static Reject badRequest(String message) {
        return Reject.of(400, "bad_request", "message", message);
    }

    /** The request line is longer than the gateway reads; {@code limit} in bytes. */
    public static Reject uriTooLong(int limit) {
        return Reject.of(414, "uri_too_long", "message", "the request line is longer than " + limit
                + " bytes; send a shorter URI (move data into the body of a POST)");
    }

    /** @param limit what the gateway reads, in words (e.g. "32768 bytes") */
    public static Reject headersTooLarge(String limit) {
        return Reject.of(431, "headers_too_large", "message", "the request headers are larger than " + limit
                + "; send fewer or smaller headers (cookies count)");
    }

    /** @param version the version the request line named, or empty when the gateway cannot tell */
    public static Reject httpVersionNotSupported(String version) {
        return Reject.of(505, "http_version_not_supported", "message", (version.isEmpty() ? "this HTTP version"
                : "HTTP version " + version) + " is not supported; send HTTP/1.1");
    }

    /** A Transfer-Encoding other than chunked: HTTP allows others, gateways need not read them (RFC 9112 §6.1). */
    public static Reject unsupportedTransferEncoding() {
        return Reject.of(501, "not_implemented", "message", "the request's Transfer-Encoding is not supported; send the body"
                + " with Content-Length or Transfer-Encoding: chunked");
    }

    /** The client took too long to send its request. */
    public static Reject requestTimeout() {
        return Reject.of(408, "request_timeout", "message", "the request did not arrive in time; send it again");
    }

    public static Reject backendTimeout(String poolEnv, String service) {
        return backend(504, "gateway_timeout", poolEnv, service, service + " in " + poolEnv
                + " did not answer in time; check its logs with: apollo logs " + service + " -e " + poolEnv);
    }

    public static Reject backendUnreachable(String poolEnv, String service, List<String> tried) {
        return backend(502, "bad_gateway", poolEnv, service, "could not connect to " + service + " in " + poolEnv
                + " (tried " + String.join(", ", tried) + "); see its instances with: apollo status " + service + " -e " + poolEnv);
    }

    public static Reject backendFailed(String poolEnv, String service, String detail) {
        return backend(502, "bad_gateway", poolEnv, service, service + " in " + poolEnv + " failed before answering (" + detail + ")");
    }

    private static Reject backend(int status, String error, String poolEnv, String service, String message) {
        return Reject.of(status, error, "environment", poolEnv, "service", service, "message", message);
    }

    /** The external did not accept a connection in time. */
    public static Reject externalConnectTimeout(String env, String name, String url, String hostPort) {
        return external(504, "external_timeout", env, name, url, name + " (" + url + ") did not accept a connection in time; is "
                + hostPort + " reachable from this machine?");
    }

    public static Reject externalTimeout(String env, String name, String url) {
        return external(504, "external_timeout", env, name, url, name + " (" + url + ") did not answer in time");
    }

    /** @param definedIn the environment whose table defines the external (may be a fallback of {@code env}) */
    public static Reject externalUnreachable(String env, String name, String url, String cause, String definedIn) {
        return external(502, "external_unreachable", env, name, url, "could not connect to " + name + " (" + url + "): "
                + cause + "; check its URL with: apollo external list -e " + definedIn);
    }

    public static Reject externalFailed(String env, String name, String url, String detail) {
        return external(502, "external_unreachable", env, name, url, name + " (" + url + ") failed before answering ("
                + detail + ")");
    }

    private static Reject external(int status, String error, String env, String name, String url, String message) {
        return Reject.of(status, error, "environment", env, "external", name, "url", url, "message", message);
    }

    /** The body as sent: the JSON object and a newline. */
    public static String json(Reject reject) {
        try {
            return Json.mapper().writeValueAsString(reject.body()) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a map of strings always serializes", e);
        }
    }
}
