package dev.apollo.scheduler.local;

import dev.apollo.core.model.Address;
import dev.apollo.core.model.EnvironmentName;
import dev.apollo.core.model.InstanceId;
import dev.apollo.core.model.ReleaseId;
import dev.apollo.core.model.ServiceName;
import dev.apollo.core.model.Version;
import dev.apollo.core.port.ReleaseSpec;
import dev.apollo.core.port.ObservedInstance;
import dev.apollo.core.port.ObservedInstance.Exit;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;

/**
 * What the scheduler knows of one instance, as kept in {@code instance.properties} in its
 * directory. The file is what lets the next control plane adopt the instance, so it is written
 * before the process starts and always replaced whole (a reader never sees half a file).
 *
 * @param pid empty between writing the record and starting the process
 * @param stopDeadline when a requested stop turns into a kill; kept so that a control plane that
 *     dies during the grace period does not leave the kill undone
 */
record InstanceRecord(
        InstanceId id,
        ReleaseId release,
        EnvironmentName env,
        ServiceName service,
        Version version,
        URI artifact,
        Optional<Address> address,
        Instant startedAt,
        Optional<Long> pid,
        boolean stopRequested,
        Optional<Instant> stopDeadline,
        Optional<Exit> exit) {

    static final String FILE = "instance.properties";

    InstanceRecord {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(release, "release");
        Objects.requireNonNull(env, "env");
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(artifact, "artifact");
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(startedAt, "startedAt");
        Objects.requireNonNull(pid, "pid");
        Objects.requireNonNull(stopDeadline, "stopDeadline");
        Objects.requireNonNull(exit, "exit");
    }

    static InstanceRecord starting(InstanceId id, ReleaseSpec spec, Optional<Address> address, Instant now) {
        return new InstanceRecord(id, spec.id(), spec.environment(), spec.service(), spec.version(),
                spec.artifact(), address, now, Optional.empty(), false, Optional.empty(), Optional.empty());
    }

    boolean running() {
        return exit.isEmpty();
    }

    InstanceRecord withPid(long newPid) {
        return new InstanceRecord(id, release, env, service, version, artifact, address, startedAt,
                Optional.of(newPid), stopRequested, stopDeadline, exit);
    }

    InstanceRecord withStopRequested(Instant deadline) {
        return new InstanceRecord(id, release, env, service, version, artifact, address, startedAt,
                pid, true, Optional.of(deadline), exit);
    }

    InstanceRecord withExit(Optional<Exit> newExit) {
        return new InstanceRecord(id, release, env, service, version, artifact, address, startedAt,
                pid, stopRequested, stopDeadline, newExit);
    }

    ObservedInstance observed() {
        return new ObservedInstance(id, release, address, startedAt, stopRequested, exit);
    }

    /** Replaces the record in {@code dir} atomically, synced first so a crash never leaves it empty. */
    void write(Path dir) throws IOException {
        Properties p = new Properties();
        p.setProperty("id", id.value());
        p.setProperty("release", release.toString());
        p.setProperty("env", env.value());
        p.setProperty("service", service.value());
        p.setProperty("version", version.value());
        p.setProperty("artifact", artifact.toString());
        address.ifPresent(a -> {
            p.setProperty("host", a.host());
            p.setProperty("port", Integer.toString(a.port()));
        });
        p.setProperty("startedAt", startedAt.toString());
        pid.ifPresent(value -> p.setProperty("pid", Long.toString(value)));
        p.setProperty("stopRequested", Boolean.toString(stopRequested));
        stopDeadline.ifPresent(at -> p.setProperty("stopDeadline", at.toString()));
        exit.ifPresent(e -> {
            p.setProperty("exitCode", Integer.toString(e.code()));
            p.setProperty("exitReason", e.reason());
            p.setProperty("exitedAt", e.at().toString());
        });

        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        p.store(bytes, "Apollo instance " + id + " (written by the local scheduler; do not edit)");
        Path temp = dir.resolve(FILE + ".tmp");
        try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer buffer = ByteBuffer.wrap(bytes.toByteArray());
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            channel.force(true);
        }
        Files.move(temp, dir.resolve(FILE), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** Reads the record in {@code dir}; a missing or malformed file is an {@link IOException}. */
    static InstanceRecord read(Path dir) throws IOException {
        Path file = dir.resolve(FILE);
        Properties p = new Properties();
        p.load(new StringReader(Files.readString(file, StandardCharsets.ISO_8859_1)));
        try {
            Optional<Address> address = p.containsKey("port")
                    ? Optional.of(new Address(required(p, "host"), Integer.parseInt(required(p, "port"))))
                    : Optional.empty();
            Optional<Exit> exit = p.containsKey("exitCode")
                    ? Optional.of(new Exit(Integer.parseInt(required(p, "exitCode")), required(p, "exitReason"),
                            Instant.parse(required(p, "exitedAt"))))
                    : Optional.empty();
            return new InstanceRecord(
                    new InstanceId(required(p, "id")),
                    ReleaseId.parse(required(p, "release")),
                    EnvironmentName.of(required(p, "env")),
                    ServiceName.of(required(p, "service")),
                    Version.of(required(p, "version")),
                    URI.create(required(p, "artifact")),
                    address,
                    Instant.parse(required(p, "startedAt")),
                    Optional.ofNullable(p.getProperty("pid")).map(Long::valueOf),
                    Boolean.parseBoolean(p.getProperty("stopRequested", "false")),
                    Optional.ofNullable(p.getProperty("stopDeadline")).map(Instant::parse),
                    exit);
        } catch (RuntimeException e) {
            throw new IOException("Instance record " + file + " is malformed: " + e.getMessage(), e);
        }
    }

    private static String required(Properties p, String key) {
        String value = p.getProperty(key);
        if (value == null) {
            throw new IllegalArgumentException("'" + key + "' is missing");
        }
        return value;
    }
}
