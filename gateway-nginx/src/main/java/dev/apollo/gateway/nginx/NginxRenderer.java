package dev.apollo.gateway.nginx;

import dev.apollo.api.RouteTableView;
import dev.apollo.routing.BackendPool;
import dev.apollo.routing.ExternalEndpoint;
import dev.apollo.routing.Reject;
import dev.apollo.routing.Rejects;
import dev.apollo.routing.RouteSnapshot;
import dev.apollo.routing.RouteSnapshot.EnvironmentTable;
import dev.apollo.routing.RouteSnapshot.RpcTarget;
import dev.apollo.routing.RouteSnapshot.Rule;
import dev.apollo.routing.RouteSnapshot.ServiceTarget;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collection;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Renders a route table to one self-contained nginx.conf with the embedded gateway's routing:
 * the same environments (Host, {@code X-Apollo-Env}; for RPC also baggage and {@code /_env/E/}),
 * path rules (longest prefix), testbeds (header, cookie, host), fallbacks, externals, and the same
 * JSON error bodies (both gateways build them with {@link Rejects}).
 *
 * <p>How it is laid out: the header selects the environment over the host, and nginx cannot move
 * a request from one {@code server} to another, so each listener has one server whose maps work out
 * the environment, then rewrites the request to an internal location of that environment
 * ({@code apollo:web/E/PATH}, {@code apollo:rpc/E/NAME}). Those URIs have no leading slash, so no
 * client request can ever match them; the backend still gets the request's own URI. Each release
 * with healthy instances is an upstream with keep-alive connections, reached through one location
 * that turns nginx's own 502/504 into our JSON.
 *
 * <p>Pure and deterministic: the same table gives the same bytes, whatever its version number.
 *
 * <p>Longer than our other files on purpose: it is one document, the nginx.conf, written top to
 * bottom in the order nginx reads it; split across classes it would be read out of order.
 */
public final class NginxRenderer {
    private static final String DIGEST_TOKEN = "@@APOLLO_DIGEST@@";
    private static final Pattern UNSAFE_NAME = Pattern.compile("[^A-Za-z0-9_.-]");

    /** An external whose part of the configuration nginx refused: it answers 502 until its URL changes. */
    public record Refused(String environment, String external, String url, String reason) {}

    private final NginxSettings settings;

    public NginxRenderer(NginxSettings settings) {
        this.settings = settings;
    }

    public NginxSettings settings() {
        return settings;
    }

    public NginxConfig render(RouteTableView table) {
        return render(table, List.of());
    }

    /** Throws {@code GatewayException} for a table no gateway could serve (a malformed path rule or URL). */
    public NginxConfig render(RouteTableView table, Collection<Refused> refused) {
        RouteSnapshot snapshot = RouteSnapshot.compile(table);
        ConfWriter out = new ConfWriter();
        new Rendering(snapshot, refused, out).write();
        String text = out.text();
        String digest = sha256(text);
        return new NginxConfig(text.replace(DIGEST_TOKEN, digest), digest, out.parts());
    }

    private final class Rendering {
        private final RouteSnapshot snapshot;
        private final Collection<Refused> refused;
        private final ConfWriter out;
        private final SortedMap<String, BackendPool> pools = new TreeMap<>();
        private final SortedMap<String, ExternalEndpoint> externals = new TreeMap<>();
        /** The pools the server being written sends requests to: only those get a location. */
        private final SortedSet<String> reached = new TreeSet<>();

        Rendering(RouteSnapshot snapshot, Collection<Refused> refused, ConfWriter out) {
            this.snapshot = snapshot;
            this.refused = refused;
            this.out = out;
            for (EnvironmentTable env : snapshot.environments().values()) {
                env.services().values().forEach(this::addPools);
                for (RpcTarget target : env.rpcTargets().values()) {
                    if (target instanceof ExternalEndpoint external && refusal(external).isEmpty()) {
                        externals.put(upstream(external), external);
                    }
                }
            }
        }

