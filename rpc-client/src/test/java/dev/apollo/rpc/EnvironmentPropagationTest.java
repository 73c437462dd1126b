package dev.apollo.rpc;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two services over real sockets, A calling B while serving a request: B sees the environment that was sent to A,
 * whichever header carried it and whichever of A's threads made the call.
 */
class EnvironmentPropagationTest {
    /** What B saw of the request: its environment, and the raw headers. */
    record Seen(String environment, String envHeader, String baggage) {}

    interface Front {
        Seen direct();

        Seen fromNewThread() throws InterruptedException;

        Seen fromVirtualThread() throws InterruptedException;

        Seen fromPool() throws Exception;
    }

    interface Back {
        Seen whoAmI();
    }

    /** B: reports the context it was called in. */
    static final class BackImpl implements Back {
        final AtomicReference<RpcContext> last = new AtomicReference<>();

        @Override
        public Seen whoAmI() {
            RpcContext context = RpcContext.current();
            last.set(context);
            return new Seen(context.environment().orElse("none"), String.valueOf(context.environment().orElse(null)),
                    context.baggage().toString());
        }
    }

    /** A: calls B, from the request's thread or from threads it starts. */
    static final class FrontImpl implements Front {
        final Back back;
        final ExecutorService pool = RpcContext.wrap(Executors.newFixedThreadPool(2));

        FrontImpl(Back back) {
            this.back = back;
        }

        @Override
        public Seen direct() {
            return back.whoAmI();
        }

        @Override
        public Seen fromNewThread() throws InterruptedException {
            AtomicReference<Seen> seen = new AtomicReference<>();
            Thread thread = new Thread(() -> seen.set(back.whoAmI()));
            thread.start();
            thread.join();
            return seen.get();
        }

        @Override
        public Seen fromVirtualThread() throws InterruptedException {
            AtomicReference<Seen> seen = new AtomicReference<>();
            Thread.ofVirtual().start(() -> seen.set(back.whoAmI())).join();
            return seen.get();
        }

        @Override
        public Seen fromPool() throws Exception {
            return pool.submit(back::whoAmI).get();
        }
    }

    private final BackImpl backImpl = new BackImpl();
    private final HttpClient http = HttpClient.newHttpClient();
    private final FakeGateway gateway = new FakeGateway();
    private RpcServer b;
    private RpcServer a;
    private FrontImpl frontImpl;

    @BeforeEach
    void start() {
        b = RpcServer.serve(0, Back.class, backImpl);
        gateway.route("b", b);
        // A calls B by convention, through the gateway, as services do on the platform.
        Back back = RpcClient.builderFor(Back.class).withBaseUrl(gateway.url()).withPart("b").build();
        frontImpl = new FrontImpl(back);
        a = RpcServer.serve(0, Front.class, frontImpl);
    }

    @AfterEach
    void stop() {
        frontImpl.pool.shutdownNow();
        a.close();
        b.close();
        gateway.close();
        http.close();
    }

    /** Calls A the way the gateway would, with these headers (name, value, ...). */
    private Seen callA(String method, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + a.port() + "/" + method))
                .POST(HttpRequest.BodyPublishers.ofString("[]"));
        if (headers.length > 0) {
            request.headers(headers);
        }
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return Json.mapper().readValue(response.body(), Seen.class);
    }

    @Test
    void theEnvironmentHeaderSentToAReachesB() throws Exception {
        Seen seen = callA("direct", "X-Apollo-Env", "stage1");
        assertThat(seen.environment()).isEqualTo("stage1");
        assertThat(seen.baggage()).isEqualTo("{apollo.env=stage1}");
        assertThat(gateway.forwarded).containsExactly(new FakeGateway.Forwarded("/b/whoAmI", "stage1", "apollo.env=stage1"));
    }

    @Test
    void baggageAloneIsEnoughAndItsOtherMembersTravelToo() throws Exception {
        Seen seen = callA("direct", "baggage", "tenant=acme;ttl=2, apollo.env=stage2");
        assertThat(seen.environment()).isEqualTo("stage2");
        assertThat(backImpl.last.get().baggage()).containsEntry("tenant", "acme;ttl=2").containsEntry("apollo.env", "stage2");
        assertThat(backImpl.last.get().baggageHeader()).isEqualTo("apollo.env=stage2,tenant=acme;ttl=2");
    }

    @Test
    void theHeaderWinsOverBaggage() throws Exception {
        assertThat(callA("direct", "X-Apollo-Env", "stage1", "baggage", "apollo.env=stage2").environment()).isEqualTo("stage1");
        assertThat(backImpl.last.get().baggage()).containsEntry("apollo.env", "stage1");
    }

    @Test
    void withoutAnEnvironmentNoneIsSent() throws Exception {
        assertThat(callA("direct").environment()).isEqualTo("none");
        assertThat(backImpl.last.get().baggage()).isEmpty();
    }

    @Test
    void threadsAStartsWhileServingCarryTheRequestsEnvironment() throws Exception {
        for (String method : List.of("fromNewThread", "fromVirtualThread", "fromPool")) {
            assertThat(callA(method, "X-Apollo-Env", "stage1").environment()).as(method).isEqualTo("stage1");
            assertThat(callA(method, "baggage", "apollo.env=stage2").environment()).as(method).isEqualTo("stage2");
            assertThat(callA(method).environment()).as(method).isEqualTo("none");
        }
    }

    @Test
    void aClientCallsInTheEnvironmentOfItsCallersScope() throws Exception {
        Front front = RpcClient.builderFor(Front.class).withBaseUrl("http://127.0.0.1:" + a.port()).build();
        assertThat(RpcContext.with("stage3", front::direct).environment()).isEqualTo("stage3");
        assertThat(RpcContext.with("stage3", front::fromPool).environment()).isEqualTo("stage3");
        assertThat(front.direct().environment()).isEqualTo("none");
    }
}
