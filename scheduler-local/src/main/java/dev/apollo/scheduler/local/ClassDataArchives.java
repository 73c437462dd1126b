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
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Predicate;

/**
 * Gives instances their artifact's class-data (AppCDS) archive, so that a JVM with its full JIT still starts
 * quickly: the classes of the jar come parsed, verified and laid out, mapped from {@code <state dir>/cds/}, one
 * archive per artifact and JDK ({@link ArchiveKey}).
 *
 * <p>The first instance of an artifact records the classes it loads ({@code -XX:DumpLoadedClassList}, written as it
 * goes); once it has exited or has loaded nothing new for a while (its start is over), {@link #settle} has a JVM of
 * its own make the archive from that list ({@link ArchiveDump}), the JDK check it ({@link ArchiveCheck}) and moves it
 * into place in one rename. Instances started before that run without one. One recording per artifact at a time:
 * twenty instances started at once cost one archive, not twenty.
 *
 * <p>Nothing here may keep an instance from starting or stopping: when anything fails, instances start without an
 * archive (and this control plane does not try that artifact again). A release that brings its own sharing options
 * ({@code -Xshare}, {@code -XX:SharedArchiveFile}, {@code -XX:AOTCache}...) gets none of ours.
 */
final class ClassDataArchives implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(ClassDataArchives.class.getName());
    private static final String DIR = "cds";
    /** The first JDK Apollo runs on; instances run with an older java get no archive rather than an unknown option. */
    private static final int FIRST_FEATURE = 21;
    private static final List<String> SHARING_OPTIONS = List.of("-Xshare", "-XX:SharedArchiveFile", "-XX:ArchiveClassesAtExit",
            "-XX:+AutoCreateSharedArchive", "-XX:-AutoCreateSharedArchive", "-XX:AOTCache", "-XX:AOTConfiguration",
            "-XX:AOTMode", "-XX:DumpLoadedClassList", "-XX:SharedClassListFile");

    /** An instance recording the classes of its artifact, and what the archive is to be made with. */
    private record Recording(ArchiveKey key, InstanceId writer, Path jar, List<String> jvmOptions, Path classList) {}

    private final Path dir;
    private final Path java;
    private final Predicate<InstanceId> running;
    private final Duration quiet;
    private final ArchiveDump dump;
    private final ArchiveCheck check;
    private final Map<String, String> jarDigests = new HashMap<>();
    private final Map<ArchiveKey, Recording> recordings = new HashMap<>();
    private final Set<ArchiveKey> making = new HashSet<>();
    private final Set<ArchiveKey> refused = new HashSet<>();
    private final ExecutorService maker = Executors.newSingleThreadExecutor(
            Thread.ofPlatform().name("apollo-class-data-archives").daemon(true).factory());

    /**
     * @param running whether an instance still runs: a writer that does may still be loading its classes
     * @param quiet how long a running writer's list must stay unchanged before its start counts as over
     */
    ClassDataArchives(Path stateDir, Path java, Predicate<InstanceId> running, Duration quiet) {
        this.dir = stateDir.resolve(DIR);
        this.java = java;
        this.running = running;
        this.quiet = quiet;
        this.dump = new ArchiveDump(new JvmRun(java, Duration.ofMinutes(2)));
        this.check = new ArchiveCheck(new JvmRun(java, Duration.ofSeconds(30)));
        deleteLeftovers();
    }

    /**
     * The options that give {@code instance} its artifact's archive: the archive to map when there is one, else
     * where to record its classes (if no other instance is recording them), else none.
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
            if (Files.exists(archive)) {
                return List.of("-XX:SharedArchiveFile=" + archive);
            }
            if (recordings.containsKey(key) || refused.contains(key)) {
                return List.of();
            }
            Files.createDirectories(dir);
            Path classList = key.classListIn(dir, instance);
            Files.deleteIfExists(classList);
            recordings.put(key, new Recording(key, instance, jar, List.copyOf(jvmDefaults), classList));
            return List.of("-XX:DumpLoadedClassList=" + classList);
        } catch (IOException e) {
            LOG.log(Level.WARNING, "Instance " + instance + " starts without a class-data archive: " + e);
            return List.of();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Instance " + instance + " starts without a class-data archive", e);
            return List.of();
        }
    }

    /**
     * Starts making the archive of every recording whose writer has exited or whose start is over; called now and
     * then. The making runs on a thread of its own, one archive at a time, so that it competes with instances for
     * the CPU as little as it can.
     *
     * @return the jars whose archive it started making
     */
    synchronized List<Path> settle() {
        List<Path> started = new ArrayList<>();
        Instant quietSince = Instant.now().minus(quiet);
        for (Recording recording : recordings.values()) {
            if (making.contains(recording.key())) {
                continue;
            }
            boolean done;
            try {
                // A running writer's list appears when its JVM starts, and grows until its start is over.
                done = !running.test(recording.writer()) || Files.exists(recording.classList())
                        && Files.getLastModifiedTime(recording.classList()).toInstant().isBefore(quietSince);
            } catch (IOException e) {
                done = true; // gone between the two looks: make() finds out
            }
            if (done) {
                making.add(recording.key());
                maker.execute(() -> make(recording));
                started.add(recording.jar());
            }
        }
        return started;
    }

    private void make(Recording recording) {
        ArchiveKey key = recording.key();
        Path archive = key.archiveIn(dir);
        Path output = key.dumpIn(dir);
        Optional<String> failure = Optional.empty();
        try {
            if (Files.exists(recording.classList()) && Files.size(recording.classList()) > 0) {
                Files.deleteIfExists(output);
                failure = dump.make(recording.classList(), recording.jar(), recording.jvmOptions(), output);
                if (failure.isEmpty() && !check.usable(output, recording.jar(), recording.jvmOptions())) {
                    failure = Optional.of("the JDK cannot map the archive it made");
                }
                if (failure.isEmpty()) {
                    Files.move(output, archive, StandardCopyOption.ATOMIC_MOVE);
                    LOG.log(Level.INFO, "Class-data archive of " + recording.jar() + " made from the classes instance "
                            + recording.writer() + " loaded: " + archive);
                }
            } // else its JVM never started: the next instance records instead
        } catch (IOException | RuntimeException e) {
            failure = Optional.of(e.toString());
        }
        synchronized (this) {
            making.remove(key);
            recordings.remove(key);
            failure.ifPresent(why -> {
                refused.add(key);
                LOG.log(Level.WARNING, "No class-data archive for " + recording.jar() + " (" + why
                        + "); its instances start without one.");
            });
        }
        try {
            Files.deleteIfExists(output);
            Files.deleteIfExists(recording.classList());
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "Could not delete what making an archive left: " + e);
        }
    }

    /** Stops making archives; a dump under way is killed and its output deleted by the next control plane. */
    @Override
    public void close() {
        maker.shutdownNow();
    }

    /** A list or dump left by an earlier control plane belongs to no recording of ours: its writer starts afresh. */
    private void deleteLeftovers() {
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (var files = Files.list(dir)) {
            for (Path file : files.filter(ArchiveKey::isLeftover).toList()) {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            LOG.log(Level.WARNING, "Could not clear " + dir + " of earlier recordings: " + e);
        }
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