        private void addPools(ServiceTarget service) {
            for (BackendPool pool : new BackendPool[] {service.live(), service.testbed()}) {
                if (pool != null && !pool.isEmpty()) {
                    pools.put(upstream(pool), pool);
                }
            }
        }

        void write() {
            out.line("# Apollo's nginx gateway, rendered from the route table (config " + DIGEST_TOKEN + ").");
            out.line("# Do not edit: Apollo validates every change with nginx -t, swaps this file and reloads.");
            settings.user().ifPresent(user -> out.line("user " + user + ";"));
            out.line("worker_processes " + settings.workers() + ";");
            out.line("worker_shutdown_timeout " + seconds(settings.workerShutdownTimeout()) + ";");
            out.line("pid " + quoted(settings.pidFile().toString()) + ";");
            out.line("error_log " + quoted(settings.errorLog().toString()) + " warn;");
            out.line("events { worker_connections 4096; }");
            out.blank();
            out.open("http");
            httpDefaults();
            maps();
            upstreams();
            webServer();
            settings.rpc().ifPresent(this::rpcServer);
            controlServer();
            out.close();
        }

        private void httpDefaults() {
            out.line("access_log off;");
            out.line("server_tokens off;");
            out.line("default_type application/json;");
            settings.temporaryDirectories().forEach((kind, path) -> out.line(kind + "_temp_path " + quoted(path.toString()) + ";"));
            out.line("client_max_body_size 0;");
            out.line("proxy_request_buffering off;");
            out.line("proxy_http_version 1.1;");
            out.line("proxy_connect_timeout " + seconds(settings.connectTimeout()) + ";");
            out.line("proxy_read_timeout " + seconds(settings.backendTimeout()) + ";");
            out.line("proxy_send_timeout " + seconds(settings.backendTimeout()) + ";");
            out.line("# Another instance is tried only when this one could not be reached, never twice.");
            out.line("proxy_next_upstream error timeout;");
            out.line("proxy_next_upstream_tries 2;");
            out.blank();
        }

