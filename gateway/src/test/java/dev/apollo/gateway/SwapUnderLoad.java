package dev.apollo.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * Blue/green at the gateway under load: concurrent senders on four keep-alive clients send
 * {@code total} requests, and once a third have completed the table is swapped. Every request must
 * succeed, and every one sent after the swap returned must land on the new set.
 */
final class SwapUnderLoad {
    private static final int CLIENTS = 4;

    private final int total;
    private final AtomicInteger issued = new AtomicInteger();
    private final AtomicInteger completed = new AtomicInteger();
    private final AtomicBoolean swapped = new AtomicBoolean();
    private final List<String> failures = Collections.synchronizedList(new ArrayList<>());
    private final Map<String, AtomicInteger> afterSwap = new ConcurrentHashMap<>();

    private SwapUnderLoad(int total) {
        this.total = total;
    }

    /**
     * Sends {@code request} {@code total} times from {@code senders} threads to {@code port}, runs
     * {@code swap} after a third, and checks that nothing failed and that what answered after the
     * swap (the reply's field {@code who}) is exactly {@code newSet}.
     */
    static void check(int port, int senders, int total, Function<Http, Http.Reply> request, String who, Runnable swap,
            String... newSet) throws InterruptedException {
        SwapUnderLoad load = new SwapUnderLoad(total);
        List<Http> clients = new ArrayList<>();
        try {
            for (int c = 0; c < CLIENTS; c++) {
                clients.add(new Http(port));
            }
            List<Thread> threads = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            for (int s = 0; s < senders; s++) {
                Http client = clients.get(s % CLIENTS);
                threads.add(Thread.ofVirtual().start(() -> load.send(client, request, who, deadline)));
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> load.completed.get() >= total / 3);
            swap.run();
            load.swapped.set(true);
            for (Thread thread : threads) {
                thread.join(Duration.ofSeconds(60));
            }
        } finally {
            clients.forEach(Http::close);
        }
        assertThat(load.failures).isEmpty();
        assertThat(load.completed.get()).isEqualTo(total);
        assertThat(load.afterSwap).containsOnlyKeys(newSet);
        assertThat(load.afterSwap.values().stream().mapToInt(AtomicInteger::get).sum()).isGreaterThan(total / 3);
    }

    private void send(Http client, Function<Http, Http.Reply> request, String who, long deadline) {
        while (issued.incrementAndGet() <= total && System.nanoTime() < deadline) {
            boolean sentAfterSwap = swapped.get();
            try {
                Http.Reply reply = request.apply(client);
                if (reply.status() != 200) {
                    failures.add(reply.status() + " " + reply.body());
                } else if (sentAfterSwap) {
                    afterSwap.computeIfAbsent(reply.field(who), k -> new AtomicInteger()).incrementAndGet();
                }
            } catch (RuntimeException e) {
                failures.add(e.toString());
            }
            completed.incrementAndGet();
        }
    }
}
