package dev.apollo.scheduler.local;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * A stand-in control plane in its own JVM, for tests that kill one with -9: opens a scheduler on
 * {@code args[0]}, starts one instance of the web service, prints its id, then waits to be killed.
 */
public final class ControlPlaneMain {
    private ControlPlaneMain() {}

    public static void main(String[] args) throws InterruptedException {
        ProcessScheduler scheduler = ProcessScheduler.open(Path.of(args[0]), ProcessScheduler.Options.defaults());
        String id = scheduler.ensure(Fixtures.webService(), 1).get(0).id().value();
        System.out.println("launched " + id);
        new CountDownLatch(1).await();
    }
}