        private void maps() {
            out.line("# A literal $ in text that nginx would otherwise read as a variable.");
            out.line("geo $apollo_dollar { default \"$\"; }");
            out.line("map $http_upgrade $apollo_connection { default upgrade; \"\" \"\"; }");
            out.line("map $request_uri $apollo_raw_path { \"~^(?<apollo_raw_path_m>[^?]*)\" $apollo_raw_path_m; }");
            String domain = settings.domain().replace(".", "\\.");
            out.line("# Web: the environment is the host's (E." + settings.domain() + ", testbed.S.E." + settings.domain()
                    + "), unless X-Apollo-Env names one.");
            out.open("map $host $apollo_host_env");
            out.line("default production;");
            out.line("\"~^testbed\\.[^.]+\\.(?<apollo_host_env_m>.+)\\." + domain + "$\" $apollo_host_env_m;");
            out.line("\"~^testbed\\.[^.]+\\." + domain + "$\" production;");
            out.line("\"~^(?<apollo_host_env_m2>.+)\\." + domain + "$\" $apollo_host_env_m2;");
            out.close();
            out.line("map $host $apollo_testbed_host { default \"\"; \"~^testbed\\.(?<apollo_testbed_host_m>[^.]+)\\.(.+\\.)?"
                    + domain + "$\" $apollo_testbed_host_m; }");
            out.line("map $http_x_apollo_env $apollo_env { \"\" $apollo_host_env; default $http_x_apollo_env; }");
            // Not $cookie_apollo_testbed: nginx reads that as a cookie named apollo_testbed.
            out.line("map $http_cookie $apollo_testbed_cookie { default \"\"; "
                    + "\"~(?:^|;)\\s*apollo-testbed=\\\"?(?<apollo_testbed_cookie_m>[^;\\\"]*)\" $apollo_testbed_cookie_m; }");
            knownMap("$apollo_env", "$apollo_env_known");
            if (settings.rpc().isPresent()) {
                String suffix = settings.rpcSuffix().replace(".", "\\.");
                out.line("# RPC: the environment is X-Apollo-Env's, else baggage apollo.env's, else /_env/E/'s, else the host's.");
                out.line("map $request_uri $apollo_rpc_env_missing { default 0; \"~^/_env/(?:[/?]|$)\" 1; }");
                out.line("map $request_uri $apollo_rpc_path_env { default \"\"; \"~^/_env/(?<apollo_rpc_path_env_m>[^/?]+)\" "
                        + "$apollo_rpc_path_env_m; }");
                out.open("map $request_uri $apollo_rpc_path");
                out.line("\"~^/_env/[^/?]*(?<apollo_rpc_path_m>/[^?]*)\" $apollo_rpc_path_m;");
                out.line("\"~^/_env/[^/?]*\" /;");
                out.line("\"~^(?<apollo_rpc_path_m2>[^?]*)\" $apollo_rpc_path_m2;");
                out.close();
                out.line("map $apollo_rpc_path $apollo_rpc_name { default \"\"; \"~^/(?<apollo_rpc_name_m>[^/]*)\" $apollo_rpc_name_m; }");
                out.line("map $apollo_rpc_path $apollo_rpc_rest { default /; \"~^/[^/]*(?<apollo_rpc_rest_m>/.*)$\" $apollo_rpc_rest_m; }");
                out.line("map $http_baggage $apollo_baggage_env { default \"\"; "
                        + "\"~(?:^|,)\\s*apollo\\.env\\s*=\\s*(?<apollo_baggage_env_m>[^,;\\s]+)\" $apollo_baggage_env_m; }");
                out.line("map $host $apollo_rpc_host_env { default production; \"~^(?<apollo_rpc_host_env_m>.+)\\." + suffix
                        + "$\" $apollo_rpc_host_env_m; }");
                out.line("map $apollo_rpc_path_env $apollo_rpc_env_by_path { \"\" $apollo_rpc_host_env; default $apollo_rpc_path_env; }");
                out.line("map $apollo_baggage_env $apollo_rpc_env_by_baggage { \"\" $apollo_rpc_env_by_path; default $apollo_baggage_env; }");
                out.line("map $http_x_apollo_env $apollo_rpc_env { \"\" $apollo_rpc_env_by_baggage; default $http_x_apollo_env; }");
                knownMap("$apollo_rpc_env", "$apollo_rpc_env_known");
            }
            out.line("# What a client sent goes into a JSON error body only when it needs no escaping.");
            for (String variable : List.of("$apollo_env", "$apollo_raw_path", "$apollo_testbed_host", "$apollo_rpc_env",
                    "$apollo_rpc_name")) {
                if (variable.startsWith("$apollo_rpc") && settings.rpc().isEmpty()) {
                    continue;
                }
                out.line("map " + variable + " " + variable + "_json { \"~^[^\\\"\\\\\\\\\\x00-\\x1f]*$\" " + variable
                        + "; default \"(not shown: it has characters that need escaping)\"; }");
            }
            out.blank();
        }

        private void knownMap(String variable, String known) {
            out.open("map " + variable + " " + known);
            out.line("default 0;");
            snapshot.environments().keySet().forEach(name -> out.line(name + " 1;"));
            out.close();
        }

        private void upstreams() {
            pools.forEach((name, pool) -> {
                out.beginPart(pool.environment(), "");
                out.open("upstream " + name);
                addresses(pool).forEach(address -> out.line("server " + address + ";"));
                upstreamKeepAlive(32);
                out.close();
                out.endPart();
            });
            externals.forEach((name, external) -> {
                out.beginPart(external.environment(), external.name());
                out.open("upstream " + name);
                out.line("server " + hostPort(external) + ";");
                upstreamKeepAlive(8);
                out.close();
                out.endPart();
            });
            out.blank();
        }

