package dev.apollo.gateway.nginx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static dev.apollo.routing.Tables.backend;
import static dev.apollo.routing.Tables.rule;
import static dev.apollo.routing.Tables.service;

import dev.apollo.api.RouteTableView;
import dev.apollo.api.RouteTableView.EnvironmentRoutes;
import dev.apollo.api.RouteTableView.External;
import dev.apollo.api.RouteTableView.PathRule;
import dev.apollo.api.RouteTableView.ServiceRoute;
import dev.apollo.api.RouteTableView.Testbed;
import dev.apollo.gateway.nginx.NginxConfig.Part;
import dev.apollo.gateway.nginx.NginxRenderer.Refused;
import dev.apollo.routing.GatewayException;
import dev.apollo.routing.Tables;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The renderer against golden files, and every golden file against {@code nginx -t}.
 *
 * <p>{@code src/test/resources/nginx/NAME.conf} is, byte for byte, what the renderer writes for the
 * fixture {@code NAME} (see {@link #table}) with {@link #SETTINGS}. After an intended change to the
 * renderer, regenerate them and review the diff before committing it:
 * <pre>
 *   m -pl gateway-nginx -am test -Dtest=NginxRendererTest -Dsurefire.failIfNoSpecifiedTests=false -Dapollo.updateGolden=true
 *   git diff gateway-nginx/src/test/resources/nginx
 * </pre>
 */
class NginxRendererTest {
    static final Path DIRECTORY = Path.of("/var/lib/apollo/nginx");
    static final NginxSettings SETTINGS = NginxFixtures.settings(DIRECTORY, "127.0.0.1:8080", "127.0.0.1:9090");
    /** Relative to the module: surefire runs in gateway/. */
    static final Path GOLDEN = Path.of("src/test/resources/nginx");
    static final boolean UPDATE = Boolean.getBoolean("apollo.updateGolden");

    private final NginxRenderer renderer = new NginxRenderer(SETTINGS);

    /** The fixtures, with fixed ports. */
    static RouteTableView table(String name) {
        return switch (name) {
            case "full" -> NginxFixtures.table(7, 1001, 1002, 1003, 2001, 3001, 4001, 5001);
            case "empty" -> NginxFixtures.emptyTable(3);
            case "edges" -> NginxFixtures.edgeTable(5, 6001);
            default -> throw new IllegalArgumentException(name);
        };
    }

    private static String golden(String name) throws IOException {
        return Files.readString(GOLDEN.resolve(name + ".conf"), StandardCharsets.UTF_8);
    }

    @ParameterizedTest
    @ValueSource(strings = {"full", "empty", "edges"})
    void rendersTheGoldenFileByteForByte(String name) throws IOException {
        NginxConfig config = renderer.render(table(name));
        Path file = GOLDEN.resolve(name + ".conf");
        if (UPDATE) {
            Files.createDirectories(GOLDEN);
            Files.writeString(file, config.text(), StandardCharsets.UTF_8);
        }
        assertThat(file).as("golden file %s (regenerate with -Dapollo.updateGolden=true)", file).exists();
        assertThat(config.text().getBytes(StandardCharsets.UTF_8))
                .as("%s differs from the rendering; if the change is intended, regenerate with -Dapollo.updateGolden=true", file)
                .isEqualTo(Files.readAllBytes(file));
    }

    @ParameterizedTest
    @ValueSource(strings = {"full", "empty", "edges"})
    void everyGoldenFilePassesNginxT(String name, @TempDir Path dir) throws IOException {
        NginxSettings settings = NginxFixtures.settings(dir, "127.0.0.1:8080", "127.0.0.1:9090");
        Nginx.prepareDirectories(settings);
        // The golden file as it would be rendered for a directory of this test's own.
        Files.writeString(settings.configFile(), golden(name).replace(DIRECTORY.toString(), dir.toString()));
        Nginx.Validation validation = Nginx.locate(Optional.empty()).test(settings.configFile(), settings);
        assertThat(validation.valid()).as("nginx -t on %s.conf: %s (line %s)", name, validation.message(), validation.line())
                .isTrue();
    }

    @Test
    void anEmptyTableAnswersNoRouteTableToEveryRequest() {
        NginxConfig config = renderer.render(table("empty"));
        String noRouteTable = "return 503 \"{\\\"error\\\":\\\"no_route_table\\\"";
        // Both listeners, at "location /", and nothing else routes anywhere.
        assertThat(count(config.text(), noRouteTable)).isEqualTo(2);
        assertThat(config.text()).doesNotContain("upstream apollo_external", "apollo:web/", "apollo:rpc/", "set $apollo_target \"p");
        assertThat(config.parts()).isEmpty();
        assertThat(config.forEnvironment("production")).isEqualTo("\n");
    }

    @Test
    void theEdgesAreRendered() {
        NginxConfig config = renderer.render(table("edges"));
        assertThat(config.text())
                // https with a base path: TLS to the host by name, the base path without its trailing slash.
                .contains("upstream apollo_external_production__billing {\n    server localhost:8443;")
                .contains("proxy_pass \"https://apollo_external_production__billing/api/v2$apollo_rpc_rest$is_args$args\";")
                .contains("proxy_set_header Host \"localhost:8443\";")
                .contains("proxy_ssl_server_name on;")
                .contains("proxy_ssl_name \"localhost\";")
                // plain http on its default port: Host without the port, no TLS.
                .contains("upstream apollo_external_production__status {\n    server localhost:80;")
                .contains("proxy_pass \"http://apollo_external_production__status$apollo_rpc_rest$is_args$args\";")
                .contains("proxy_set_header Host \"localhost\";")
                // no release's instances: the balancer has them (and answers 503 for a release without any).
                .doesNotContain("upstream apollo_production__", "127.0.0.1:6001", "no_healthy_instance")
                .contains("location = \"apollo:testbed/production/api\" {\n      set $apollo_target \"production/api\";");
        assertThat(renderer.members(table("edges")).text())
                .contains("P\tapollo_production__api__r2\t127.0.0.1:6001\t")
                .contains("B\tproduction/api\treply\t503\t{\"error\":\"no_healthy_instance\"")
                .contains("W\tproduction/web-service\treply\t503\t{\"error\":\"no_healthy_instance\"");
        assertThat(count(config.text(), "proxy_ssl_server_name on;")).isEqualTo(1);
    }

    @Test
    void versionNumberAndTimeChangeNoByte() {
        RouteTableView table = table("full");
        RouteTableView later = new RouteTableView(table.version() + 41, Instant.parse("2031-06-07T08:09:10.123Z"),
                table.environments());
        NginxConfig one = renderer.render(table);
        NginxConfig other = renderer.render(later);
        assertThat(other.text()).isEqualTo(one.text());
        assertThat(other.digest()).isEqualTo(one.digest());
        assertThat(other.parts()).isEqualTo(one.parts());
    }

    @ParameterizedTest
    @ValueSource(strings = {"full", "edges"})
    void theOrderOfTheTablesListsChangesNoByte(String name) {
        RouteTableView table = table(name);
        RouteTableView reordered = reversed(table);
        assertThat(reordered).isNotEqualTo(table);
        NginxConfig one = renderer.render(table);
        NginxConfig other = renderer.render(reordered);
        assertThat(other.text()).isEqualTo(one.text());
        assertThat(other.digest()).isEqualTo(one.digest());
    }

    @Test
    void instanceChangesChangeTheMembersAndNotTheConfiguration() {
        RouteTableView table = table("full");
        NginxConfig config = renderer.render(table);
        Members members = renderer.members(table);
        // Upgrade (another release, other instances), scale, replacement (other ports), testbed gone, no healthy instance:
        List<RouteTableView> instanceChanges = List.of(
                NginxFixtures.table(8, 1101, 1102, 1003, 2001, 3001, 4001, 5001),
                NginxFixtures.table(9, 1001, 1001, 1003, 2001, 3001, 4001, 5001),
                Tables.table(10, withServices(table, "production", List.of(
                        service("web-service", "r9", List.of(backend("web-9", 1009))),
                        service("shop", "r3", List.of(backend("shop-1", 1010))),
                        service("rpc-service", "r4", List.of()),
                        service("dead", "r6", List.of(backend("dead-1", 5001)))))));
        for (RouteTableView changed : instanceChanges) {
            assertThat(renderer.render(changed).digest()).as("configuration of table %s", changed.version())
                    .isEqualTo(config.digest());
            assertThat(renderer.members(changed).digest()).as("members of table %s", changed.version())
                    .isNotEqualTo(members.digest());
        }
        // A new path rule, service, environment or external is structure: it is in the configuration.
        List<RouteTableView> structural = List.of(
                Tables.table(11, withRules(table, "production", List.of(rule("/new", "web-service")))),
                Tables.table(12, withServices(table, "stage2", List.of(service("brand-new", "r1", List.of(backend("b", 1)))))),
                Tables.table(13, append(table.environments(), new EnvironmentRoutes("stage3", null, List.of(), List.of(), List.of())).toArray(EnvironmentRoutes[]::new)));
        for (RouteTableView changed : structural) {
            assertThat(renderer.render(changed).digest()).as("configuration of table %s", changed.version())
                    .isNotEqualTo(config.digest());
        }
        // The members name every instance, the release and the answers for it.
        assertThat(members.text()).startsWith("apollo-members\t" + members.digest() + "\n")
                .contains("P\tapollo_production__web-service__r1\t127.0.0.1:1001,127.0.0.1:1002\t{\"error\":\"bad_gateway\"")
                .contains("W\tstage2/web-service\tpool\tapollo_production__web-service__r1\n")
                .contains("B\tproduction/web-service\tpool\tapollo_production__web-service__r2\n")
                .contains("H\tstage1/rpc-service\treply\t404\t{\"error\":\"no_testbed\"")
                .contains("R\tstage1/rpc-service\tpool\tapollo_stage1__rpc-service__r5\n")
                .contains("W\tproduction/shop\treply\t503\t{\"error\":\"no_healthy_instance\"");
        assertThat(renderer.members(reversed(table))).isEqualTo(members);
    }

    @Test
    void proxyCredentialsAndHopByHopHeadersStayAndAHostIsAlwaysSent() {
        String text = renderer.render(table("full")).text();
        for (String header : List.of("Proxy-Authorization", "Proxy-Connection", "Keep-Alive", "TE", "Trailer", "HTTP2-Settings")) {
            assertThat(count(text, "proxy_set_header " + header + " \"\";")).as(header).isEqualTo(2);
        }
        assertThat(text).contains("proxy_set_header Upgrade $apollo_upgrade;", "\"~*^websocket$\" $http_upgrade;",
                "proxy_set_header Host $apollo_forward_host;", "map $host $apollo_any_host { \"\" \"$server_addr:$server_port\";");
        assertThat(text).contains("proxy_next_upstream error;").doesNotContain("proxy_next_upstream error timeout", "max_fails");
    }

    private static EnvironmentRoutes[] withServices(RouteTableView table, String env, List<ServiceRoute> services) {
        return table.environments().stream().map(e -> !e.name().equals(env) ? e
                : new EnvironmentRoutes(e.name(), e.fallback(), e.rules(), services, e.externals())).toArray(EnvironmentRoutes[]::new);
    }

    private static EnvironmentRoutes[] withRules(RouteTableView table, String env, List<PathRule> rules) {
        return table.environments().stream().map(e -> !e.name().equals(env) ? e
                : new EnvironmentRoutes(e.name(), e.fallback(), append(e.rules(), rules.toArray(PathRule[]::new)),
                        e.services(), e.externals())).toArray(EnvironmentRoutes[]::new);
    }

    @SafeVarargs
    private static <T> List<T> append(List<T> list, T... more) {
        List<T> copy = new ArrayList<>(list);
        copy.addAll(List.of(more));
        return copy;
    }

    @Test
    void theDigestIsTheTextsAndNginxAnswersIt() {
        NginxConfig config = renderer.render(table("full"));
        assertThat(config.digest()).matches("[0-9a-f]{64}");
        assertThat(config.text()).contains("location = /config { return 200 \"" + config.digest() + "\\n\"; }");
        assertThat(config.text()).contains("(config " + config.digest() + ")");
        assertThat(renderer.render(table("edges")).digest()).isNotEqualTo(config.digest());
    }

    @Test
    void oneEnvironmentsPartHasItsLocationsAndUpstreamsAndNothingOfTheOthers() {
        NginxConfig config = renderer.render(table("full"));
        String stage1 = config.forEnvironment("stage1");
        assertThat(stage1)
                .contains("# environment stage1, falling back to production")
                .contains("upstream apollo_external_stage1__payments {")
                .contains("server 127.0.0.1:4001;")
                .contains("location = \"apollo:rpc/stage1/rpc-service\"")
                .contains("location = \"apollo:rpc/stage1/payments\"")
                .contains("proxy_pass \"http://apollo_external_stage1__payments/sandbox$apollo_rpc_rest$is_args$args\";")
                // what it inherits from production is routed as stage1 sees it (the balancer knows it is production's)...
                .contains("location ^~ \"apollo:web/stage1/\"")
                .contains("set $apollo_target \"stage1/web-service\";");
        // ...but production's own locations, upstreams and pool locations are not stage1's.
        assertThat(stage1).doesNotContain("apollo:web/production", "apollo:rpc/production", "apollo:testbed/production",
                "upstream apollo_external_production", "apollo:web-balanced\" {", "apollo_target \"production/",
                "/v1$apollo_rpc_rest", "127.0.0.1:1001", "127.0.0.1:2001",
                "# environment production", "# environment stage2", "# environment lab", "apollo:web/stage2", "apollo:rpc/lab");
        String production = config.forEnvironment("production");
        assertThat(production).contains("upstream apollo_external_production__payments {",
                "set $apollo_target \"production/web-service\";", "location ^~ \"apollo:web/production/\"");
        assertThat(production).doesNotContain("stage1", "stage2", "apollo:web/lab");
        // Every part's lines are where the text has them, and parts never overlap.
        List<String> lines = config.text().lines().toList();
        List<Part> parts = config.parts();
        for (int i = 0; i < parts.size(); i++) {
            Part part = parts.get(i);
            assertThat(part.first()).isBetween(1, part.last());
            assertThat(part.last()).isLessThanOrEqualTo(lines.size());
            if (i > 0) {
                assertThat(part.first()).as("parts in file order, apart").isGreaterThan(parts.get(i - 1).last());
            }
        }
    }

    @Test
    void aLineOfAnExternalsUpstreamNamesTheExternal() {
        NginxConfig config = renderer.render(table("full"));
        int header = lineOf(config, "upstream apollo_external_stage1__payments {");
        for (int line = header; line <= header + 2; line++) { // the block, its server and keepalive lines
            assertThat(config.partAt(line)).as("line %s", line).hasValueSatisfying(part -> {
                assertThat(part.environment()).isEqualTo("stage1");
                assertThat(part.external()).isEqualTo("payments");
            });
        }
        int closed = lineOf(config, "upstream apollo_external_production__closed {");
        assertThat(config.partAt(closed + 1)).hasValueSatisfying(part -> {
            assertThat(part.environment()).isEqualTo("production");
            assertThat(part.external()).isEqualTo("closed");
        });
        // A service's location is its environment's, no external's; the shared header and balancer are nobody's.
        int service = lineOf(config, "location = \"apollo:rpc/stage1/rpc-service\" {");
        assertThat(config.partAt(service + 1)).hasValueSatisfying(part -> {
            assertThat(part.environment()).isEqualTo("stage1");
            assertThat(part.external()).isEmpty();
        });
        assertThat(config.partAt(lineOf(config, "upstream apollo_instances {"))).isEmpty();
        assertThat(config.partAt(lineOf(config, "worker_processes 1;"))).isEmpty();
        assertThat(config.partAt(0)).isEmpty();
        assertThat(config.partAt(Integer.MAX_VALUE)).isEmpty();
    }

    @Test
    void aRefusedExternalAnswers502AndTheRestIsUntouched(@TempDir Path dir) throws IOException {
        RouteTableView table = table("full");
        Refused refused = new Refused("production", "payments", "http://127.0.0.1:4001/v1", "host not found in upstream");
        NginxConfig config = renderer.render(table, List.of(refused));
        assertThat(config.text())
                .doesNotContain("upstream apollo_external_production__payments")
                .doesNotContain("http://apollo_external_production__payments")
                .contains("nginx refused its configuration (host not found in upstream)")
                // stage1 has a payments of its own, with another URL: it is still proxied.
                .contains("upstream apollo_external_stage1__payments {");
        int location = lineOf(config, "location = \"apollo:rpc/production/payments\" {");
        assertThat(config.text().lines().skip(location).findFirst().orElseThrow())
                .startsWith("      return 502 \"{\\\"error\\\":\\\"external_unreachable\\\"");
        assertThat(config.digest()).isNotEqualTo(renderer.render(table).digest());
        // Only the same URL is refused: a refusal of another URL changes nothing.
        assertThat(renderer.render(table, List.of(new Refused("production", "payments", "http://elsewhere", "x"))).text())
                .isEqualTo(renderer.render(table).text());
        // And what is left is still a configuration nginx takes.
        NginxSettings settings = NginxFixtures.settings(dir, "127.0.0.1:8080", "127.0.0.1:9090");
        Nginx.prepareDirectories(settings);
        Files.writeString(settings.configFile(), new NginxRenderer(settings).render(table, List.of(refused)).text());
        Nginx.Validation validation = Nginx.locate(Optional.empty()).test(settings.configFile(), settings);
        assertThat(validation.valid()).as(validation.message()).isTrue();
    }

    @Test
    void aTableNoGatewayCouldServeIsRefusedWithItsReason() {
        RouteTableView badRule = new RouteTableView(1, Instant.EPOCH, List.of(new EnvironmentRoutes("production", null,
                List.of(new PathRule("shop", "shop")), List.of(), List.of())));
        assertThatThrownBy(() -> renderer.render(badRule)).isInstanceOf(GatewayException.class)
                .hasMessageContaining("path rule 'shop' in environment production");
        RouteTableView badUrl = new RouteTableView(1, Instant.EPOCH, List.of(new EnvironmentRoutes("stage1", null, List.of(),
                List.of(), List.of(new External("ledger", "ftp://ledger.example")))));
        assertThatThrownBy(() -> renderer.render(badUrl)).isInstanceOf(GatewayException.class)
                .hasMessageContaining("external ledger in environment stage1").hasMessageContaining("ftp://ledger.example");
    }

    @Test
    void aMissingNginxSaysHowToPointAtOrInstallOne() {
        assertThatThrownBy(() -> Nginx.locate(Optional.of(Path.of("/nonexistent/nginx"))))
                .isInstanceOf(GatewayException.class)
                .hasMessageContaining("/nonexistent/nginx")
                .hasMessageContaining("--nginx")
                .hasMessageContaining("apt-get install nginx");
    }

    @Test
    void theInstalledNginxHasItsLuaModuleAndInstanceNamesAreResolvedForIt() {
        List<Path> modules = Nginx.locate(Optional.empty()).luaModules();
        assertThat(modules).allSatisfy(module -> assertThat(module).isRegularFile());
        assertThat(modules).anySatisfy(module -> assertThat(module.getFileName().toString()).isEqualTo("ngx_http_lua_module.so"));
        assertThat(NginxGateway.resolved("127.0.0.1:8080")).isEqualTo("127.0.0.1:8080");
        assertThat(NginxGateway.resolved("[::1]:8080")).isEqualTo("[::1]:8080");
        assertThat(NginxGateway.resolved("localhost:8080")).matches("(127\\.0\\.0\\.1|\\[[0-9a-f:]+\\]):8080");
        assertThat(NginxGateway.resolved("no-such-host.invalid:80")).isEqualTo("no-such-host.invalid:80");
    }

    @Test
    void theInstalledNginxIsFoundAndTellsItsVersion() {
        Nginx nginx = Nginx.locate(Optional.empty());
        assertThat(Files.isExecutable(nginx.binary())).isTrue();
        assertThat(nginx.version()).startsWith("nginx/");
    }

    private static int lineOf(NginxConfig config, String text) {
        List<String> lines = config.text().lines().toList();
        return IntStream.range(0, lines.size()).filter(i -> lines.get(i).strip().equals(text)).findFirst()
                .orElseThrow(() -> new AssertionError("no line " + text)) + 1;
    }

    private static int count(String text, String part) {
        int n = 0;
        for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + 1)) {
            n++;
        }
        return n;
    }

    /** The same table with every list the other way round: environments, rules, services, backends, externals. */
    static RouteTableView reversed(RouteTableView table) {
        List<EnvironmentRoutes> environments = new ArrayList<>();
        for (EnvironmentRoutes env : table.environments()) {
            List<ServiceRoute> services = new ArrayList<>();
            for (ServiceRoute service : reversed(env.services())) {
                Testbed testbed = service.testbed() == null ? null : new Testbed(service.testbed().release(),
                        service.testbed().version(), reversed(service.testbed().backends()), service.testbed().weight());
                services.add(new ServiceRoute(service.service(), service.release(), service.version(),
                        reversed(service.backends()), testbed));
            }
            environments.add(new EnvironmentRoutes(env.name(), env.fallback(), reversed(env.rules()), services,
                    reversed(env.externals())));
        }
        return new RouteTableView(table.version(), table.generatedAt(), reversed(environments));
    }

    private static <T> List<T> reversed(List<T> list) {
        List<T> copy = new ArrayList<>(list);
        Collections.reverse(copy);
        return copy;
    }
}
