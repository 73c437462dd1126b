package dev.apollo.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A Docker Swarm of two nodes on this machine, for tests of more than one node: a manager and a worker,
 * each a {@code dockerd} of its own in a network namespace this fixture creates (own data root, exec
 * root, pid file, socket and cgroup parent), joined to the host by veth pairs. The machine's own engine
 * is not touched: its swarm is advertised on 127.0.0.1, which no other network namespace reaches.
 *
 * <p>Addresses: the host side of each link is {@code 10.B.C.1} (manager) and {@code 10.B.C.5} (worker),
 * the manager {@code 10.B.C.2}, the worker {@code 10.B.C.6} (B, C random), and a third veth pair joins
 * the manager and the worker directly, so they reach each other without the host forwarding (the host's
 * Docker sets the FORWARD policy to DROP). The worker is labelled {@code dev.apollo.engine} with its
 * socket, which is how the Swarm scheduler finds a node's engine.
 *
 * <p>{@link #close} removes everything it made, and only that: the engines it started (by their
 * processes), the namespaces, links and directories. It needs root, {@code ip} (iproute2),
 * {@code nsenter} and {@code dockerd}: {@link #unavailable} says what is missing.
 */
public final class SwarmNodes implements AutoCloseable {
    /** The label the Swarm scheduler reads a node's engine from. */
    public static final String ENGINE_LABEL = "dev.apollo.engine";
    private static final Path RUN = Path.of("/run/apollo-nodes");
    private static final Path DATA = Path.of("/var/lib/apollo-nodes");
    /** The pid of the JVM whose fixture made a directory of {@link #RUN}. */
    private static final String OWNER = "owner.pid";

    private final String name;
    private final String subnet;
    private final List<Process> engines = new ArrayList<>();
    private final List<String> namespaces = new ArrayList<>();
    private final List<String> hostLinks = new ArrayList<>();
    private String workerNode = "";

    private SwarmNodes(String name, String subnet) {
        this.name = name;
        this.subnet = subnet;
    }

    /** Why two nodes cannot be made here, or empty when they can. */
    public static Optional<String> unavailable() {
        if (!"root".equals(System.getProperty("user.name"))) {
            return Optional.of("two Swarm nodes need root (network namespaces, a second dockerd); CI runs as root");
        }
        for (String tool : List.of("ip", "nsenter", "dockerd", "docker")) {
            if (Stream.of("/usr/sbin", "/usr/bin", "/sbin", "/bin", "/usr/local/bin").noneMatch(d -> Files.isExecutable(
                    Path.of(d, tool)))) {
                return Optional.of("'" + tool + "' is missing (apt-get install iproute2 util-linux docker.io)");
            }
        }
        String probe = "apollo-probe-" + HexFormat.of().toHexDigits((short) ThreadLocalRandom.current().nextInt());
        Result made = run(List.of("ip", "netns", "add", probe));
        if (made.exit() != 0) {
            return Optional.of("this machine cannot create network namespaces: " + made.output().strip());
        }
        run(List.of("ip", "netns", "del", probe));
        return Optional.empty();
    }

    /**
     * Makes both nodes, the swarm and the worker's label; on any failure removes what it made and throws. First
     * removes what an earlier fixture left when its JVM died before {@link #close} ({@link #removeLeftovers}).
     */
    public static SwarmNodes start() {
        removeLeftovers();
        String name = "apn" + HexFormat.of().toHexDigits((short) ThreadLocalRandom.current().nextInt());
        ThreadLocalRandom random = ThreadLocalRandom.current();
        SwarmNodes nodes = new SwarmNodes(name, "10." + random.nextInt(200, 250) + "." + random.nextInt(0, 256) + ".");
        try {
            // Whose this is, before anything else is made: a later fixture removes it once this JVM is gone.
            Files.createDirectories(RUN.resolve(name));
            Files.writeString(RUN.resolve(name).resolve(OWNER), Long.toString(ProcessHandle.current().pid()));
            nodes.network();
            nodes.engines();
            nodes.swarm();
            return nodes;
        } catch (IOException e) {
            nodes.close();
            throw new UncheckedIOException(e);
        } catch (RuntimeException | Error e) {
            nodes.close();
            throw e;
        }
    }

    /**
     * Removes the nodes of fixtures whose JVM died before closing them (a test run killed with -9): their
     * engines (by the pid files they wrote), namespaces, links and directories. A fixture whose JVM lives is
     * left alone, so runs on one machine do not step on each other.
     */
    public static void removeLeftovers() {
        if (!Files.isDirectory(RUN)) {
            return;
        }
        List<Path> dirs;
        try (Stream<Path> list = Files.list(RUN)) {
            dirs = list.filter(Files::isDirectory).toList();
        } catch (IOException e) {
            return;
        }
        for (Path dir : dirs) {
            if (ownerAlive(dir)) {
                continue;
            }
            String name = dir.getFileName().toString();
            for (String node : List.of("w", "m")) {
                pidIn(dir.resolve(node).resolve("dockerd.pid")).flatMap(ProcessHandle::of)
                        .filter(p -> p.info().command().orElse("").endsWith("dockerd"))
                        .ifPresent(SwarmNodes::stop);
            }
            removeRest(name, List.of(name + "-m", name + "-w"), List.of(name + "-hm", name + "-hw"));
        }
    }

    private static boolean ownerAlive(Path dir) {
        Optional<Long> owner = pidIn(dir.resolve(OWNER));
        return owner.flatMap(ProcessHandle::of).map(ProcessHandle::isAlive).orElse(false);
    }

    private static Optional<Long> pidIn(Path file) {
        try {
            return Optional.of(Long.parseLong(Files.readString(file).strip()));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static void stop(ProcessHandle engine) {
        engine.destroy(); // SIGTERM: dockerd stops its containers and containerd
        try {
            engine.onExit().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            engine.destroyForcibly();
            engine.onExit().completeOnTimeout(null, 10, TimeUnit.SECONDS).join();
        }
    }

    /** The manager's engine, as {@code DOCKER_HOST} names it. */
    public URI manager() {
        return socket("m");
    }

    public URI worker() {
        return socket("w");
    }

    /** The address the manager node advertises, where its tasks are reached. */
    public String managerAddress() {
        return subnet + "2";
    }

    public String workerAddress() {
        return subnet + "6";
    }

    public String workerNodeId() {
        return workerNode;
    }

    /** {@code docker -H ENGINE ARGS...}, expected to succeed; its output. */
    public String docker(URI engine, String... args) {
        List<String> command = new ArrayList<>(List.of("docker", "-H", engine.toString()));
        command.addAll(List.of(args));
        return must(command);
    }

    /**
     * Copies the images of {@code repository} that the machine's own engine has to the manager, so that what it
     * built once (the Java base image) need not be built again; nothing when it has none.
     */
    public void copyImagesFromThisMachine(String repository) {
        Result listed = run(List.of("docker", "images", repository, "--format", "{{.Repository}}:{{.Tag}}"));
        if (listed.exit() != 0) {
            return;
        }
        for (String image : listed.output().strip().lines().filter(l -> !l.isBlank()).toList()) {
            must(List.of("sh", "-c", "docker save \"$1\" | docker -H \"$2\" load -q", "copy", image, manager().toString()));
        }
    }

    private URI socket(String node) {
        return URI.create("unix://" + RUN.resolve(name).resolve(node).resolve("docker.sock"));
    }

    // ---- making it

    private void network() {
        String m = name + "-m";
        String w = name + "-w";
        for (String ns : List.of(m, w)) {
            must(List.of("ip", "netns", "add", ns));
            namespaces.add(ns);
            must(List.of("ip", "-n", ns, "link", "set", "lo", "up"));
        }
        link(m, name + "-hm", name + "-mh", 1);
        link(w, name + "-hw", name + "-wh", 5);
        // manager <-> worker, directly: each routes the other's address over it.
        must(List.of("ip", "link", "add", name + "-mw", "netns", m, "type", "veth", "peer", "name", name + "-wm", "netns", w));
        must(List.of("ip", "-n", m, "link", "set", name + "-mw", "up"));
        must(List.of("ip", "-n", w, "link", "set", name + "-wm", "up"));
        must(List.of("ip", "-n", m, "route", "add", workerAddress() + "/32", "dev", name + "-mw", "src", managerAddress()));
        must(List.of("ip", "-n", w, "route", "add", managerAddress() + "/32", "dev", name + "-wm", "src", workerAddress()));
    }

    /** A veth pair between the host and {@code ns}: the host side at {@code subnet+first}, the node at first+1, a /30. */
    private void link(String ns, String hostSide, String nodeSide, int first) {
        must(List.of("ip", "link", "add", hostSide, "type", "veth", "peer", "name", nodeSide, "netns", ns));
        hostLinks.add(hostSide);
        must(List.of("ip", "addr", "add", subnet + first + "/30", "dev", hostSide));
        must(List.of("ip", "link", "set", hostSide, "up"));
        must(List.of("ip", "-n", ns, "addr", "add", subnet + (first + 1) + "/30", "dev", nodeSide));
        must(List.of("ip", "-n", ns, "link", "set", nodeSide, "up"));
    }

    private void engines() {
        for (String node : List.of("m", "w")) {
            Path run = RUN.resolve(name).resolve(node);
            Path data = DATA.resolve(name).resolve(node);
            try {
                Files.createDirectories(run);
                Files.createDirectories(data);
                // nsenter --net, not ip netns exec: that one also remounts /sys, hiding the cgroup mounts dockerd needs.
                Process engine = new ProcessBuilder("nsenter", "--net=/var/run/netns/" + name + "-" + node, "dockerd",
                        "--data-root", data.toString(), "--exec-root", run.resolve("exec").toString(),
                        "--pidfile", run.resolve("dockerd.pid").toString(), "-H", socket(node).toString(),
                        "--cgroup-parent", name + "-" + node)
                        .redirectErrorStream(true).redirectOutput(run.resolve("dockerd.log").toFile()).start();
                engines.add(engine);
            } catch (IOException e) {
                throw new UncheckedIOException("Could not start a dockerd for node " + node, e);
            }
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        for (String node : List.of("m", "w")) {
            while (run(List.of("docker", "-H", socket(node).toString(), "version", "--format", "{{.Server.Version}}"))
                    .exit() != 0) {
                if (System.nanoTime() > deadline || engines.stream().anyMatch(p -> !p.isAlive())) {
                    throw new IllegalStateException("The dockerd of node " + node + " did not answer; its log: "
                            + tail(RUN.resolve(name).resolve(node).resolve("dockerd.log")));
                }
                pause();
            }
        }
    }

    private void swarm() {
        docker(manager(), "swarm", "init", "--advertise-addr", managerAddress());
        String token = docker(manager(), "swarm", "join-token", "-q", "worker").strip();
        docker(worker(), "swarm", "join", "--token", token, "--advertise-addr", workerAddress(), managerAddress() + ":2377");
        workerNode = docker(worker(), "info", "--format", "{{.Swarm.NodeID}}").strip();
        docker(manager(), "node", "update", "--label-add", ENGINE_LABEL + "=" + worker(), workerNode);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!docker(manager(), "node", "inspect", workerNode, "--format", "{{.Status.State}}").strip().equals("ready")) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("The worker node " + workerNode + " did not become ready within 60 s");
            }
            pause();
        }
    }

    // ---- removing it

    /** Stops the engines it started, then removes the namespaces, links and directories it made. */
    @Override
    public void close() {
        if (engines.size() == 2) {
            run(List.of("docker", "-H", worker().toString(), "swarm", "leave", "--force"));
            run(List.of("docker", "-H", manager().toString(), "swarm", "leave", "--force"));
        }
        engines.reversed().forEach(engine -> stop(engine.toHandle()));
        removeRest(name, namespaces, hostLinks);
    }

    /** Once its engines are stopped: what they left mounted, then the namespaces, links and directories. */
    private static void removeRest(String name, List<String> namespaces, List<String> hostLinks) {
        // What an engine killed with -9 would have left mounted under our directories (its netns file, overlays).
        for (Path root : List.of(RUN.resolve(name), DATA.resolve(name))) {
            mountsUnder(root).forEach(mount -> run(List.of("umount", "-l", mount)));
        }
        namespaces.forEach(ns -> run(List.of("ip", "netns", "del", ns)));
        hostLinks.forEach(link -> run(List.of("ip", "link", "del", link))); // gone with its namespace, usually
        deleteTree(RUN.resolve(name));
        deleteTree(DATA.resolve(name));
    }

    private static List<String> mountsUnder(Path root) {
        try {
            return Files.readAllLines(Path.of("/proc/mounts")).stream().map(line -> line.split(" ")[1])
                    .filter(mount -> mount.startsWith(root + "/")).sorted(Comparator.reverseOrder()).toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    private static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            run(List.of("rm", "-rf", root.toString())); // overlay leftovers with odd permissions
        }
    }

    // ---- commands

    private record Result(int exit, String output) {}

    private static String must(List<String> command) {
        Result result = run(command);
        if (result.exit() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed (exit " + result.exit() + "): "
                    + result.output().strip());
        }
        return result.output();
    }

    private static Result run(List<String> command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            process.getOutputStream().close();
            byte[] output = process.getInputStream().readAllBytes();
            if (!process.waitFor(2, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                return new Result(-1, "timed out: " + String.join(" ", command));
            }
            return new Result(process.exitValue(), new String(output, StandardCharsets.UTF_8));
        } catch (IOException e) {
            return new Result(-1, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(-1, "interrupted");
        }
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    private static void pause() {
        try {
            Thread.sleep(Duration.ofMillis(100)); // polling an engine that has no event to wait on yet
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