        private void upstreamKeepAlive(int connections) {
            out.line("keepalive " + connections + ";");
            // Below the idle timeout of the JDK's HTTP server (30 s), so nginx never reuses a connection the instance closed.
            out.line("keepalive_timeout 20s;");
        }

        private void webServer() {
            out.open("server");
            out.line("listen " + settings.web() + ";");
            forwardedHeaders("$apollo_env");
            out.open("location /");
            if (snapshot.isEmpty()) {
                reply(Rejects.noRouteTable());
            } else {
                replyIn("if ($apollo_env_known = 0)", Rejects.unknownEnvironment(var("apollo_env_json")));
                out.line("if ($apollo_testbed_host != \"\") { rewrite ^ \"apollo:testbed/$apollo_env/$apollo_testbed_host\" last; }");
                out.line("rewrite ^ \"apollo:web/$apollo_env$apollo_raw_path\" last;");
            }
            out.close();
            snapshot.environments().forEach(this::webEnvironment);
            poolLocations("web-pool", "$request_uri");
            out.close();
            out.blank();
        }

        private void webEnvironment(String env, EnvironmentTable table) {
            beginEnvironment(env, table);
            List<Rule> rules = java.util.Arrays.stream(table.rules()).sorted(Comparator.comparing(Rule::prefix)).toList();
            if (rules.stream().noneMatch(r -> r.prefix().equals("/"))) {
                replyIn("location ^~ \"apollo:web/" + env + "/\"", Rejects.noRoute(env, var("apollo_raw_path_json")));
            }
            for (Rule rule : rules) {
                String at = "apollo:web/" + env + rule.prefix();
                if (rule.prefix().equals("/")) {
                    webRule(env, rule, "location ^~ \"" + at + "\"");
                } else {
                    webRule(env, rule, "location = \"" + at + "\"");
                    webRule(env, rule, "location ^~ \"" + at + "/\"");
                }
            }
            replyIn("location ^~ \"apollo:testbed/" + env + "/\"", Rejects.noTestbed(env, var("apollo_testbed_host_json")));
            new TreeMap<>(table.services()).forEach((service, target) -> {
                if (target.testbed() != null) {
                    out.open("location = \"apollo:testbed/" + env + "/" + service + "\"");
                    toPool(env, target.testbed(), "web-pool");
                    out.close();
                }
            });
            out.endPart();
        }

        private void webRule(String env, Rule rule, String location) {
            out.open(location);
            ServiceTarget target = rule.target();
            if (target == null) {
                reply(Rejects.notDeployed(env, rule.service()));
            } else {
                if (target.testbed() != null) {
                    String service = target.service();
                    out.open("if ($http_x_apollo_testbed ~ \"(^|,)\\s*" + service.replace(".", "\\.") + "\\s*(,|$)\")");
                    toPool(env, target.testbed(), "web-pool");
                    out.close();
                    out.open("if ($apollo_testbed_cookie = \"" + service + "\")");
                    toPool(env, target.testbed(), "web-pool");
                    out.close();
                }
                toPool(env, target.live(), "web-pool");
            }
            out.close();
        }

        /** On to the pool's location, or a 503 when the release has no healthy instance. */
        private void toPool(String env, BackendPool pool, String kind) {
            if (pool.isEmpty()) {
                reply(kind.equals("web-pool")
                        ? Rejects.noHealthyRelease(env, pool.environment(), pool.service(), pool.release())
                        : Rejects.noHealthyService(env, pool.environment(), pool.service()));
            } else {
                reached.add(upstream(pool));
                out.line("rewrite ^ \"apollo:" + kind + "/" + upstream(pool) + "\" last;");
            }
        }

