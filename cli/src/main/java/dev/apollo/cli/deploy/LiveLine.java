package dev.apollo.cli.deploy;

import dev.apollo.api.Views.EventView;
import java.io.PrintStream;
import java.util.Locale;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The terminal view of a deploy: one line redrawn in place (so the clock keeps moving between
 * events), with the events that need attention printed above it.
 */
final class LiveLine implements Consumer<EventView>, AutoCloseable {
    private static final Set<String> NOTABLE = Set.of("INSTANCE_UNHEALTHY", "INSTANCE_NOT_READY", "INSTANCE_EXITED", "BACKING_OFF");

    private final PrintStream out;
    private final DeployState state;
    private final Thread ticker;
    private int width;

    LiveLine(PrintStream out, DeployState state) {
        this.out = out;
        this.state = state;
        this.ticker = Thread.ofPlatform().daemon().name("apollo-progress").start(this::tick);
    }

    @Override
    public synchronized void accept(EventView event) {
        if (NOTABLE.contains(event.type()) && event.message() != null && !event.message().isBlank()) {
            draw("  " + event.type().toLowerCase(Locale.ROOT).replace('_', ' ') + ": " + event.message());
            out.println();
            width = 0;
        }
        draw(state.bar());
    }

    private void tick() {
        try {
            while (!Thread.currentThread().isInterrupted()) {
                Thread.sleep(100);
                synchronized (this) {
                    draw(state.bar());
                }
            }
        } catch (InterruptedException e) {
            // closed
        }
    }

    /** Overwrites the current line; pads with spaces because a shorter line would leave the old tail visible. */
    private void draw(String line) {
        out.print("\r" + line + " ".repeat(Math.max(0, width - line.length())));
        out.flush();
        width = line.length();
    }

    @Override
    public void close() {
        ticker.interrupt();
        try {
            ticker.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (this) {
            draw(state.bar());
            out.println();
        }
    }
}
