package dev.apollo.gateway.nginx;

import dev.apollo.process.GracefulStop;
import dev.apollo.process.Launch;
import dev.apollo.process.ProcessException;
import dev.apollo.process.Processes;
import dev.apollo.process.Signal;
import dev.apollo.routing.GatewayException;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * One nginx binary and what Apollo does with it: validate a file, start a master, reload it, ask
 * which configuration its workers serve, count old workers still finishing, stop it. Every call
 * runs the real binary or signals the real process.
 */
public final class Nginx {
    private static final List<Path> USUAL_PLACES = List.of(Path.of("/usr/sbin/nginx"), Path.of("/usr/local/sbin/nginx"),
            Path.of("/usr/local/nginx/sbin/nginx"), Path.of("/opt/homebrew/bin/nginx"));
    private static final Pattern CULPRIT = Pattern.compile(" in (/\\S+):(\\d+)\\s*$", Pattern.MULTILINE);
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(20);
    /** nginx answers the control socket in well under a millisecond; a worker that does not is asked again. */
    private static final Duration ASK_TIMEOUT = Duration.ofMillis(200);
    /** Sending the instances: a larger document, still well under a millisecond per service. */
    private static final Duration SEND_TIMEOUT = Duration.ofSeconds(5);
    private static final String INSTALL = "install it (Debian/Ubuntu: apt-get install nginx; macOS: brew install nginx), "
            + "or leave out --gateway nginx to use the embedded gateway.";

    /** Where Debian's {@code libnginx-mod-http-lua} puts the Lua module and the kit it needs, in load order. */
    public static final List<Path> DEBIAN_LUA_MODULES = List.of(Path.of("/usr/lib/nginx/modules/ndk_http_module.so"),
            Path.of("/usr/lib/nginx/modules/ngx_http_lua_module.so"));
    private static final String LUA_MODULE = "ngx_http_lua_module.so";
    private static final String INSTALL_LUA = "install nginx's Lua module (Debian/Ubuntu: apt-get install libnginx-mod-http-lua), "
            + "or use OpenResty (--nginx /usr/local/openresty/nginx/sbin/nginx), or leave out --gateway nginx to use the embedded "
            + "gateway.";

    private final Path binary;

    private Nginx(Path binary) {
        this.binary = binary;
    }

