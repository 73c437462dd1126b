package dev.apollo.rpc;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The environment (and W3C baggage) of the request a thread is serving. {@link RpcClient} sends it on every outgoing
 * call as {@code X-Apollo-Env: <env>} and {@code baggage: apollo.env=<env>}, so a chain of calls stays in the
 * environment its first request came in, even when a service of another environment serves part of it (fallback).
 * {@link RpcServer} sets it for each request it serves from the same headers.
 *
 * <h2>Threads</h2>
 * The context lives in an {@link InheritableThreadLocal}: a thread (platform or virtual) started while serving a
 * request inherits that request's context, and so does {@code Executors.newVirtualThreadPerTaskExecutor()}, which
 * starts a thread per task. <b>Thread pools need {@link #wrap(Executor)}</b> (or {@link #wrap(ExecutorService)},
 * {@link #wrap(Runnable)}, {@link #wrap(Callable)}): a pooled thread is reused across requests, so it would otherwise
 * run every task with the context it inherited when it was created, from whichever request that happened to be.
 * A wrapped task runs in the context of the code that submitted it, and the pooled thread gets its own back after.
 */
public final class RpcContext {
    private static final RpcContext EMPTY = new RpcContext(null, Map.of());
    private static final InheritableThreadLocal<RpcContext> CURRENT = new InheritableThreadLocal<>() {
        @Override
        protected RpcContext initialValue() {
            return EMPTY;
        }
    };

    private final String environment;
    private final Map<String, String> baggage;

    private RpcContext(String environment, Map<String, String> baggage) {
        this.environment = environment;
        this.baggage = Collections.unmodifiableMap(new LinkedHashMap<>(baggage)); // in the order received
    }

    /** The context of this thread; empty (no environment, no baggage) outside any request. */
    public static RpcContext current() {
        return CURRENT.get();
    }

    /** The environment the current request belongs to, if it said. */
    public Optional<String> environment() {
        return Optional.ofNullable(environment);
    }

    /**
     * The incoming W3C baggage members, key to value as received (percent-encoded, with any {@code ;properties}).
     * Forwarded on outgoing calls with {@code apollo.env} set to {@link #environment()}.
     */
    public Map<String, String> baggage() {
        return baggage;
    }

    /** Runs {@code task} with the environment set (null or blank: none), keeping the current baggage. */
    public static void with(String environment, Runnable task) {
        Objects.requireNonNull(task, "task");
        current().withEnvironment(environment).run(task);
    }

    /** Calls {@code task} with the environment set (null or blank: none), keeping the current baggage. */
    public static <T> T with(String environment, Callable<T> task) throws Exception {
        Objects.requireNonNull(task, "task");
        return current().withEnvironment(environment).call(task);
    }

    /** {@code task}, made to run in the context current now, wherever and whenever it runs. */
    public static Runnable wrap(Runnable task) {
        Objects.requireNonNull(task, "task");
        RpcContext captured = current();
        return () -> captured.run(task);
    }

    /** {@code task}, made to run in the context current now, wherever and whenever it runs. */
    public static <T> Callable<T> wrap(Callable<T> task) {
        Objects.requireNonNull(task, "task");
        RpcContext captured = current();
        return () -> captured.call(task);
    }

    /** An executor that runs each task in the context of the thread that submitted it. */
    public static Executor wrap(Executor executor) {
        Objects.requireNonNull(executor, "executor");
        return task -> executor.execute(wrap(task));
    }

    /**
     * An executor service that runs each task in the context of the thread that submitted it; shutting it down shuts
     * down {@code executor}.
     */
    public static ExecutorService wrap(ExecutorService executor) {
        Objects.requireNonNull(executor, "executor");
        // Every submit/invoke* of AbstractExecutorService goes through execute() on the submitting thread.
        return new AbstractExecutorService() {
            @Override
            public void execute(Runnable task) {
                executor.execute(wrap(task));
            }

            @Override
            public void shutdown() {
                executor.shutdown();
            }

            @Override
            public List<Runnable> shutdownNow() {
                return executor.shutdownNow();
            }

            @Override
            public boolean isShutdown() {
                return executor.isShutdown();
            }

            @Override
            public boolean isTerminated() {
                return executor.isTerminated();
            }

            @Override
            public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
                return executor.awaitTermination(timeout, unit);
            }
        };
    }

    @Override
    public String toString() {
        return "RpcContext[environment=" + (environment == null ? "none" : environment) + ", baggage=" + baggage + "]";
    }

    /** The context of a request that came with these headers; {@code X-Apollo-Env} wins over baggage. */
    static RpcContext fromHeaders(String envHeader, String baggageHeader) {
        Map<String, String> members = Baggage.parse(baggageHeader);
        String environment = blankToNull(envHeader);
        return new RpcContext(environment != null ? environment : Baggage.value(members, Baggage.ENV_KEY), members);
    }

    /** The {@code baggage} header for an outgoing call, or null when there is nothing to send. */
    String baggageHeader() {
        return Baggage.format(baggage, environment);
    }

    void run(Runnable task) {
        RpcContext previous = CURRENT.get();
        CURRENT.set(this);
        try {
            task.run();
        } finally {
            CURRENT.set(previous);
        }
    }

    <T> T call(Callable<T> task) throws Exception {
        RpcContext previous = CURRENT.get();
        CURRENT.set(this);
        try {
            return task.call();
        } finally {
            CURRENT.set(previous);
        }
    }

    private RpcContext withEnvironment(String environment) {
        return new RpcContext(blankToNull(environment), baggage);
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }
}
