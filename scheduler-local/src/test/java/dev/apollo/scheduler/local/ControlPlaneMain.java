package dev.apollo.scheduler.local;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * A stand-in control plane in its own JVM, for tests that kill one with -9: opens a scheduler on
 * {@code args[0]}, launches the web service as instance {@code args[1]}, then waits to be killed.
 */
public final class ControlPlaneMain {
    private ControlPlaneMain() {}

    public static void main(String[] args) throws InterruptedException {
        ProcessScheduler scheduler = ProcessScheduler.open(Path.of(args[0]), ProcessScheduler.Options.defaults());
        scheduler.launch(Fixtures.webService(args[1]));
        System.out.println("launched " + args[1]);
        new CountDownLatch(1).await();
    }
}
