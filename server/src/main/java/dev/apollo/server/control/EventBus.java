package dev.apollo.server.control;

import dev.apollo.core.model.Event;
import dev.apollo.core.model.Release;
import dev.apollo.core.port.Store;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Writes state changes with their events in one transaction and wakes the event-stream readers.
 * Events live in the store, so a reader resumes after any id, even across a restart.
 */
public final class EventBus {
    private final Store store;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition published = lock.newCondition();
    private volatile long lastId;

    public EventBus(Store store) {
        this.store = store;
        this.lastId = store.lastEventId();
    }

    public List<Event> publish(List<Release> releases, List<Event> events) {
        List<Event> stored = store.commit(releases, events);
        if (!stored.isEmpty()) {
            lock.lock();
            try {
                lastId = stored.getLast().id();
                published.signalAll();
            } finally {
                lock.unlock();
            }
        }
        return stored;
    }

    public List<Event> publish(Event event) {
        return publish(List.of(), List.of(event));
    }

    /** Catches up with events other control planes appended: called when this one starts leading. */
    public void refresh() {
        lock.lock();
        try {
            lastId = Math.max(lastId, store.lastEventId());
            published.signalAll();
        } finally {
            lock.unlock();
        }
    }

    public long lastId() {
        return lastId;
    }

    public List<Event> after(long id, int limit) {
        return store.eventsAfter(id, limit);
    }

    /** Waits until an event newer than {@code id} exists; false when the wait timed out. */
    public boolean awaitAfter(long id, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        lock.lock();
        try {
            while (lastId <= id) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                published.await(left, TimeUnit.NANOSECONDS);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }
}
