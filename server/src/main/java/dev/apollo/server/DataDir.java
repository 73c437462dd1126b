package dev.apollo.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.apollo.api.Json;
import dev.apollo.core.ApolloException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * The control plane's data directory: the database, artifacts, instance state, the API token
 * and the files that tell the CLI where a running control plane is. Private to its user: 0700,
 * every file in it 0600 ({@link PrivateTree}).
 */
public final class DataDir implements AutoCloseable {
    private final Path root;
    private final FileChannel lockChannel;
    private final FileLock lock;

    /** Where {@link #recordPeers} writes, in the data dir; the gateway is given its path. */
    static final String PEERS = "peers.json";
    private static final String SQLITE_TMPDIR = "org.sqlite.tmpdir";
    /** A place the user chose for the library (-Dorg.sqlite.tmpdir) is kept. */
    private static final boolean SQLITE_TMPDIR_GIVEN = System.getProperty(SQLITE_TMPDIR) != null;

    private DataDir(Path root, FileChannel lockChannel, FileLock lock) {
        this.root = root;
        this.lockChannel = lockChannel;
        this.lock = lock;
    }

    /** Opens the directory, refusing when another control plane already runs on it. */
    public static DataDir open(Path root) {
        try {
            PrivateTree.make(root);
            // sqlite-jdbc unpacks its native library into java.io.tmpdir on every start, left behind after a
            // kill -9; here it reuses one private copy per data dir instead.
            Path lib = root.resolve("lib");
            Files.createDirectories(lib, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(PrivateTree.DIRECTORY));
            // Set at every open, not only the first: sqlite-jdbc reads it when it first loads, which may come after
            // an earlier data dir (of a store that is not SQLite, or of a test) was opened and deleted.
            if (!SQLITE_TMPDIR_GIVEN) {
                System.setProperty(SQLITE_TMPDIR, lib.toString());
            }
            FileChannel channel = FileChannel.open(root.resolve("server.lock"),
                    java.util.Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE),
                    java.nio.file.attribute.PosixFilePermissions.asFileAttribute(PrivateTree.FILE));
            FileLock lock = channel.tryLock();
            if (lock == null) {
                channel.close();
                throw new ApolloException.Conflict("another Apollo control plane is already running on data dir " + root
                        + " (see " + root.resolve("server.json") + "); stop it with 'apollo down' or use another --home.");
            }
            return new DataDir(root, channel, lock);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the data dir " + root + ": " + e.getMessage(), e);
        }
    }

    /**
     * Makes private whatever the backends created meanwhile with their own modes (lock files,
     * sqlite-jdbc's native library): called once everything is open.
     */
    public void makePrivate() {
        PrivateTree.make(root);
    }

    public Path root() {
        return root;
    }

    public Path artifacts() {
        return root.resolve("artifacts");
    }

    /** The API token, generated at first start into a file only its owner can read. */
    public String token() {
        Path file = root.resolve("token");
        try {
            if (!Files.exists(file)) {
                byte[] bytes = new byte[32];
                new SecureRandom().nextBytes(bytes);
                Path temp = Files.createTempFile(root, "token", ".tmp",
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                Files.writeString(temp, HexFormat.of().formatHex(bytes) + "\n");
                Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
            }
            return Files.readString(file).strip();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create the API token " + file + ": " + e.getMessage(), e);
        }
    }

    /** Tells the CLI where this control plane answers. */
    public void announce(String url, long pid, String startedAt) {
        write("server.json", "{\"url\":\"" + url + "\",\"pid\":" + pid + ",\"startedAt\":\"" + startedAt + "\"}\n");
        write("server.pid", pid + "\n");
    }

    /**
     * Tells the gateway where the other control planes sharing the store answer ({@code peers.json}, read by it
     * whenever its own control plane does not answer). Not withdrawn at a stop: the gateway outlives this process.
     */
    public void recordPeers(List<String> urls) {
        try {
            write(PEERS, Json.mapper().writeValueAsString(Map.of("peers", urls)) + "\n");
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a list of URLs as JSON", e);
        }
    }

    /** A store of its own has no peers: a list left from an earlier life on a shared store must not be followed. */
    public void forgetPeers() {
        try {
            Files.deleteIfExists(root.resolve(PEERS));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove " + root.resolve(PEERS) + ": " + e.getMessage(), e);
        }
    }

    public void withdraw() {
        try {
            Files.deleteIfExists(root.resolve("server.json"));
            Files.deleteIfExists(root.resolve("server.pid"));
        } catch (IOException ignored) {
            // Best effort: the CLI also checks that the pid is alive.
        }
    }

    private void write(String name, String content) {
        try {
            Path temp = Files.createTempFile(root, name, ".tmp");
            Files.writeString(temp, content, StandardCharsets.UTF_8);
            Files.move(temp, root.resolve(name), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + root.resolve(name) + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        try {
            lock.release();
            lockChannel.close();
        } catch (IOException ignored) {
            // The lock dies with the process anyway.
        }
    }
}
