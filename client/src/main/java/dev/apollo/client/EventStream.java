package dev.apollo.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.apollo.api.SseEvent;
import dev.apollo.api.SseParser;
import dev.apollo.api.Views.EventView;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Follows {@code /v1/events}: parses the stream, and when the connection drops resumes after the
 * last event seen (Last-Event-ID), a bounded number of times in a row. The server sends a comment
 * every 10 s, so a connection silent for much longer is treated as dropped.
 */
final class EventStream {
    static final int MAX_RETRIES = 5;

    private final HttpTransport transport;
    private final Duration idleTimeout;
    private final Duration firstBackoff;

    EventStream(HttpTransport transport, Duration idleTimeout, Duration firstBackoff) {
        this.transport = transport;
        this.idleTimeout = idleTimeout;
        this.firstBackoff = firstBackoff;
    }

    /** Returns the id of the event that satisfied {@code stop}. */
    long follow(long after, EventFilter filter, Consumer<EventView> sink, Predicate<EventView> stop) {
        long last = after;
        int failures = 0;
        while (true) {
            Attempt attempt = new Attempt(last, sink, stop);
            RuntimeException problem;
            try {
                attempt.run(filter);
                if (attempt.stopped) {
                    return attempt.last;
                }
                problem = new ApolloClientException("The control plane at " + transport.connection().url()
                        + " closed the event stream before the awaited event.");
            } catch (ApiException | UnreadableEvent e) {
                throw e; // retrying cannot change the answer
            } catch (ApolloClientException e) {
                problem = e;
            }
            failures = attempt.last > last ? 1 : failures + 1;
            last = attempt.last;
            if (failures > MAX_RETRIES) {
                throw problem;
            }
            sleep(firstBackoff.multipliedBy(1L << Math.min(failures - 1, 4)));
        }
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApolloClientException("Interrupted while waiting for events.", e);
        }
    }

    private static final class UnreadableEvent extends ApolloClientException {
        UnreadableEvent(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** One connection's worth of events. */
    private final class Attempt {
        private long last;
        private final long resumeFrom;
        private final Consumer<EventView> sink;
        private final Predicate<EventView> stop;
        private boolean stopped;
        private volatile long lastActivity = System.nanoTime();

        Attempt(long after, Consumer<EventView> sink, Predicate<EventView> stop) {
            this.last = after;
            this.resumeFrom = after;
            this.sink = sink;
            this.stop = stop;
        }

        void run(EventFilter filter) {
            Map<String, String> query = new LinkedHashMap<>();
            query.put("after", Long.toString(resumeFrom));
            query.putAll(filter.query());
            HttpRequest request = transport.request("/v1/events" + UriPaths.query(query))
                    .header("Accept", "text/event-stream")
                    .header("Last-Event-ID", Long.toString(resumeFrom))
                    .GET().build();
            InputStream body = transport.stream(request);
            Thread watchdog = Thread.ofVirtual().start(() -> closeWhenIdle(body));
            try (body; BufferedReader reader = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
                SseParser parser = new SseParser();
                String line;
                while (!stopped && (line = reader.readLine()) != null) {
                    lastActivity = System.nanoTime();
                    parser.line(line).ifPresent(this::deliver);
                }
            } catch (IOException e) {
                if (!stopped) {
                    throw transport.failure(request, e);
                }
            } finally {
                watchdog.interrupt();
            }
        }

        private void deliver(SseEvent raw) {
            EventView event;
            try {
                event = HttpTransport.reader().readValue(raw.data(), EventView.class);
            } catch (JsonProcessingException e) {
                throw new UnreadableEvent("The control plane sent an event this client cannot read ("
                        + e.getOriginalMessage() + "): " + raw.data(), e);
            }
            if (event.id() <= last) {
                return; // a replay after reconnecting
            }
            last = event.id();
            sink.accept(event);
            stopped = stop.test(event);
        }

        /** Closing the raw stream (not the reader, whose lock the reading thread holds) wakes a blocked read. */
        private void closeWhenIdle(InputStream body) {
            try {
                while (System.nanoTime() - lastActivity < idleTimeout.toNanos()) {
                    Thread.sleep(Math.max(10, idleTimeout.toMillis() / 10));
                }
                body.close();
            } catch (InterruptedException | IOException e) {
                // the attempt ended first
            }
        }
    }
}
