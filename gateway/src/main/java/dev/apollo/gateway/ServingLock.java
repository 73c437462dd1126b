package dev.apollo.gateway;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Of the gateway processes that name one lock file, the one holding the lock serves and the others
 * stand by. The kernel releases a process's lock the moment it exits, {@code kill -9} included, and
 * a standby blocked on the lock wakes at once: no heartbeat, no timeout to tune.
 */
final class ServingLock implements AutoCloseable {
    private final FileChannel channel;

    private ServingLock(FileChannel channel) {
        this.channel = channel;
    }

    static ServingLock open(Path file) throws IOException {
        return new ServingLock(FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE));
    }

    /** True when this process holds the lock now (it is free, or already ours). */
    boolean tryAcquire() throws IOException {
        return channel.tryLock() != null;
    }

    /**
     * Blocks until this process holds the lock. Interrupting the waiting thread ends the wait with
     * {@link java.nio.channels.ClosedByInterruptException} and closes this lock.
     */
    void acquire() throws IOException {
        channel.lock();
    }

    /** Releases the lock (a standby takes over) and closes the file. */
    @Override
    public void close() throws IOException {
        channel.close();
    }
}