        private void poolLocations(String kind, String uri) {
            for (String name : reached) {
                BackendPool pool = pools.get(name);
                out.beginPart(pool.environment(), "");
                out.open("location = \"apollo:" + kind + "/" + name + "\"");
                out.line("proxy_pass \"http://" + name + uri + "\";");
                out.line("error_page 502 @" + kind + "_502_" + name + ";");
                out.line("error_page 504 @" + kind + "_504_" + name + ";");
                out.close();
                replyIn("location @" + kind + "_502_" + name,
                        Rejects.backendUnreachable(pool.environment(), pool.service(), addresses(pool)));
                replyIn("location @" + kind + "_504_" + name, Rejects.backendTimeout(pool.environment(), pool.service()));
                out.endPart();
            }
            reached.clear();
        }

        private void rpcServer(String listen) {
            out.open("server");
            out.line("listen " + listen + ";");
            forwardedHeaders("$apollo_rpc_env");
            out.open("location /");
            if (snapshot.isEmpty()) {
                reply(Rejects.noRouteTable());
            } else {
                replyIn("if ($apollo_rpc_env_missing)", Rejects.noEnvironmentInPath(var("apollo_raw_path_json")));
                replyIn("if ($apollo_rpc_env_known = 0)", Rejects.unknownEnvironment(var("apollo_rpc_env_json")));
                replyIn("if ($apollo_rpc_name = \"\")", Rejects.noServiceInPath(var("apollo_raw_path_json")));
                out.line("rewrite ^ \"apollo:rpc/$apollo_rpc_env/$apollo_rpc_name\" last;");
            }
            out.close();
            snapshot.environments().forEach(this::rpcEnvironment);
            poolLocations("rpc-pool", "$apollo_rpc_rest$is_args$args");
            out.close();
            out.blank();
        }

        private void rpcEnvironment(String env, EnvironmentTable table) {
            beginEnvironment(env, table);
            replyIn("location ^~ \"apollo:rpc/" + env + "/\"",
                    Rejects.unknownService(env, table.fallbacks(), var("apollo_rpc_name_json")));
            out.endPart();
            new TreeMap<>(table.rpcTargets()).forEach((name, target) -> {
                switch (target) {
                    case ServiceTarget service -> {
                        out.beginPart(env, "");
                        out.open("location = \"apollo:rpc/" + env + "/" + name + "\"");
                        toPool(env, service.live(), "rpc-pool");
                        out.close();
                        out.endPart();
                    }
                    case ExternalEndpoint external -> externalLocation(env, external);
                }
            });
        }

        private void externalLocation(String env, ExternalEndpoint external) {
            out.beginPart(env, external.name());
            out.open("location = \"apollo:rpc/" + env + "/" + external.name() + "\"");
            var refusal = refusal(external);
            if (refusal.isPresent()) {
                reply(Rejects.externalUnreachable(env, external.name(), external.url(),
                        "nginx refused its configuration (" + refusal.get().reason() + ")", external.environment()));
                out.close();
                out.endPart();
                return;
            }
            String name = upstream(external);
            out.line("proxy_pass \"" + (external.tls() ? "https" : "http") + "://" + name + nginxEscaped(external.basePath())
                    + "$apollo_rpc_rest$is_args$args\";");
            // Toward a 3rd party: its own Host, and none of our environment names or forwarding headers.
            out.line("proxy_set_header Host " + quoted(defaultPort(external) ? external.host() : hostPort(external)) + ";");
            out.line("proxy_set_header Connection \"\";");
            out.line("proxy_set_header X-Apollo-Env \"\";");
            if (external.tls()) {
                out.line("proxy_ssl_server_name on;");
                out.line("proxy_ssl_name " + quoted(external.host()) + ";");
            }
            out.line("proxy_read_timeout " + seconds(settings.externalTimeout()) + ";");
            out.line("proxy_send_timeout " + seconds(settings.externalTimeout()) + ";");
            out.line("proxy_next_upstream off;");
            String errors = "external_" + env + "__" + external.name();
            out.line("error_page 502 @" + errors + "_502;");
            out.line("error_page 504 @" + errors + "_504;");
            out.close();
            replyIn("location @" + errors + "_502", Rejects.externalUnreachable(env, external.name(), external.url(),
                    "nginx could not connect or lost the connection", external.environment()));
            replyIn("location @" + errors + "_504", Rejects.externalTimeout(env, external.name(), external.url()));
            out.endPart();
        }

