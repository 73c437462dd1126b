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
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
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

    private static final String BALANCER = balancerCode();

    /**
     * The errors nginx answers itself, by the status nginx gives them, with what we answer instead
     * (494 is nginx's own code for headers too large, sent as 400; we send 431 as the embedded gateway).
     * nginx reads a request line of up to 8192 bytes and header lines of up to 8192 bytes, 32768 in all
     * (large_client_header_buffers 4 8k); it cannot tell us which of its 400s it was.
     */
    private static final SortedMap<Integer, Reject> PROTOCOL_ERRORS = new TreeMap<>(Map.of(
            400, Rejects.malformedRequest("nginx could not read its request line or headers, or it has no Host or two"),
            408, Rejects.requestTimeout(),
            414, Rejects.uriTooLong(8192),
            494, Rejects.headersTooLarge("8192 bytes a line or 32768 in all"),
            501, Rejects.unsupportedTransferEncoding(),
            505, Rejects.httpVersionNotSupported("")));

    private final NginxSettings settings;
    private final List<Path> modules;

    /** With Debian's Lua module ({@code libnginx-mod-http-lua}), where Debian's nginx finds its modules. */
    public NginxRenderer(NginxSettings settings) {
        this(settings, Nginx.DEBIAN_LUA_MODULES);
    }

    /** @param modules the dynamic modules nginx loads for Lua (empty for an nginx built with it, e.g. OpenResty) */
    public NginxRenderer(NginxSettings settings, List<Path> modules) {
        this.settings = settings;
        this.modules = List.copyOf(modules);
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

    /**
     * What the Lua balancer routes by, apart from the configuration: for every service as each
     * environment sees it, which release serves it (or what to answer when none can) and that
     * release's instances. Sent over the control socket; a change here never reloads nginx.
     */
    public Members members(RouteTableView table) {
        return members(table, java.util.function.UnaryOperator.identity());
    }

    /**
     * @param resolve HOST:PORT to IP:PORT: nginx's balancer takes addresses only (the error bodies keep the names)
     */
    public Members members(RouteTableView table, java.util.function.UnaryOperator<String> resolve) {
        RouteSnapshot snapshot = RouteSnapshot.compile(table);
        SortedMap<String, String> pools = new TreeMap<>();
        StringBuilder choices = new StringBuilder();
        for (EnvironmentTable envTable : snapshot.environments().values()) {
            String env = envTable.name();
            new TreeMap<>(envTable.services()).forEach((service, target) -> {
                String key = env + "/" + service;
                BackendPool live = target.live();
                choice(choices, "W", key, live, pools, resolve, Rejects.noHealthyRelease(env, live.environment(), service, live.release()));
                choice(choices, "R", key, live, pools, resolve, Rejects.noHealthyService(env, live.environment(), service));
                BackendPool testbed = target.testbed();
                if (testbed == null) {
                    replyChoice(choices, "H", key, Rejects.noTestbed(env, service));
                } else {
                    Reject empty = Rejects.noHealthyRelease(env, testbed.environment(), service, testbed.release());
                    choice(choices, "B", key, testbed, pools, resolve, empty);
                    choice(choices, "H", key, testbed, pools, resolve, empty);
                }
            });
        }
        StringBuilder body = new StringBuilder();
        pools.values().forEach(body::append);
        body.append(choices);
        String text = body.toString();
        String digest = sha256(text);
        return new Members("apollo-members\t" + digest + "\n" + text, digest);
    }

    private static void choice(StringBuilder out, String kind, String key, BackendPool pool, SortedMap<String, String> pools,
            java.util.function.UnaryOperator<String> resolve, Reject whenEmpty) {
        if (pool.isEmpty()) {
            replyChoice(out, kind, key, whenEmpty);
            return;
        }
        String id = upstream(pool);
        pools.computeIfAbsent(id, ignored -> fields("P", id, String.join(",", addresses(pool).stream().map(resolve).toList()),
                body(Rejects.backendUnreachable(pool.environment(), pool.service(), addresses(pool))),
                body(Rejects.backendTimeout(pool.environment(), pool.service()))));
        out.append(fields(kind, key, "pool", id));
    }

    private static void replyChoice(StringBuilder out, String kind, String key, Reject reject) {
        out.append(fields(kind, key, "reply", Integer.toString(reject.status()), body(reject)));
    }

    /** One line of tab-separated fields; JSON bodies hold no raw tab or newline (JSON escapes them). */
    private static String fields(String... fields) {
        return String.join("\t", fields) + "\n";
    }

    private static String body(Reject reject) {
        return Rejects.json(reject).stripTrailing();
    }

    private final class Rendering {
        private final RouteSnapshot snapshot;
        private final Collection<Refused> refused;
        private final ConfWriter out;
        private final SortedMap<String, ExternalEndpoint> externals = new TreeMap<>();

        Rendering(RouteSnapshot snapshot, Collection<Refused> refused, ConfWriter out) {
            this.snapshot = snapshot;
            this.refused = refused;
            this.out = out;
            for (EnvironmentTable env : snapshot.environments().values()) {
                for (RpcTarget target : env.rpcTargets().values()) {
                    if (target instanceof ExternalEndpoint external && refusal(external).isEmpty()) {
                        externals.put(upstream(external), external);
                    }
                }
            }
        }

        void write() {
            out.line("# Apollo's nginx gateway, rendered from the route table (config " + DIGEST_TOKEN + ").");
            out.line("# Do not edit: Apollo validates every change with nginx -t, swaps this file and reloads.");
            out.line("# Instances are not in this file: Apollo sends them to the Lua balancer over the control socket,");
            out.line("# so a change of instances (deploy, scale, replacement, rollback, testbed) needs no reload.");
            modules.forEach(module -> out.line("load_module " + quoted(module.toString()) + ";"));
            settings.user().ifPresent(user -> out.line("user " + user + ";"));
            out.line("worker_processes " + settings.workers() + ";");
            out.line("worker_shutdown_timeout " + seconds(settings.workerShutdownTimeout()) + ";");
            out.line("pid " + quoted(settings.pidFile().toString()) + ";");
            out.line("error_log " + quoted(settings.errorLog().toString()) + " warn;");
            out.line("events { worker_connections 4096; }");
            out.blank();
            out.open("http");
            httpDefaults();
            balancer();
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
            out.line("# Answers are passed on as they come, never parked in a file (the workers may not reach the data dir).");
            out.line("proxy_max_temp_file_size 0;");
            out.line("proxy_http_version 1.1;");
            out.line("proxy_connect_timeout " + seconds(settings.connectTimeout()) + ";");
            out.line("proxy_read_timeout " + seconds(settings.backendTimeout()) + ";");
            out.line("proxy_send_timeout " + seconds(settings.backendTimeout()) + ";");
            out.line("# Another instance is tried once, only after an error, never after a timeout (the request may be");
            out.line("# running there); nginx never resends a request that is not idempotent.");
            out.line("proxy_next_upstream error;");
            out.line("proxy_next_upstream_tries 2;");
            out.blank();
        }

        private void balancer() {
            out.line("# The instances of every release, replaced over the control socket.");
            out.line("lua_shared_dict apollo_members 32m;");
            String code = BALANCER.replace("@@NOT_YET@@", luaString(Rejects.json(Rejects.noRouteTable()).stripTrailing()));
            out.open("init_by_lua_block");
            out.line("apollo = (function()");
            code.lines().forEach(line -> out.line(line.isBlank() ? "" : line));
            out.line("end)()");
            out.close();
            out.blank();
        }

        private void maps() {
            out.line("# A literal $ in text that nginx would otherwise read as a variable.");
            out.line("geo $apollo_dollar { default \"$\"; }");
            out.line("# Hop-by-hop: Upgrade goes on for a WebSocket only.");
            out.line("map $http_upgrade $apollo_upgrade { default \"\"; \"~*^websocket$\" $http_upgrade; }");
            out.line("map $apollo_upgrade $apollo_connection { default upgrade; \"\" \"\"; }");
            out.line("# A Host is always sent: the client's, else the one in its request line, else the address it reached.");
            out.line("map $host $apollo_any_host { \"\" \"$server_addr:$server_port\"; default $host; }");
            out.line("map $http_host $apollo_forward_host { \"\" $apollo_any_host; default $http_host; }");
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
            out.line("# Every release: the balancer picks an instance of the release the request was routed to.");
            out.open("upstream apollo_instances");
            out.line("server 0.0.0.1:1; # never used: the balancer names the instance");
            out.line("balancer_by_lua_block { apollo.balance() }");
            out.line("keepalive 256;");
            // Below the idle timeout of the JDK's HTTP server (30 s), so nginx never reuses a connection the instance closed.
            out.line("keepalive_timeout 20s;");
            out.close();
            externals.forEach((name, external) -> {
                out.beginPart(external.environment(), external.name());
                out.open("upstream " + name);
                out.line("server " + hostPort(external) + ";");
                out.line("keepalive 8;");
                out.line("keepalive_timeout 20s;");
                out.close();
                out.endPart();
            });
            out.blank();
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
            balanced("web", "$request_uri");
            balanced("H", "$request_uri");
            errorLocations();
            protocolErrorLocations();
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
            new TreeMap<>(table.services()).keySet().forEach(service -> {
                out.open("location = \"apollo:testbed/" + env + "/" + service + "\"");
                toTarget(env, service, "H");
                out.close();
            });
            out.endPart();
        }

        private void webRule(String env, Rule rule, String location) {
            out.open(location);
            if (rule.target() == null) {
                reply(Rejects.notDeployed(env, rule.service()));
            } else {
                toTarget(env, rule.service(), "web");
            }
            out.close();
        }

        /** On to the location where the balancer picks the release and its instance for this service. */
        private void toTarget(String env, String service, String kind) {
            out.line("set $apollo_target \"" + env + "/" + service + "\";");
            out.line("rewrite ^ \"apollo:" + kind + "-balanced\" last;");
        }

        /**
         * The location every request of one kind is proxied from: {@code apollo.route} picks the release
         * (or answers for it, e.g. 503 when it has no healthy instance), the balancer the instance.
         */
        private void balanced(String kind, String uri) {
            out.open("location = \"apollo:" + kind + "-balanced\"");
            out.line("access_by_lua_block { apollo.route(\"" + kind + "\") }");
            out.line("header_filter_by_lua_block { apollo.response_headers() }");
            out.line("proxy_pass \"http://apollo_instances" + uri + "\";");
            out.line("error_page 502 @apollo_502;");
            out.line("error_page 504 @apollo_504;");
            protocolErrorPages();
            out.close();
        }

        private void errorLocations() {
            out.line("location @apollo_502 { content_by_lua_block { apollo.failed(502) } }");
            out.line("location @apollo_504 { content_by_lua_block { apollo.failed(504) } }");
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
            balanced("R", "$apollo_rpc_rest$is_args$args");
            errorLocations();
            protocolErrorLocations();
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
                        toTarget(env, name, "R");
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
            out.line("access_by_lua_block { apollo.request_headers() }");
            out.line("header_filter_by_lua_block { apollo.response_headers() }");
            String errors = "external_" + env + "__" + external.name();
            out.line("error_page 502 @" + errors + "_502;");
            out.line("error_page 504 @" + errors + "_504;");
            protocolErrorPages();
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
            out.line("# Apollo asks which configuration the running workers serve, and sends them the instances.");
            out.open("server");
            out.line("listen " + quoted("unix:" + settings.controlSocket()) + ";");
            out.line("location = /config { return 200 \"" + DIGEST_TOKEN + "\\n\"; }");
            out.open("location = /members");
            out.line("client_max_body_size 32m;");
            out.line("client_body_buffer_size 32m;");
            out.line("content_by_lua_block { apollo.members() }");
            out.close();
            out.line("location / { return 404 \"\"; }");
            out.close();
        }

        private void forwardedHeaders(String environment) {
            out.line("set $apollo_target \"\";");
            out.line("set $apollo_pool \"\";");
            out.line("proxy_set_header Host $apollo_forward_host;");
            out.line("proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;");
            out.line("proxy_set_header X-Forwarded-Proto $scheme;");
            out.line("proxy_set_header X-Forwarded-Host $http_host;");
            out.line("proxy_set_header X-Apollo-Env " + environment + ";");
            out.line("proxy_set_header Upgrade $apollo_upgrade;");
            out.line("proxy_set_header Connection $apollo_connection;");
            out.line("# Hop-by-hop, or meant for a proxy: not for the instance (apollo.request_headers drops what the");
            out.line("# client's Connection names, and adds every X-Forwarded-For line and Via).");
            for (String header : List.of("Proxy-Authorization", "Proxy-Connection", "Keep-Alive", "TE", "Trailer", "HTTP2-Settings")) {
                out.line("proxy_set_header " + header + " \"\";");
            }
            out.line("# Errors nginx finds itself, often before any location (a request it cannot read, too long, a version it");
            out.line("# does not speak): our JSON instead of its HTML page. A location with error pages of its own repeats these.");
            protocolErrorPages();
        }

        /**
         * nginx's own protocol errors, to our JSON. The pages' URIs start with "//", which no client
         * request can reach (nginx merges a client's slashes before it picks a location), and error_page
         * needs a URI: a named location does not work for a request whose line nginx could not read.
         * There is no 413 (client_max_body_size 0), and nginx closes on 408 without an answer; the page
         * is there should a later nginx send one.
         */
        private void protocolErrorPages() {
            PROTOCOL_ERRORS.forEach((nginxStatus, reject) -> out.line("error_page " + nginxStatus
                    + (nginxStatus == reject.status() ? "" : " =" + reject.status()) + " " + protocolErrorUri(reject) + ";"));
        }

        private void protocolErrorLocations() {
            PROTOCOL_ERRORS.values().forEach(reject -> replyIn("location = " + protocolErrorUri(reject), reject));
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

    private static String protocolErrorUri(Reject reject) {
        return "//apollo-error/" + reject.status();
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

    /** A Lua string literal (long brackets never need escaping; the level is one the text does not contain). */
    private static String luaString(String text) {
        String level = "=";
        while (text.contains("]" + level + "]")) {
            level += "=";
        }
        return "[" + level + "[" + text + "]" + level + "]";
    }

    private static String balancerCode() {
        try (InputStream in = NginxRenderer.class.getResourceAsStream("apollo.lua")) {
            if (in == null) {
                throw new IllegalStateException("apollo.lua is missing from the gateway-nginx jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read apollo.lua from the gateway-nginx jar: " + e.getMessage(), e);
        }
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
