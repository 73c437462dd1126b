package dev.apollo.rpc;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpClient;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A client and an RpcServer over a real socket: what goes in as Java comes out as the same Java. */
class RoundTripTest {
    record Greeting(String to, int times, List<String> tags) {}

    interface Catalog {
        String echo(String text);

        int add(int a, long b);

        double half(double value);

        boolean isEven(Integer value);

        List<Greeting> greet(List<String> names, int times);

        Map<String, Greeting> byName(Greeting greeting);

        Greeting nothingFound();

        void remember(String value);

        Void forget();

        String noArguments();

        /** A local convenience, never sent: it calls the remote method. */
        default String shout(String text) {
            return echo(text).toUpperCase();
        }
    }

    static final class Implementation implements Catalog {
        final AtomicReference<String> remembered = new AtomicReference<>("");

        @Override
        public String echo(String text) {
            return text;
        }

        @Override
        public int add(int a, long b) {
            return (int) (a + b);
        }

        @Override
        public double half(double value) {
            return value / 2;
        }

        @Override
        public boolean isEven(Integer value) {
            return value % 2 == 0;
        }

        @Override
        public List<Greeting> greet(List<String> names, int times) {
            return names.stream().map(name -> new Greeting(name, times, List.of("hello"))).toList();
        }

        @Override
        public Map<String, Greeting> byName(Greeting greeting) {
            return Map.of(greeting.to(), greeting);
        }

        @Override
        public Greeting nothingFound() {
            return null;
        }

        @Override
        public void remember(String value) {
            remembered.set(value);
        }

        @Override
        public Void forget() {
            remembered.set("");
            return null;
        }

        @Override
        public String noArguments() {
            return "none needed";
        }

        @Override
        public String shout(String text) {
            throw new AssertionError("default methods run on the caller's side");
        }
    }

    private final Implementation implementation = new Implementation();
    private RpcServer server;
    private Catalog catalog;

    @BeforeEach
    void start() {
        server = RpcServer.serve(0, Catalog.class, implementation);
        catalog = RpcClient.builderFor(Catalog.class)
                .withBaseUrl("http://127.0.0.1:" + server.port() + "/")
                .build();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void stringsIncludingUnicodeAndNull() {
        assertThat(catalog.echo("Hello, Ada")).isEqualTo("Hello, Ada");
        assertThat(catalog.echo("héllo \"quoted\" ✓ 🚀")).isEqualTo("héllo \"quoted\" ✓ 🚀");
        assertThat(catalog.echo("")).isEmpty();
        assertThat(catalog.echo(null)).isNull();
    }

    @Test
    void numbersAndBooleans() {
        assertThat(catalog.add(2, 40L)).isEqualTo(42);
        assertThat(catalog.add(-1, Integer.MAX_VALUE + 1L)).isEqualTo(Integer.MAX_VALUE);
        assertThat(catalog.half(5)).isEqualTo(2.5);
        assertThat(catalog.isEven(4)).isTrue();
        assertThat(catalog.isEven(7)).isFalse();
    }

    @Test
    void recordsListsAndMapsKeepTheirGenericTypes() {
        List<Greeting> greetings = catalog.greet(List.of("Ada", "Grace"), 2);
        assertThat(greetings).containsExactly(
                new Greeting("Ada", 2, List.of("hello")), new Greeting("Grace", 2, List.of("hello")));
        Greeting greeting = new Greeting("Bob", 1, List.of());
        assertThat(catalog.byName(greeting)).containsExactly(Map.entry("Bob", greeting));
        assertThat(catalog.nothingFound()).isNull();
    }

    @Test
    void voidMethodsRunRemotely() {
        catalog.remember("this");
        assertThat(implementation.remembered).hasValue("this");
        assertThat(catalog.forget()).isNull();
        assertThat(implementation.remembered).hasValue("");
        assertThat(catalog.noArguments()).isEqualTo("none needed");
    }

    @Test
    void objectAndDefaultMethodsStayLocal() {
        assertThat(catalog.toString()).isEqualTo("RpcClient[Catalog at http://127.0.0.1:" + server.port() + "]");
        assertThat(catalog).isEqualTo(catalog).isNotEqualTo(RpcClient.builderFor(Catalog.class)
                .withBaseUrl("http://127.0.0.1:" + server.port()).build());
        assertThat(catalog.hashCode()).isEqualTo(System.identityHashCode(catalog));
        assertThat(catalog.shout("quiet")).isEqualTo("QUIET");
    }

    @Test
    void manyConcurrentCallsOnOneSharedHttpClient() throws Exception {
        HttpClient shared = HttpClient.newHttpClient();
        Catalog client = RpcClient.builderFor(Catalog.class)
                .withBaseUrl("http://127.0.0.1:" + server.port()).withHttpClient(shared).build();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Integer>> answers = IntStream.range(0, 200)
                    .mapToObj(i -> threads.submit(() -> client.add(i, 1))).toList();
            for (int i = 0; i < answers.size(); i++) {
                assertThat(answers.get(i).get()).isEqualTo(i + 1);
            }
        }
    }
}
