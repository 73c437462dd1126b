package dev.apollo.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The environment follows the work: into nested scopes, new threads, virtual threads and wrapped pools. */
class RpcContextTest {
    private static Optional<String> environment() {
        return RpcContext.current().environment();
    }

    @Test
    void outsideAnyRequestThereIsNoEnvironment() {
        assertThat(environment()).isEmpty();
        assertThat(RpcContext.current().baggage()).isEmpty();
    }

    @Test
    void withSetsTheEnvironmentForItsScopeOnly() throws Exception {
        RpcContext.with("stage1", () -> {
            assertThat(environment()).hasValue("stage1");
            RpcContext.with("stage2", () -> {
                assertThat(environment()).hasValue("stage2");
            });
            RpcContext.with(" ", () -> {
                assertThat(environment()).isEmpty();
            });
            assertThat(environment()).hasValue("stage1");
        });
        assertThat(environment()).isEmpty();
        assertThat(RpcContext.with("stage1", () -> environment().orElseThrow())).isEqualTo("stage1");
    }

    @Test
    void theScopeEndsEvenWhenTheTaskThrows() {
        assertThatThrownBy(() -> RpcContext.with("stage1", (Runnable) () -> {
            throw new IllegalStateException("boom");
        })).hasMessage("boom");
        assertThat(environment()).isEmpty();
    }

    @Test
    void aThreadStartedInAScopeInheritsIt() throws Exception {
        AtomicReference<Optional<String>> seen = new AtomicReference<>();
        RpcContext.with("stage1", () -> {
            Thread thread = new Thread(() -> seen.set(environment()));
            thread.start();
            join(thread);
        });
        assertThat(seen.get()).hasValue("stage1");
    }

    @Test
    void aVirtualThreadStartedInAScopeInheritsIt() throws Exception {
        AtomicReference<Optional<String>> seen = new AtomicReference<>();
        AtomicReference<Optional<String>> perTask = new AtomicReference<>();
        RpcContext.with("stage1", () -> {
            join(Thread.ofVirtual().start(() -> seen.set(environment())));
            // A thread per task is started by the submitter, so it inherits without wrapping.
            try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
                threads.execute(() -> perTask.set(environment()));
            }
        });
        assertThat(seen.get()).hasValue("stage1");
        assertThat(perTask.get()).hasValue("stage1");
    }

    @Test
    void aPoolNeedsWrappingAndThenRunsEachTaskInItsSubmittersScope() throws Exception {
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            // The pool's thread is created inside stage1's scope, so it inherits stage1 for good...
            RpcContext.with("stage1", () -> pool.submit(() -> {}).get());
            // ...which is why a task from another request must not run unwrapped on it:
            assertThat(RpcContext.with("stage2", () -> pool.submit(RpcContextTest::environment).get())).hasValue("stage1");

            ExecutorService wrapped = RpcContext.wrap(pool);
            assertThat(RpcContext.with("stage2", () -> wrapped.submit(RpcContextTest::environment).get())).hasValue("stage2");
            assertThat(wrapped.submit(RpcContextTest::environment).get()).isEmpty();
            Executor executor = RpcContext.wrap((Executor) pool);
            assertThat(RpcContext.with("stage3", () -> CompletableFuture.supplyAsync(RpcContextTest::environment, executor).get()))
                    .hasValue("stage3");
            // The pooled thread gets its own context back after each wrapped task.
            assertThat(pool.submit(RpcContextTest::environment).get()).hasValue("stage1");
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void wrappedTasksCarryTheScopeTheyWereWrappedIn() throws Exception {
        Runnable[] runnable = new Runnable[1];
        AtomicReference<Optional<String>> seen = new AtomicReference<>();
        var callable = RpcContext.with("stage1", () -> {
            runnable[0] = RpcContext.wrap(() -> seen.set(environment()));
            return RpcContext.wrap(RpcContextTest::environment);
        });
        runnable[0].run();
        assertThat(seen.get()).hasValue("stage1");
        assertThat(callable.call()).hasValue("stage1");
        assertThat(environment()).isEmpty();
    }

    @Test
    void headersMakeTheContextAndTheEnvironmentHeaderWins() {
        RpcContext fromHeader = RpcContext.fromHeaders("stage1", null);
        assertThat(fromHeader.environment()).hasValue("stage1");
        assertThat(fromHeader.baggageHeader()).isEqualTo("apollo.env=stage1");

        RpcContext fromBaggage = RpcContext.fromHeaders(null, "userId=alice, apollo.env=stage2;ttl=1 ,bad, =x");
        assertThat(fromBaggage.environment()).hasValue("stage2");
        assertThat(fromBaggage.baggage()).containsExactly(Map.entry("userId", "alice"), Map.entry("apollo.env", "stage2;ttl=1"));
        assertThat(fromBaggage.baggageHeader()).isEqualTo("apollo.env=stage2,userId=alice");

        RpcContext both = RpcContext.fromHeaders("stage1", "apollo.env=stage2,userId=alice");
        assertThat(both.environment()).hasValue("stage1");
        assertThat(both.baggageHeader()).isEqualTo("apollo.env=stage1,userId=alice");

        RpcContext neither = RpcContext.fromHeaders("", "userId=alice");
        assertThat(neither.environment()).isEmpty();
        assertThat(neither.baggageHeader()).isEqualTo("userId=alice");
        assertThat(RpcContext.fromHeaders(null, null).baggageHeader()).isNull();
    }

    @Test
    void baggageValuesArePercentEncoded() {
        assertThat(RpcContext.fromHeaders(null, "apollo.env=my%20env").environment()).hasValue("my env");
        assertThat(RpcContext.fromHeaders("a,b=c", null).baggageHeader()).isEqualTo("apollo.env=a%2Cb%3Dc");
    }

    private static void join(Thread thread) {
        try {
            thread.join();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }
}
