import dev.apollo.core.config.RunSettings;
import dev.apollo.core.model.ArtifactRef;
import dev.apollo.core.model.EnvironmentName;
import dev.apollo.core.model.Event;
import dev.apollo.core.model.EventType;
import dev.apollo.core.model.HealthCheck;
import dev.apollo.core.model.Release;
import dev.apollo.core.model.ReleaseId;
import dev.apollo.core.model.ReleaseState;
import dev.apollo.core.model.ServiceName;
import dev.apollo.core.port.Store;
import dev.apollo.store.postgres.PostgresLocation;
import dev.apollo.store.postgres.PostgresStore;
import dev.apollo.store.sqlite.SqliteStore;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Supplier;

/**
 * Store operation latency, SQLite beside PostgreSQL, in one run: the commit of a deploy (a release
 * and its DEPLOY_STARTED event), an event append, and a history read (a service with 50 releases).
 * Run by bench/store.sh against apollo.jar's classes:
 * java -cp apollo.jar bench/StoreLatency.java SQLITE_FILE POSTGRES_URL ROUNDS   (password: APOLLO_STORE_PASSWORD)
 */
public class StoreLatency {
    private static final ServiceName SERVICE = ServiceName.of("web-service");

    public static void main(String[] args) {
        int rounds = Integer.parseInt(args[2]);
        Clock clock = Clock.systemUTC();
        System.out.println("| store | operation | p50 | p95 | max | rounds |");
        System.out.println("| --- | --- | --- | --- | --- | --- |");
        try (Store sqlite = SqliteStore.open(Path.of(args[0]), clock)) {
            measure("SQLite", sqlite, rounds);
        }
        try (Store postgres = PostgresStore.open(PostgresLocation.parse(args[1]), System.getenv("APOLLO_STORE_PASSWORD"), clock,
                PostgresStore.Options.defaults())) {
            measure("PostgreSQL", postgres, rounds);
        }
    }

    private static void measure(String name, Store store, int rounds) {
        for (int i = 0; i < 50; i++) {
            Release release = release(store.nextReleaseId(), SERVICE);
            store.commit(List.of(release), List.of());
        }
        report(name, "history read (a service with 50 releases)", rounds, () -> store.history(EnvironmentName.PRODUCTION, SERVICE));
        report(name, "commit of a deploy (release + event)", rounds, () -> {
            Release release = release(store.nextReleaseId(), ServiceName.of("other-service"));
            return store.commit(List.of(release), List.of(Event.of(Instant.now(), EventType.DEPLOY_STARTED, release, "deploying", 0, 0)));
        });
        report(name, "event append", rounds, () -> store.commit(List.of(),
                List.of(Event.about(Instant.now(), EventType.SCALED, EnvironmentName.PRODUCTION, java.util.Optional.of(SERVICE), "scaled"))));
    }

    private static void report(String store, String operation, int rounds, Supplier<?> op) {
        for (int i = 0; i < rounds / 5; i++) {
            op.get(); // warm-up: JIT and connection pool
        }
        List<Long> micros = new ArrayList<>();
        for (int i = 0; i < rounds; i++) {
            long start = System.nanoTime();
            op.get();
            micros.add((System.nanoTime() - start) / 1_000);
        }
        Collections.sort(micros);
        System.out.printf("| %s | %s | %s | %s | %s | %d |%n", store, operation, ms(micros.get(micros.size() / 2)),
                ms(micros.get((int) Math.ceil(micros.size() * 0.95) - 1)), ms(micros.getLast()), rounds);
    }

    private static String ms(long micros) {
        return String.format("%.2f ms", micros / 1000.0);
    }

    private static Release release(ReleaseId id, ServiceName service) {
        Instant now = Instant.now();
        return new Release(id, EnvironmentName.PRODUCTION, service, ArtifactRef.parse(service + ":1.0." + id.value()), 2,
                HealthCheck.DEFAULT, 256, RunSettings.NONE, ReleaseState.LIVE, now, now.plusSeconds(120), now, "");
    }
}
