package dev.apollo.gateway.nginx;

import static dev.apollo.routing.Tables.backend;
import static dev.apollo.routing.Tables.external;
import static dev.apollo.routing.Tables.rule;
import static dev.apollo.routing.Tables.service;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.apollo.api.RouteTableView;
import dev.apollo.api.RouteTableView.Backend;
import dev.apollo.api.RouteTableView.EnvironmentRoutes;
import dev.apollo.api.RouteTableView.External;
import dev.apollo.api.RouteTableView.PathRule;
import dev.apollo.api.RouteTableView.ServiceRoute;
import dev.apollo.gateway.EchoBackend;
import dev.apollo.gateway.ExampleInstances;
import dev.apollo.gateway.Http;
import dev.apollo.gateway.nginx.NginxGateway.Options;
import dev.apollo.process.LogLimits;
import dev.apollo.process.LogRotation;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The nginx manager with a real nginx in front of in-process backends: table changes are served,
 * configurations nginx refuses are never applied, a refused external is isolated, bursts are
 * coalesced, old workers are bounded, a running nginx is adopted and a killed one replaced.
 *
 * <p>Every nginx a test starts is stopped after it, whatever the outcome ({@link #stopEverything}).
 * Tests wait by polling with a deadline, never by sleeping.
 */
class NginxGatewayTest {
    private static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");
    private static final Options OPTIONS = Options.defaults();
    private static final List<String> TIMINGS = new CopyOnWriteArrayList<>();

    @TempDir
    Path dir;

    private final Nginx nginx = Nginx.locate(Optional.empty());
    private final Recorder listener = new Recorder();
    private final List<NginxGateway> gateways = new ArrayList<>();
    private final List<NginxSettings> used = new ArrayList<>();
    /** Processes a test may leave behind (the workers of a master it killed). */
    private final Set<Long> strays = ConcurrentHashMap.newKeySet();
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private EchoBackend a;
    private EchoBackend b;
    private EchoBackend c;

    /** A started manager, its feed and clients for its listeners. */
    private record Running(NginxGateway gateway, StaticRoutes routes, NginxSettings settings, Http web, Http rpc) {}

    private static final class Recorder implements NginxGateway.Listener {
        final List<String> troubles = new CopyOnWriteArrayList<>();
        final List<String> recoveries = new CopyOnWriteArrayList<>();

        @Override
        public void trouble(String message) {
            troubles.add(message);
        }

        @Override
        public void recovered(String message) {
            recoveries.add(message);
        }
    }

    @AfterEach
    void stopEverything() {
        strays.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
        for (NginxGateway gateway : gateways) {
            try {
                gateway.stop(Duration.ofSeconds(2));
            } catch (RuntimeException e) {
                System.err.println("stopping nginx: " + e);
            }
        }
        for (NginxSettings settings : used) { // a master no manager holds (one that failed to start, say)
            try {
                nginx.master(settings).ifPresent(master -> Nginx.stop(master, Duration.ofSeconds(2)));
            } catch (RuntimeException e) {
                System.err.println("stopping nginx: " + e);
            }
        }
        // In parallel: a JDK HttpServer takes up to a second to stop.
        List<Thread> closing = closeables.stream().map(closeable -> Thread.ofVirtual().start(() -> {
            try {
                closeable.close();
            } catch (Exception e) {
                System.err.println("closing: " + e);
            }
        })).toList();
        for (Thread thread : closing) {
            try {
                thread.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @AfterAll
    static void printTimings() {
        TIMINGS.forEach(line -> System.out.println("[nginx timing] " + line));
    }

    private EchoBackend echo(String name) {
        EchoBackend backend = new EchoBackend(name);
        closeables.add(backend);
        return backend;
    }

    private void backends() {
        a = echo("a");
        b = echo("b");
        c = echo("c");
    }

    private Running start(RouteTableView table, Options options) {
        return start(table, options, dir.resolve("nginx"), ExampleInstances.freePort(), ExampleInstances.freePort());
    }

    private Running start(RouteTableView table, Options options, Path directory, int web, int rpc) {
        return start(table, options, directory, web, rpc, false);
    }

    private Running start(RouteTableView table, Options options, Path directory, int web, int rpc, boolean workersAsUs) {
        NginxSettings fixture = NginxFixtures.settings(directory, "127.0.0.1:" + web, "127.0.0.1:" + rpc);
        boolean root = "root".equals(System.getProperty("user.name"));
        NginxSettings settings = !workersAsUs || !root ? fixture : new NginxSettings(fixture.directory(), fixture.web(),
                fixture.rpc(), fixture.domain(), fixture.rpcSuffix(), fixture.workers(), fixture.connectTimeout(),
                fixture.backendTimeout(), fixture.externalTimeout(), fixture.workerShutdownTimeout(), Optional.of("root"));
        used.add(settings);
        StaticRoutes routes = StaticRoutes.of(table);
        NginxGateway gateway = NginxGateway.start(nginx, new NginxRenderer(settings), routes, listener, Clock.systemUTC(), options);
        gateways.add(gateway);
        Http webClient = new Http(web);
        Http rpcClient = new Http(rpc);
        closeables.add(webClient);
        closeables.add(rpcClient);
        return new Running(gateway, routes, settings, webClient, rpcClient);
    }

    /** production: / => web (on {@code root}), /other => other (on b), and these rules and externals besides. */
    private RouteTableView table(long version, EchoBackend root, List<PathRule> rules, List<External> externals) {
        return table(version, List.of(backend(root.name(), root.port())), rules, externals);
    }

    private RouteTableView table(long version, List<Backend> root, List<PathRule> rules, List<External> externals) {
        List<PathRule> all = new ArrayList<>(List.of(rule("/", "web"), rule("/other", "other")));
        all.addAll(rules);
        List<ServiceRoute> services = List.of(
                new ServiceRoute("web", "r-" + root.stream().map(Backend::instance).collect(Collectors.joining("-")), "1", root, null),
                service("other", "o1", List.of(backend("b", b.port()))));
        return new RouteTableView(version, T0.plusSeconds(version),
                List.of(new EnvironmentRoutes("production", null, all, services, externals)));
    }

    /** A table nginx -t refuses as a whole: an environment whose name, unquoted in a map, reads as two words. */
    private RouteTableView refusedTable(long version) {
        RouteTableView table = table(version, a);
        List<EnvironmentRoutes> environments = new ArrayList<>(table.environments());
        environments.add(new EnvironmentRoutes("bad env", null, List.of(), List.of(), List.of()));
        return new RouteTableView(version, table.generatedAt(), environments);
    }

    private RouteTableView table(long version, EchoBackend root) {
        return table(version, root, List.of(), List.of());
    }

    private static ConditionFactory within(int seconds) {
        return await().atMost(Duration.ofSeconds(seconds)).pollInterval(Duration.ofMillis(10)).pollDelay(Duration.ZERO);
    }

    /** Which backend answered GET path, "" for nginx itself (an error). */
    private static String who(Http http, String path) {
        return http.get(path).headers().firstValue("x-backend").orElse("");
    }

    private static String text(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return "";
        }
    }

    private void timing(String what, NginxGateway gateway) {
        TIMINGS.add(what + ": lastApplyMs=" + gateway.status().lastApplyMs() + " reloads=" + gateway.status().reloads());
    }

    @Test
    void itsErrorLogIsRenamedPastItsCapAndReopenedWithNoLineCut() throws IOException {
        backends();
        // Every request to a release on a port nobody listens on is an [error] line in nginx's error.log.
        int closed = ExampleInstances.freePort();
        // Workers run as the user that runs Apollo, as the control plane has them (as root nginx would pick nobody,
        // which could not reopen a log in this test's private directory).
        Running nginx = start(table(1, List.of(backend("dead-1", closed)), List.of(), List.of()),
                OPTIONS.withLogs(new LogLimits(2048, 2)), dir.resolve("nginx"), ExampleInstances.freePort(),
                ExampleInstances.freePort(), true);
        Path log = nginx.settings().errorLog();

        within(60).until(() -> {
            nginx.web().get("/x");
            return Files.exists(LogRotation.copy(log, 2));
        });
        within(60).until(() -> {
            nginx.web().get("/y");
            return Files.exists(log) && Files.size(log) > 0;
        });

        assertThat(LogRotation.copy(log, 3)).doesNotExist();
        for (Path file : List.of(LogRotation.copy(log, 2), LogRotation.copy(log, 1))) {
            String text = Files.readString(file);
            assertThat(text).as("%s holds whole lines", file).endsWith("\n");
            assertThat(text.lines()).as("%s", file).isNotEmpty()
                    .allMatch(line -> line.matches("\\d{4}/\\d\\d/\\d\\d \\d\\d:\\d\\d:\\d\\d \\[\\w+\\] .*"));
        }
        assertThat(Files.readString(LogRotation.copy(log, 1))).contains("connect() failed");
        // Reopened: nginx's processes hold the new file, none a renamed one.
        ProcessHandle master = nginx.gateway().master().orElseThrow();
        Path current = log.toAbsolutePath();
        within(10).until(() -> openFiles(master).contains(current) && master.children().allMatch(w -> openFiles(w).contains(current)));
        assertThat(Stream.concat(Stream.of(master), master.children()).flatMap(p -> openFiles(p).stream()))
                .doesNotContain(LogRotation.copy(current, 1), LogRotation.copy(current, 2));
    }

    private static List<Path> openFiles(ProcessHandle process) {
        try (var descriptors = Files.list(Path.of("/proc", Long.toString(process.pid()), "fd"))) {
            return descriptors.map(fd -> {
                try {
                    return Files.readSymbolicLink(fd);
                } catch (IOException e) {
                    return fd;
                }
            }).toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    @Test
    void aNewTableIsServedOnceTheManagerAppliesIt() throws IOException {
        backends();
        Running nginx = start(table(1, a), OPTIONS);
        NginxGateway.Status before = nginx.gateway().status();
        assertThat(before.appliedRoutesVersion()).isEqualTo(1);
        assertThat(before.lastError()).isNull();
        assertThat(before.appliedAt()).isNotNull();
        assertThat(before.version()).startsWith("nginx/");
        assertThat(who(nginx.web(), "/")).isEqualTo("a");
        timing("first start", nginx.gateway());

        nginx.routes().set(table(2, c));
        within(10).ignoreExceptions().until(() -> who(nginx.web(), "/x").equals("c"));
        within(5).until(() -> nginx.gateway().status().appliedRoutesVersion() == 2);
        NginxGateway.Status after = nginx.gateway().status();
        // Another instance is no structural change: the balancer got it, nginx was not reloaded.
        assertThat(after.reloads()).isEqualTo(before.reloads());
        assertThat(after.memberUpdates()).isGreaterThan(before.memberUpdates());
        assertThat(after.lastError()).isNull();
        assertThat(after.appliedDigest()).isEqualTo(before.appliedDigest())
                .isEqualTo(nginx.gateway().currentConfig().digest())
                .isEqualTo(Nginx.served(nginx.settings()));
        assertThat(Files.readString(nginx.settings().configFile())).isEqualTo(nginx.gateway().currentConfig().text());
        assertThat(Files.exists(nginx.settings().directory().resolve("nginx.conf.next"))).isFalse();
        for (int i = 0; i < 20; i++) { // served: no request meets the previous configuration any more
            assertThat(who(nginx.web(), "/x" + i)).isEqualTo("c");
        }
        assertThat(who(nginx.web(), "/other/x")).isEqualTo("b");
        assertThat(listener.troubles).isEmpty();
        timing("route change", nginx.gateway());
    }

    @Test
    void aConfigurationNginxRefusesIsNeverApplied() throws IOException {
        backends();
        Running nginx = start(table(1, a), OPTIONS);
        byte[] live = Files.readAllBytes(nginx.settings().configFile());
        long reloads = nginx.gateway().status().reloads();

        // nginx -t fails on a line no external can be blamed for.
        RouteTableView refused = refusedTable(2);
        nginx.routes().set(refused);
        within(10).until(() -> nginx.gateway().status().lastError() != null);
        NginxGateway.Status status = nginx.gateway().status();
        assertThat(status.lastError()).contains("route table 2", "invalid number of the map parameters", "previous configuration keeps serving");
        assertThat(status.lastErrorAt()).isNotNull();
        assertThat(status.appliedRoutesVersion()).isEqualTo(1);
        assertThat(status.reloads()).isEqualTo(reloads);
        assertThat(listener.troubles).anySatisfy(t -> assertThat(t).contains("refused the configuration", "invalid number of the map parameters"));
        assertThat(Files.readAllBytes(nginx.settings().configFile())).isEqualTo(live);
        assertThat(Files.exists(nginx.settings().directory().resolve("nginx.conf.next"))).isFalse();
        assertThat(who(nginx.web(), "/")).isEqualTo("a");
        assertThat(nginx.gateway().servesTableOf(refused.generatedAt())).isFalse();

        nginx.routes().set(table(3, c));
        within(10).ignoreExceptions().until(() -> who(nginx.web(), "/").equals("c"));
        within(5).until(() -> nginx.gateway().status().lastError() == null);
        assertThat(nginx.gateway().status().appliedRoutesVersion()).isEqualTo(3);
        assertThat(nginx.gateway().status().lastErrorAt()).isNull();
        assertThat(listener.recoveries).hasSize(1);
        assertThat(listener.recoveries.getFirst()).contains("route table 3");
    }

    @Test
    void goingBackToTheServedTableAfterARefusedOneClearsTheError() {
        backends();
        Running nginx = start(table(1, a), OPTIONS);
        nginx.routes().set(refusedTable(2));
        within(10).until(() -> nginx.gateway().status().lastError() != null);

        // The operator undoes the change: the table is the served one again, under a new version.
        nginx.routes().set(table(3, a));
        within(10).until(() -> nginx.gateway().status().lastError() == null);
        assertThat(nginx.gateway().status().appliedRoutesVersion()).isEqualTo(3);
        assertThat(listener.recoveries).hasSize(1);
        assertThat(who(nginx.web(), "/")).isEqualTo("a");
    }

    @Test
    void anExternalNginxCannotResolveIsIsolatedAndTheRestOfTheChangeApplied() {
        backends();
        Running nginx = start(table(1, a), OPTIONS);

        nginx.routes().set(table(2, a, List.of(rule("/new", "other")), List.of(external("ghost", "http://no-such-host.invalid/x"))));
        within(10).ignoreExceptions().until(() -> who(nginx.web(), "/new/y").equals("b"));
        within(5).until(() -> nginx.gateway().status().appliedRoutesVersion() == 2);
        Http.Reply ghost = nginx.rpc().post("/ghost/charge?amount=3", "{}");
        assertThat(ghost.status()).isEqualTo(502);
        assertThat(ghost.headers().firstValue("content-type")).hasValue("application/json");
        assertThat(ghost.field("error")).isEqualTo("external_unreachable");
        assertThat(ghost.field("external")).isEqualTo("ghost");
        assertThat(ghost.field("url")).isEqualTo("http://no-such-host.invalid/x");
        assertThat(ghost.field("message")).contains("nginx refused its configuration", "no-such-host.invalid");
        assertThat(nginx.gateway().status().lastError()).contains("external ghost", "no-such-host.invalid");
        assertThat(listener.troubles).anySatisfy(t -> assertThat(t).contains("nginx refused external ghost"));
        assertThat(listener.recoveries).isEmpty();
        assertThat(who(nginx.web(), "/")).isEqualTo("a");
        timing("change with a refused external (two nginx -t)", nginx.gateway());

        nginx.routes().set(table(3, a, List.of(rule("/new", "other")), List.of()));
        within(10).until(() -> nginx.gateway().status().lastError() == null);
        assertThat(nginx.gateway().status().appliedRoutesVersion()).isEqualTo(3);
        assertThat(listener.recoveries).hasSize(1);
        assertThat(nginx.rpc().post("/ghost/charge", "{}").field("error")).isEqualTo("unknown_service");
        assertThat(who(nginx.web(), "/new/y")).isEqualTo("b");
    }

    @Test
    void aBurstOfChangesIsCoalescedAndNoRequestFails() throws Exception {
        backends();
        Options options = new Options(Duration.ofMillis(100), 1, Duration.ofSeconds(5), Duration.ofSeconds(60));
        Running nginx = start(table(1, a), options);
        ProcessHandle master = this.nginx.master(nginx.settings()).orElseThrow();
        long reloads = nginx.gateway().status().reloads();

        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger answered = new AtomicInteger();
        AtomicInteger maxRetiring = new AtomicInteger();
        List<String> failures = new CopyOnWriteArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            int client = i;
            threads.add(Thread.ofVirtual().start(() -> {
                try (Http http = new Http(nginx.web().port())) {
                    for (int n = 0; !stop.get(); n++) {
                        try {
                            Http.Reply reply = http.get("/c" + client + "/" + n);
                            if (reply.status() != 200) {
                                failures.add(reply.status() + " " + reply.body());
                            }
                            answered.incrementAndGet();
                        } catch (RuntimeException e) {
                            failures.add(e.toString());
                        }
                    }
                }
            }));
        }
        threads.add(Thread.ofPlatform().start(() -> {
            while (!stop.get()) {
                maxRetiring.accumulateAndGet(Nginx.retiringWorkers(master), Math::max);
            }
        }));
        try {
            within(5).until(() -> answered.get() > 20);

            // 30 changes at once, each a table of its own: / alternates between a and b, and the last is c's.
            for (int version = 2; version <= 31; version++) {
                EchoBackend root = version == 31 ? c : version % 2 == 0 ? b : a;
                nginx.routes().set(table(version, root, List.of(rule("/v" + version, "other")), List.of()));
            }
            within(15).ignoreExceptions().until(() -> who(nginx.web(), "/").equals("c")
                    && nginx.gateway().status().appliedRoutesVersion() == 31);
            int before = answered.get();
            within(5).until(() -> answered.get() > before + 20); // the clients go on after the last reload, too
        } finally {
            stop.set(true);
            for (Thread thread : threads) {
                thread.join(10_000);
            }
        }

        NginxGateway.Status status = nginx.gateway().status();
        long done = status.reloads() - reloads;
        TIMINGS.add("burst of 30 changes: " + done + " reloads, " + answered.get() + " requests, max retiring " + maxRetiring.get()
                + ", lastApplyMs=" + status.lastApplyMs());
        assertThat(failures).isEmpty();
        assertThat(done).as("reloads for 30 changes").isBetween(1L, 5L);
        assertThat(maxRetiring.get()).isLessThanOrEqualTo(options.maxRetiringWorkers());
        assertThat(status.lastError()).isNull();
        assertThat(who(nginx.web(), "/v31")).isEqualTo("b");
        assertThat(nginx.web().get("/v30").status()).isEqualTo(200);
        assertThat(who(nginx.web(), "/v30")).isEqualTo("c"); // /v30 is no rule of the last table: / is c's
    }

    /**
     * A request whose body stays unfinished until {@link #finish}: the worker that took it cannot retire before.
     * Returns once the backend handles it, so it is on the worker that accepted it.
     */
    private static final class HeldRequest implements AutoCloseable {
        private final Socket socket;
        private final InputStream in;
        private final OutputStream out;

        HeldRequest(int port, EchoBackend backend) throws IOException {
            int handling = backend.inFlight();
            socket = new Socket("127.0.0.1", port);
            socket.setSoTimeout(10_000);
            in = socket.getInputStream();
            out = socket.getOutputStream();
            out.write(("POST /held HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 2\r\nConnection: close\r\n\r\n1")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            within(10).until(() -> backend.inFlight() > handling);
        }

        void finish() throws IOException {
            out.write('2');
            out.flush();
            String reply = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            assertThat(reply).startsWith("HTTP/1.1 200").contains("\"body\":\"12\"");
            close();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    @Test
    void aReloadWaitsWhileOldWorkersAreStillFinishingRequests() throws Exception {
        backends();
        Options options = new Options(Duration.ofMillis(1), 1, Duration.ofSeconds(5), Duration.ofSeconds(60));
        Running nginx = start(table(1, a), options);
        ProcessHandle master = this.nginx.master(nginx.settings()).orElseThrow();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger maxRetiring = new AtomicInteger();
        Thread sampler = Thread.ofPlatform().start(() -> {
            while (!stop.get()) {
                maxRetiring.accumulateAndGet(Nginx.retiringWorkers(master), Math::max);
            }
        });
        try {
            HeldRequest first = new HeldRequest(nginx.web().port(), a);
            closeables.add(first);
            // Structural changes (a new path rule each): only those reload.
            nginx.routes().set(table(2, b, List.of(rule("/v2", "other")), List.of()));
            within(10).until(() -> nginx.gateway().status().appliedRoutesVersion() == 2);
            assertThat(Nginx.retiringWorkers(master)).as("the worker that holds the first request").isEqualTo(1);
            HeldRequest second = new HeldRequest(nginx.web().port(), b);
            closeables.add(second);

            // A third table while one old worker still finishes: reloading now would make two.
            RouteTableView third = table(3, c, List.of(rule("/v3", "other")), List.of());
            String thirdText = new NginxRenderer(nginx.settings()).render(third).text();
            nginx.routes().set(third);
            within(10).until(() -> managerWaitsForOldWorkers() || text(nginx.settings().configFile()).equals(thirdText));
            assertThat(text(nginx.settings().configFile())).as("reloaded while an old worker still finishes").isNotEqualTo(thirdText);
            assertThat(Nginx.retiringWorkers(master)).as("old workers while the first request is held").isEqualTo(1);
            assertThat(who(nginx.web(), "/")).isEqualTo("b");

            first.finish();
            within(15).until(() -> nginx.gateway().status().appliedRoutesVersion() == 3);
            assertThat(who(nginx.web(), "/")).isEqualTo("c");
            assertThat(Nginx.retiringWorkers(master)).as("the worker that holds the second request").isLessThanOrEqualTo(1);
            second.finish();
            within(15).until(() -> Nginx.retiringWorkers(master) == 0);
        } finally {
            stop.set(true);
            sampler.join(5000);
        }
        assertThat(maxRetiring.get()).isLessThanOrEqualTo(options.maxRetiringWorkers());
        assertThat(nginx.gateway().status().lastError()).isNull();
    }

    /** Whether the process runs nginx (a zombie, exited but not reaped yet, has no command line). */
    private static boolean isNginx(long pid) {
        return text(Path.of("/proc", Long.toString(pid), "cmdline")).startsWith("nginx:");
    }

    /** The manager's thread is where a reload waits for old workers (white box: nothing else tells it from outside). */
    private static boolean managerWaitsForOldWorkers() {
        return Thread.getAllStackTraces().entrySet().stream()
                .filter(e -> e.getKey().getName().equals("apollo-nginx"))
                .anyMatch(e -> java.util.Arrays.stream(e.getValue())
                        .anyMatch(frame -> frame.getMethodName().equals("awaitRetiringWorkers")));
    }

    @Test
    void anotherManagerAdoptsTheRunningNginxWithoutRestartingIt() {
        backends();
        int web = ExampleInstances.freePort();
        int rpc = ExampleInstances.freePort();
        Running first = start(table(1, a), OPTIONS, dir.resolve("nginx"), web, rpc);
        ProcessHandle master = nginx.master(first.settings()).orElseThrow();
        Set<Long> workers = Nginx.acceptingWorkers(master);
        first.gateway().close(); // the control plane goes away; nginx stays

        assertThat(Nginx.running(master)).isTrue();
        assertThat(who(first.web(), "/")).isEqualTo("a");
        Running second = start(table(1, a), OPTIONS, dir.resolve("nginx"), web, rpc);
        assertThat(nginx.master(second.settings()).map(ProcessHandle::pid)).hasValue(master.pid());
        assertThat(Nginx.acceptingWorkers(master)).as("not even reloaded: it serves this configuration already").isEqualTo(workers);
        assertThat(second.gateway().status().appliedRoutesVersion()).isEqualTo(1);
        assertThat(second.gateway().status().appliedDigest()).isEqualTo(first.gateway().status().appliedDigest());
        assertThat(who(second.web(), "/")).isEqualTo("a");
        timing("adoption", second.gateway());

        // It follows the table from then on.
        second.routes().set(table(2, c));
        within(10).ignoreExceptions().until(() -> who(second.web(), "/").equals("c"));
        assertThat(nginx.master(second.settings()).map(ProcessHandle::pid)).hasValue(master.pid());

        second.gateway().stop(Duration.ofSeconds(5));
        within(10).until(() -> !Nginx.running(master));
        assertThat(nginx.master(second.settings())).isEmpty();
        assertThat(Files.exists(second.settings().controlSocket())).isFalse();
    }

    @Test
    void aKilledMasterIsReplaced() {
        backends();
        Running nginx = start(table(1, a), OPTIONS);
        ProcessHandle master = this.nginx.master(nginx.settings()).orElseThrow();
        Set<Long> workers = master.children().map(ProcessHandle::pid).collect(Collectors.toSet());
        strays.addAll(workers);
        long killed = System.nanoTime();
        assertThat(master.destroyForcibly()).isTrue(); // kill -9: its workers are orphaned, not stopped

        within(20).ignoreExceptions().until(() -> this.nginx.master(nginx.settings())
                .filter(m -> m.pid() != master.pid()).isPresent() && who(nginx.web(), "/").equals("a"));
        TIMINGS.add("killed master replaced and serving after " + (System.nanoTime() - killed) / 1_000_000 + " ms");
        assertThat(listener.troubles).anySatisfy(t -> assertThat(t).contains("pid " + master.pid(), "gone"));
        within(10).until(() -> nginx.gateway().status().lastError() == null);
        assertThat(listener.recoveries).isNotEmpty();
        // The orphans are gone, and the new master follows the table.
        within(15).until(() -> workers.stream().noneMatch(NginxGatewayTest::isNginx));
        nginx.routes().set(table(2, c));
        within(10).ignoreExceptions().until(() -> who(nginx.web(), "/").equals("c"));
    }

    @Test
    void servesTableOfTurnsTrueOnlyOnceThatTableIsApplied() {
        backends();
        Running nginx = start(table(1, a), OPTIONS);
        Instant first = T0.plusSeconds(1);
        assertThat(nginx.gateway().servesTableOf(first)).isTrue();
        assertThat(nginx.gateway().servesTableOf(first.minusSeconds(60))).isTrue();
        assertThat(nginx.gateway().servesTableOf(first.plusSeconds(1))).isTrue(); // nothing newer exists yet

        nginx.routes().hold(); // the manager hears of the next table only when the test says so
        RouteTableView second = table(2, c);
        nginx.routes().set(second);
        assertThat(nginx.gateway().servesTableOf(second.generatedAt())).isFalse();
        assertThat(nginx.gateway().servesTableOf(first.plusMillis(1))).isFalse();
        assertThat(nginx.gateway().servesTableOf(first)).isTrue();
        assertThat(who(nginx.web(), "/")).isEqualTo("a");

        nginx.routes().release();
        within(10).until(() -> nginx.gateway().servesTableOf(second.generatedAt()));
        for (int i = 0; i < 20; i++) { // once it says so, no request meets the old table
            assertThat(who(nginx.web(), "/" + i)).isEqualTo("c");
        }
        assertThat(nginx.gateway().status().appliedRoutesVersion()).isEqualTo(2);
    }
}
