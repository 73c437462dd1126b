package dev.apollo.scheduler.local;

import dev.apollo.core.model.InstanceId;
import dev.apollo.core.port.ReleaseSpec;
import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Gives instances their artifact's class-data (AppCDS) archive, so that a JVM with its full JIT still starts
 * quickly: the classes of the jar come parsed, verified and laid out, mapped from {@code <state dir>/cds/}, one
 * archive per artifact and JDK ({@link ArchiveKey}).
 *
 * <p>The JVM writes an archive only when it exits, so the first instance of an artifact makes it: it runs with
 * {@code -XX:ArchiveClassesAtExit} aimed at a file of its own, and once it has exited, the next start of the
 * artifact has the JDK check that file ({@link ArchiveCheck}) and moves it into place in one rename. Until then the
 * other instances run without one. One writer per artifact at a time: a retire that stops twenty instances at
 * once then costs one archive's writing, not twenty, and two JVMs never write one file. The writer's file is made
 * before it starts and named after it, so a later control plane knows it too.
 *
 * <p>Nothing here may keep an instance from starting: when anything fails, the instance starts without an
 * archive. A release that brings its own sharing options ({@code -Xshare}, {@code -XX:SharedArchiveFile},
 * {@code -XX:AOTCache}...) gets none of ours.
 */
final class ClassDataArchives {
    private static final System.Logger LOG = System.getLogger(ClassDataArchives.class.getName());
    private static final String DIR = "cds";
    /** The first JDK Apollo runs on; instances run with an older java get no archive rather than an unknown option. */
    private static final int FIRST_FEATURE = 21;
    private static final List<String> SHARING_OPTIONS = List.of("-Xshare", "-XX:SharedArchiveFile", "-XX:ArchiveClassesAtExit",
            "-XX:+AutoCreateSharedArchive", "-XX:-AutoCreateSharedArchive", "-XX:AOTCache", "-XX:AOTConfiguration",
            "-XX:AOTMode");

    private final Path dir;
    private final Path java;
    private final Predicate<InstanceId> running;
    private final ArchiveCheck check;
    private final Map<String, String> jarDigests = new HashMap<>();

    /**
     * @param running whether an instance still runs: a writer that does is still to write its archive
     */
    ClassDataArchives(Path stateDir, Path java, Predicate<InstanceId> running) {
        this.dir = stateDir.resolve(DIR);
        this.java = java;
        this.running = running;
        this.check = new ArchiveCheck(java, Duration.ofSeconds(30));
    }

    /**
     * The options that give {@code instance} its artifact's archive: the archive to map when there is one, else
     * where to write one when it exits (if no other instance is writing it), else none.
     *
     * @param jvmDefaults the options the scheduler puts before these, which the archive is made and checked with
     */
    synchronized List<String> optionsFor(ReleaseSpec spec, InstanceId instance, List<String> jvmDefaults) {
        if (spec.jvmOptions().stream().anyMatch(ClassDataArchives::isSharingOption)) {
            return List.of();
        }
        try {
            InstanceJdk jdk = InstanceJdk.of(java);
            if (jdk.feature() < FIRST_FEATURE) {
                return List.of();
            }
            Path jar = Path.of(spec.artifact());
            List<String> options = new ArrayList<>(jvmDefaults);
            options.addAll(spec.jvmOptions());
            ArchiveKey key = ArchiveKey.of(jar, sha256(jar), jdk, options);
            Path archive = key.archiveIn(dir);
            if (!Files.exists(archive)) {
                boolean writerRunning = settleWriters(key, jar, jvmDefaults);
                if (!Files.exists(archive)) {
                    return writerRunning ? List.of() : writer(key, instance);
                }
            }
            return List.of("-XX:SharedArchiveFile=" + archive);
        } catch (IOException e) {
            LOG.log(Level.WARNING, "Instance " + instance + " starts without a class-data archive: " + e);
            return List.of();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Instance " + instance + " starts without a class-data archive", e);
            return List.of();
        }
    }

    private List<String> writer(ArchiveKey key, InstanceId instance) throws IOException {
        Files.createDirectories(dir);
        Path output = Files.createFile(key.outputIn(dir, instance));
        // The JVM warns about every class it leaves out of the archive (JFR events, proxies...): noise in the
        // service's log, and nothing it could act on.
        return List.of("-XX:ArchiveClassesAtExit=" + output, "-Xlog:cds*=off");
    }

    /**
     * Puts the archive of the first finished writer that left a usable one into place and deletes what the others
     * left. True when a writer is still running.
     */
    private boolean settleWriters(ArchiveKey key, Path jar, List<String> jvmDefaults) throws IOException {
        if (!Files.isDirectory(dir)) {
            return false;
        }
        boolean writing = false;
        for (Map.Entry<InstanceId, Path> output : key.outputsIn(dir).entrySet()) {
            Path file = output.getValue();
            if (running.test(output.getKey())) {
                writing = true;
            } else if (!Files.exists(key.archiveIn(dir)) && check.usable(file, jar, jvmDefaults)) {
                Files.move(file, key.archiveIn(dir), StandardCopyOption.ATOMIC_MOVE);
                LOG.log(Level.INFO, "Class-data archive of " + jar + " made by instance " + output.getKey() + ": "
                        + key.archiveIn(dir));
            } else {
                Files.deleteIfExists(file);
                if (!Files.exists(key.archiveIn(dir))) {
                    LOG.log(Level.INFO, "Instance " + output.getKey() + " left no usable class-data archive of " + jar
                            + " (stopped before it wrote one?); the next instance writes one.");
                }
            }
        }
        return writing;
    }

    static boolean isSharingOption(String option) {
        return SHARING_OPTIONS.stream().anyMatch(option::startsWith);
    }

    /** Remembered by path, size and time: a large jar is read once, not at every start. */
    private String sha256(Path jar) throws IOException {
        Path real = jar.toRealPath();
        String stamp = real + "\0" + Files.size(real) + "\0" + Files.getLastModifiedTime(real).toMillis();
        String known = jarDigests.get(stamp);
        if (known != null) {
            return known;
        }
        MessageDigest digest = ArchiveKey.sha256();
        try (InputStream in = Files.newInputStream(real)) {
            byte[] buffer = new byte[64 * 1024];
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                digest.update(buffer, 0, n);
            }
        }
        String hex = HexFormat.of().formatHex(digest.digest());
        jarDigests.put(stamp, hex);
        return hex;
    }
}