    /** The configured binary, else nginx on PATH or where packages put it; throws with how to install it. */
    public static Nginx locate(Optional<Path> configured) {
        if (configured.isPresent()) {
            Path path = configured.get();
            if (!Files.isExecutable(path)) {
                throw new GatewayException("nginx: " + path + " is not an executable file. Point --nginx (or nginx = in "
                        + "apollo.conf) at the nginx binary, or leave it out to use the one on PATH; " + INSTALL);
            }
            return new Nginx(path);
        }
        List<Path> candidates = new ArrayList<>();
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (!dir.isEmpty()) {
                candidates.add(Path.of(dir, "nginx"));
            }
        }
        candidates.addAll(USUAL_PLACES);
        return candidates.stream().filter(Files::isExecutable).findFirst().map(Nginx::new).orElseThrow(() -> new GatewayException(
                "--gateway nginx needs nginx, and there is none on PATH nor in /usr/sbin or /usr/local/sbin. Name it with "
                        + "--nginx PATH, or " + INSTALL));
    }

    public Path binary() {
        return binary;
    }

    /** What {@code nginx -v} says of itself, e.g. {@code nginx/1.22.1}. */
    public String version() {
        Result result = run(List.of(binary.toString(), "-v"));
        String text = result.output().strip();
        return text.startsWith("nginx version: ") ? text.substring("nginx version: ".length()) : text;
    }

    /**
     * The dynamic modules this nginx loads for Lua (the balancer that takes instance changes without a
     * reload): none when Lua is built in (OpenResty), else the Lua module and its kit from nginx's
     * modules directory. Throws with how to install it when there is none.
     */
    public List<Path> luaModules() {
        String configure = run(List.of(binary.toString(), "-V")).output();
        if (configure.contains("lua-nginx-module") || configure.contains("ngx_lua") || configure.contains("openresty")) {
            return List.of();
        }
        Matcher modulesPath = Pattern.compile("--modules-path=(\\S+)").matcher(configure);
        Matcher prefix = Pattern.compile("--prefix=(\\S+)").matcher(configure);
        Path directory = modulesPath.find() ? Path.of(modulesPath.group(1))
                : Path.of(prefix.find() ? prefix.group(1) : "/usr/local/nginx").resolve("modules");
        Path lua = directory.resolve(LUA_MODULE);
        if (!Files.isRegularFile(lua)) {
            throw new GatewayException("nginx mode needs the Lua module of nginx (" + lua + " is missing): " + INSTALL_LUA);
        }
        Path kit = directory.resolve("ndk_http_module.so");
        return Files.isRegularFile(kit) ? List.of(kit, lua) : List.of(lua);
    }

    /**
     * The user and group nginx's workers run as when Apollo runs as root: Debian's www-data, else
     * nobody (with the group of the same name, or nogroup). An argument of nginx's {@code user}.
     */
    public static String unprivilegedUser() {
        var lookup = java.nio.file.FileSystems.getDefault().getUserPrincipalLookupService();
        for (String user : List.of("www-data", "nginx", "nobody")) {
            try {
                lookup.lookupPrincipalByName(user);
            } catch (IOException e) {
                continue;
            }
            for (String group : List.of(user, "nogroup", "nobody")) {
                try {
                    lookup.lookupPrincipalByGroupName(group);
                    return user + " " + group;
                } catch (IOException e) {
                    // try the next group
                }
            }
        }
        return "nobody nogroup";
    }

    /** Creates what nginx expects to exist before it starts (or tests a file): its log and temporary directories. */
    public static void prepareDirectories(NginxSettings settings) {
        try {
            Files.createDirectories(settings.errorLog().getParent());
            Files.createDirectories(settings.controlDirectory());
            try {
                Files.setPosixFilePermissions(settings.controlDirectory(), PosixFilePermissions.fromString("rwx------"));
            } catch (UnsupportedOperationException e) {
                // not a POSIX file system: nothing to restrict
            }
            for (Path temporary : settings.temporaryDirectories().values()) {
                Files.createDirectories(temporary); // nginx creates the last level only
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + settings.directory() + ": " + e.getMessage(), e);
        }
    }

    /** The outcome of {@code nginx -t} on a file; {@code line} is the line nginx complained of, 0 when it named none. */
    public record Validation(boolean valid, String message, int line) {}

    public Validation test(Path config, NginxSettings settings) {
        Result result = run(List.of(binary.toString(), "-t", "-q", "-p", settings.directory().toString(), "-c", config.toString()));
        if (result.exit() == 0) {
            return new Validation(true, "", 0);
        }
        String message = result.output().lines().filter(l -> !l.contains("configuration file") || l.contains("[emerg]"))
                .map(String::strip).reduce((a, b) -> a + "; " + b).orElse("nginx -t failed with exit code " + result.exit());
        Matcher culprit = CULPRIT.matcher(result.output());
        int line = culprit.find() ? Integer.parseInt(culprit.group(2)) : 0;
        return new Validation(false, plain(message), line);
    }

    /** nginx's complaint without its time, pid and file position: the same trouble reads the same every time. */
    static String plain(String message) {
        return message.replaceAll("(^|; )(nginx: )?(\\d{4}/\\d\\d/\\d\\d \\d\\d:\\d\\d:\\d\\d )?\\[emerg\\] (\\d+#\\d+: )?", "$1")
                .replaceAll(" in /\\S+:\\d+", "");
    }

    /** Starts a master on the settings' configuration file; it runs on its own (daemon) until stopped. */
    public ProcessHandle start(NginxSettings settings) {
        try {
            Files.deleteIfExists(settings.controlSocket()); // left by a master that was killed: it would block the bind
        } catch (IOException e) {
            throw new GatewayException("cannot remove the stale " + settings.controlSocket() + ": " + e.getMessage());
        }
        retireOrphanedWorkers(settings);
        Result result = run(List.of(binary.toString(), "-p", settings.directory().toString(), "-c", settings.configFile().toString()));
        if (result.exit() != 0) {
            throw new GatewayException("nginx did not start: " + result.output().strip().replace("nginx: [emerg] ", "")
                    + " — if a port is taken, choose another with 'apollo up --web HOST:PORT' (or --rpc)");
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            Optional<ProcessHandle> master = master(settings);
            if (master.isPresent()) {
                return master.get();
            }
            pause(10); // the master writes its pid file right after it forks; nothing to wait on
        }
        throw new GatewayException("nginx started but wrote no pid file within 10 s; see " + settings.errorLog());
    }

    /**
     * Workers of a master that was killed outlive it and keep its listening sockets, so no new master
     * could bind them: they are told to finish their requests and go (a graceful stop closes the
     * sockets at once). They are this configuration's workers when they hold its error log open.
     */
    private static void retireOrphanedWorkers(NginxSettings settings) {
        Path log;
        try {
            log = settings.errorLog().toRealPath(); // as /proc names it: symbolic links resolved
        } catch (IOException e) {
            return; // no log yet: no nginx ever ran here
        }
        ProcessHandle.allProcesses()
                .filter(p -> Processes.commandLine(p).startsWith("nginx: worker process"))
                .filter(p -> p.parent().map(parent -> !Processes.commandLine(parent).contains("master process")).orElse(true))
                .filter(p -> holdsOpen(p, log))
                .forEach(orphan -> {
                    try {
                        signal(orphan, Signal.QUIT);
                    } catch (GatewayException e) {
                        // gone meanwhile
                    }
                });
    }

    private static boolean holdsOpen(ProcessHandle process, Path file) {
        try (var descriptors = Files.list(Path.of("/proc", Long.toString(process.pid()), "fd"))) {
            return descriptors.anyMatch(fd -> {
                try {
                    return Files.readSymbolicLink(fd).equals(file);
                } catch (IOException e) {
                    return false;
                }
            });
        } catch (IOException | UncheckedIOException e) {
            return false; // no /proc (macOS), or not ours to look at
        }
    }

    /** The running master of this configuration, if any: its pid file names a live nginx master of this file. */
    public Optional<ProcessHandle> master(NginxSettings settings) {
        try {
            if (!Files.exists(settings.pidFile())) {
                return Optional.empty();
            }
            long pid = Long.parseLong(Files.readString(settings.pidFile()).strip());
            return ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
                    .filter(p -> Processes.commandLine(p).contains("master process")
                            && Processes.commandLine(p).contains(settings.configFile().toString()));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty(); // being rewritten, or garbage: no master we can trust
        }
    }

    /** Asks the master to re-read its configuration: new workers start, old ones finish their requests and exit. */
    public void reload(ProcessHandle master) {
        signal(master, Signal.HUP);
    }

    /** Asks the master to reopen its log files, renamed for rotation: it and its workers open new ones at the same path. */
    public void reopenLogs(ProcessHandle master) {
        signal(master, Signal.USR1);
    }

    /** The workers that accept requests now: after a reload, the old ones keep accepting for a moment (nginx waits 100 ms). */
    public static Set<Long> acceptingWorkers(ProcessHandle master) {
        return master.children().filter(Nginx::accepting).map(ProcessHandle::pid).collect(Collectors.toSet());
    }

    /** Whether any of these workers still accepts: a look at each, not a scan of every process as children() makes. */
    public static boolean anyAccepting(Set<Long> workers) {
        return workers.stream().map(ProcessHandle::of).flatMap(Optional::stream).anyMatch(Nginx::accepting);
    }

    private static boolean accepting(ProcessHandle worker) {
        String commandLine = Processes.commandLine(worker);
        return commandLine.startsWith("nginx: worker process") && !commandLine.contains("shutting down");
    }

    /** Old workers still finishing requests after a reload. */
    public static int retiringWorkers(ProcessHandle master) {
        return (int) master.children().filter(c -> Processes.commandLine(c).contains("shutting down")).count();
    }

    /** The digest of the configuration the workers serve, asked over the control socket; "" when none answers. */
    public static String served(NginxSettings settings) {
        return control(settings, "GET", "/config", "", ASK_TIMEOUT);
    }

    /** The digest of the instances the balancer routes to (one copy for every worker); "" when none answers. */
    public static String servedMembers(NginxSettings settings) {
        return control(settings, "GET", "/members", "", ASK_TIMEOUT);
    }

    /** Hands the balancer new instances; nginx serves them from its next request on. Throws when it did not take them. */
    public static void sendMembers(NginxSettings settings, Members members) {
        String answer = control(settings, "PUT", "/members", members.text(), SEND_TIMEOUT);
        if (!answer.equals(members.digest())) {
            throw new GatewayException("nginx did not take the instances over " + settings.controlSocket()
                    + (answer.isEmpty() ? " (no answer)" : " (it answered " + answer + ")") + "; see " + settings.errorLog());
        }
    }

    /** One request over the control socket; the body of a 200 answer, stripped, else "". */
    private static String control(NginxSettings settings, String method, String path, String body, Duration timeout) {
        SocketChannel channel;
        try {
            channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        } catch (IOException e) {
            return "";
        }
        // A unix socket channel has no read timeout: a virtual thread asks, and closing the channel ends a stuck ask.
        CompletableFuture<String> answer = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> answer.complete(ask(channel, settings.controlSocket(), method, path, body)));
        try {
            return answer.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            return "";
        } finally {
            try {
                channel.close();
            } catch (IOException e) {
                // closed already
            }
        }
    }

    private static String ask(SocketChannel channel, Path socket, String method, String path, String body) {
        try {
            channel.connect(UnixDomainSocketAddress.of(socket));
            byte[] content = body.getBytes(StandardCharsets.UTF_8);
            String head = method + " " + path + " HTTP/1.0\r\nHost: apollo\r\nContent-Length: " + content.length + "\r\n\r\n";
            ByteBuffer request = ByteBuffer.allocate(head.length() + content.length);
            request.put(head.getBytes(StandardCharsets.US_ASCII)).put(content).flip();
            while (request.hasRemaining()) {
                channel.write(request);
            }
            ByteBuffer buffer = ByteBuffer.allocate(4096);
            while (buffer.hasRemaining() && channel.read(buffer) >= 0) {
                // HTTP/1.0: nginx closes the connection after the answer
            }
            String response = new String(buffer.array(), 0, buffer.position(), StandardCharsets.US_ASCII);
            int start = response.indexOf("\r\n\r\n");
            return response.startsWith("HTTP/1.1 200") && start > 0 ? response.substring(start + 4).strip() : "";
        } catch (IOException e) {
            return "";
        }
    }

    /**
     * Graceful stop (workers finish their requests), then a hard one at the deadline. Workers outlive a
     * master that is killed, so the ones it had are killed too.
     */
    public static void stop(ProcessHandle master, Duration grace) {
        List<ProcessHandle> workers = master.children().toList();
        new GracefulStop(Signal.QUIT, grace).stop(master);
        workers.forEach(ProcessHandle::destroyForcibly);
    }

    /**
     * Whether a master still runs: not a zombie (a master that exited or was killed stays one until
     * its parent, init or a control plane that is PID 1 in a container, reaps it), and still a master.
     */
    public static boolean running(ProcessHandle master) {
        return Processes.running(master) && Processes.commandLine(master).contains("master process");
    }

    private static void signal(ProcessHandle process, Signal signal) {
        try {
            signal.send(process);
        } catch (ProcessException e) {
            throw new GatewayException("nginx: " + e.getMessage());
        }
    }

    private record Result(int exit, String output) {}

    private static Result run(List<String> command) {
        Path output = null;
        Process process = null;
        try {
            // To a file, not a pipe: a daemonizing nginx hands its stderr to the master, which would hold a pipe open.
            output = Files.createTempFile("apollo-nginx", ".out");
            process = Launch.of(command).appendingOutputTo(output).start();
            if (!process.waitFor(COMMAND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new GatewayException(String.join(" ", command) + " did not finish within " + COMMAND_TIMEOUT.toSeconds() + " s");
            }
            return new Result(process.exitValue(), Files.readString(output));
        } catch (IOException e) {
            throw new GatewayException("cannot run " + command.getFirst() + ": " + e.getMessage());
        } catch (InterruptedException e) {
            if (process != null) {
                process.destroyForcibly(); // a start nobody waits for would leave a master nobody knows of
            }
            Thread.currentThread().interrupt();
            throw new GatewayException("interrupted while running " + command.getFirst());
        } finally {
            if (output != null) {
                output.toFile().delete();
            }
        }
    }

    /** A short wait between looks at nginx, which announces nothing; an interrupt ends it and stays set. */
    static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
