package dev.apollo.scheduler.swarm;

import dev.apollo.core.ApolloException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Apollo's Java base image, made on this machine because no registry can be reached: a jlink'ed
 * runtime of the JDK the control plane runs on, on an empty root with only what it needs to start
 * (the libraries {@code ldd} names, the loader), plus a shell and {@code cat} for the launch line
 * ({@link LaunchCommand}). Tagged by a digest of its inputs, so it is built once per JDK and recipe
 * and found again after that.
 */
final class RuntimeImage {
    static final String REPOSITORY = "apollo/java-runtime";
    static final String JAVA = "/opt/jre/bin/java";
    static final String SHELL = "/bin/sh";
    static final String CAT = "/bin/cat";
    private static final String RUNTIME_DIR = "/opt/jre";
    /** What services commonly need from the JDK; a jar that needs more fails with NoClassDefFoundError. */
    static final List<String> MODULES = List.of("java.base", "java.instrument", "java.logging", "java.management",
            "java.naming", "java.net.http", "java.security.jgss", "java.sql", "java.xml", "jdk.crypto.ec",
            "jdk.httpserver", "jdk.management", "jdk.unsupported", "jdk.zipfs");
    // The class-data sharing archive saves ~0.3 s of each start; the "nocoops" one only serves heaps over 32 GB.
    private static final List<String> JLINK_OPTIONS = List.of("--strip-debug", "--no-header-files", "--no-man-pages",
            "--generate-cds-archive");
    /** Bumped when the recipe changes in a way its inputs do not show. */
    private static final String RECIPE = "1";
    private static final Pattern LDD_LINE = Pattern.compile("^\\s*(?:\\S+\\s+=>\\s+)?(/\\S+)\\s+\\(0x[0-9a-f]+\\)\\s*$");

    private final Path javaHome;

    RuntimeImage(Path javaHome) {
        this.javaHome = javaHome;
    }

    /** The runtime of the JDK this control plane runs on. */
    static RuntimeImage ofRunningJdk() {
        return new RuntimeImage(Path.of(System.getProperty("java.home")));
    }

    String reference() {
        return REPOSITORY + ":" + tag();
    }

    /** A digest of what goes in: the JDK (its path and release file), the modules, the options, the host's tools. */
    String tag() {
        StringBuilder inputs = new StringBuilder(RECIPE).append('\n').append(javaHome.toAbsolutePath()).append('\n');
        try {
            inputs.append(Files.readString(javaHome.resolve("release"))).append('\n');
            inputs.append(hostTool(SHELL)).append('\n').append(hostTool(CAT)).append('\n');
        } catch (IOException e) {
            throw new ApolloException("The JDK at " + javaHome + " has no readable release file (" + e.getMessage()
                    + "); the Swarm scheduler builds its base image from a full JDK.", e);
        }
        inputs.append(MODULES).append(JLINK_OPTIONS);
        return sha256(inputs.toString()).substring(0, 16);
    }

    /** Builds the image unless the engine has it; returns its reference. */
    String ensure(Images images) {
        String reference = reference();
        if (!images.exists(reference)) {
            build(images);
        }
        return reference;
    }

    private void build(Images images) {
        Path work = null;
        try {
            work = Files.createTempDirectory("apollo-runtime-image");
            Path runtime = work.resolve("jre");
            jlink(runtime);
            Path tar = work.resolve("root.tar");
            try (OutputStream out = Files.newOutputStream(tar); TarWriter root = new TarWriter(out)) {
                writeRoot(runtime, root);
            }
            images.importRoot(tar, REPOSITORY, tag());
        } catch (IOException e) {
            throw new UncheckedIOException("Could not build the Java base image " + reference(), e);
        } finally {
            deleteTree(work);
        }
    }

    private void jlink(Path output) throws IOException {
        Path jlink = javaHome.resolve("bin").resolve("jlink");
        if (!Files.isExecutable(jlink)) {
            throw new ApolloException("No jlink at " + jlink + ": the Swarm scheduler builds its Java base image with the"
                    + " jlink of the JDK the control plane runs on. Run Apollo on a full JDK (not a JRE).");
        }
        List<String> command = new ArrayList<>(List.of(jlink.toString(), "--add-modules", String.join(",", MODULES)));
        command.addAll(JLINK_OPTIONS);
        command.addAll(List.of("--output", output.toString()));
        run(command);
        Files.deleteIfExists(output.resolve("lib/server/classes_nocoops.jsa"));
    }

    private void writeRoot(Path runtime, TarWriter root) throws IOException {
        List<Path> files;
        try (Stream<Path> walk = Files.walk(runtime)) {
            files = walk.filter(Files::isRegularFile).sorted().toList();
        }
        for (Path file : files) {
            root.file(RUNTIME_DIR + "/" + runtime.relativize(file), file);
        }
        Path shell = hostTool(SHELL);
        Path cat = hostTool(CAT);
        root.file(SHELL, shell);
        root.file(CAT, cat);
        // Every library the runtime, the shell and cat load, at the path the loader looks for it.
        List<Path> binaries = new ArrayList<>(files.stream()
                .filter(f -> f.getFileName().toString().endsWith(".so") || f.endsWith(Path.of("bin", "java")))
                .toList());
        binaries.add(shell);
        binaries.add(cat);
        for (String library : libraries(binaries, runtime)) {
            root.file(library, Path.of(library));
        }
        root.directory("/tmp", 01777);
        root.directory("/app", 0755);
    }

    /** The shared libraries outside the runtime that {@code ldd} says the binaries load, the loader included. */
    private static TreeSet<String> libraries(List<Path> binaries, Path runtime) throws IOException {
        TreeSet<String> libraries = new TreeSet<>();
        for (Path binary : binaries) {
            for (String line : run(List.of("ldd", binary.toString())).split("\n")) {
                Matcher matcher = LDD_LINE.matcher(line);
                if (matcher.matches() && !Path.of(matcher.group(1)).normalize().startsWith(runtime)) {
                    libraries.add(matcher.group(1));
                }
            }
        }
        return libraries;
    }

    private static Path hostTool(String path) throws IOException {
        return Path.of(path).toRealPath();
    }

    private static String run(List<String> command) throws IOException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!process.waitFor(5, TimeUnit.MINUTES) || process.exitValue() != 0) {
                process.destroyForcibly();
                throw new ApolloException("Building the Java base image: '" + String.join(" ", command) + "' failed: "
                        + output.strip());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            throw new ApolloException("Interrupted while building the Java base image", e);
        }
        return output;
    }

    private static void deleteTree(Path dir) {
        if (dir == null) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temporary directory left behind is no reason to fail the build
        }
    }

    static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