        private java.util.Optional<Refused> refusal(ExternalEndpoint external) {
            return refused.stream().filter(r -> r.environment().equals(external.environment())
                    && r.external().equals(external.name()) && r.url().equals(external.url())).findFirst();
        }

        private void controlServer() {
            out.line("# Apollo asks which configuration the running workers serve.");
            out.open("server");
            out.line("listen " + quoted("unix:" + settings.controlSocket()) + ";");
            out.line("location = /config { return 200 \"" + DIGEST_TOKEN + "\\n\"; }");
            out.line("location / { return 404 \"\"; }");
            out.close();
        }

        private void forwardedHeaders(String environment) {
            out.line("proxy_set_header Host $http_host;");
            out.line("proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;");
            out.line("proxy_set_header X-Forwarded-Proto $scheme;");
            out.line("proxy_set_header X-Forwarded-Host $http_host;");
            out.line("proxy_set_header X-Apollo-Env " + environment + ";");
            out.line("proxy_set_header Upgrade $http_upgrade;");
            out.line("proxy_set_header Connection $apollo_connection;");
        }

        private void beginEnvironment(String env, EnvironmentTable table) {
            out.beginPart(env, "");
            out.line("# environment " + env + (table.fallbacks().isEmpty() ? "" : ", falling back to "
                    + String.join(", ", table.fallbacks())));
        }

        /** A block that answers only {@code reject}. */
        private void replyIn(String block, Reject reject) {
            out.open(block);
            reply(reject);
            out.close();
        }

        /** {@code return STATUS 'json';} with the body the embedded gateway sends for the same reject. */
        private void reply(Reject reject) {
            String body = Rejects.json(reject).stripTrailing();
            out.line("return " + reject.status() + " \"" + withVariables(nginxEscaped(body)) + "\\n\";");
        }
    }

    /** A placeholder for an nginx variable inside text that is escaped first. */
    private static String var(String name) {
        return "@@VAR:" + name + "@@";
    }

    private static String withVariables(String escaped) {
        return escaped.replaceAll("@@VAR:([a-z_]+)@@", "\\${$1}");
    }

    /** Text for inside an nginx double-quoted string: quotes and backslashes escaped, {@code $} kept literal. */
    private static String nginxEscaped(String text) {
        return text.replace("\\", "\\\\").replace("\"", "\\\"").replace("$", "${apollo_dollar}");
    }

    private static String quoted(String text) {
        return "\"" + nginxEscaped(text) + "\"";
    }

    static String upstream(BackendPool pool) {
        return safe("apollo_" + pool.environment() + "__" + pool.service() + "__" + pool.release());
    }

    static String upstream(ExternalEndpoint external) {
        return safe("apollo_external_" + external.environment() + "__" + external.name());
    }

    private static String safe(String name) {
        return UNSAFE_NAME.matcher(name).replaceAll("_");
    }

    /** Sorted: the same instances in another order are the same pool, and must not cost a reload. */
    private static List<String> addresses(BackendPool pool) {
        return pool.addresses().stream().sorted().toList();
    }

    private static String hostPort(ExternalEndpoint external) {
        String host = external.host().contains(":") ? "[" + external.host() + "]" : external.host();
        return host + ":" + external.port();
    }

    private static boolean defaultPort(ExternalEndpoint external) {
        return external.port() == (external.tls() ? 443 : 80);
    }

    private static String seconds(java.time.Duration duration) {
        return duration.toMillis() % 1000 == 0 ? duration.toSeconds() + "s" : duration.toMillis() + "ms";
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
