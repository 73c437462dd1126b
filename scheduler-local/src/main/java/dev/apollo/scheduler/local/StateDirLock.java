package dev.apollo.scheduler.local;

import dev.apollo.core.ApolloException;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * {@code scheduler.lock} in a state directory, held by the scheduler that has it open: two schedulers
 * on one directory would adopt the same instances and start, stop and forget them unknown to each other.
 */
final class StateDirLock implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(StateDirLock.class.getName());
    static final String FILE = "scheduler.lock";

    private final FileChannel channel;
    private final FileLock lock;

    private StateDirLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * @throws IOException when the lock file cannot be opened
     * @throws ApolloException.Conflict when another scheduler holds the lock
     */
    static StateDirLock acquire(Path home) throws IOException {
        FileChannel channel = FileChannel.open(home.resolve(FILE),
                java.util.Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE), java.nio.file.attribute.PosixFilePermissions.asFileAttribute(java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (IOException | OverlappingFileLockException e) {
            lock = null;
        }
        if (lock == null) {
            closeQuietly(channel);
            throw new ApolloException.Conflict("Another scheduler has " + home + " open (" + FILE
                    + " is locked). Stop the other control plane first, or use another data directory.");
        }
        return new StateDirLock(channel, lock);
    }

    @Override
    public void close() {
        try {
            lock.release();
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "Could not release " + FILE, e);
        }
        closeQuietly(channel);
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "Ignoring a failure to close " + FILE, e);
        }
    }
}
