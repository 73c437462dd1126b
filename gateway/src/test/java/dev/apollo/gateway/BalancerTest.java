package dev.apollo.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.apollo.routing.Backend;
import dev.apollo.routing.BackendPool;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class BalancerTest {
    private final AtomicLong clock = new AtomicLong();
    private final Balancer balancer = new Balancer(clock::get, TimeUnit.SECONDS.toNanos(5));
    private final Backend a = Backend.parse("a", "127.0.0.1:1");
    private final Backend b = Backend.parse("b", "127.0.0.1:2");
    private final Backend c = Backend.parse("c", "127.0.0.1:3");
    private final BackendPool pool = new BackendPool("production", "web", "r1", List.of(a, b, c));

    @Test
    void roundRobinVisitsEveryBackendInTurn() {
        assertThat(List.of(balancer.pick(pool), balancer.pick(pool), balancer.pick(pool), balancer.pick(pool)))
                .containsExactly(a, b, c, a);
    }

    @Test
    void ejectedBackendIsSkippedForItsTimeOnly() {
        balancer.eject(b);
        Set<Backend> seen = new HashSet<>();
        for (int i = 0; i < 9; i++) {
            seen.add(balancer.pick(pool));
        }
        assertThat(seen).containsExactlyInAnyOrder(a, c);
        clock.addAndGet(TimeUnit.SECONDS.toNanos(5));
        for (int i = 0; i < 3; i++) {
            seen.add(balancer.pick(pool));
        }
        assertThat(seen).contains(b);
        assertThat(balancer.isEjected(b)).isFalse();
    }

    @Test
    void whenAllAreEjectedOneIsStillTried() {
        balancer.eject(a);
        balancer.eject(b);
        balancer.eject(c);
        assertThat(balancer.pick(pool)).isIn(a, b, c);
        BackendPool single = new BackendPool("production", "web", "r1", List.of(a));
        assertThat(balancer.pick(single)).isEqualTo(a);
    }

    @Test
    void retryPicksAnotherBackendPreferringHealthyOnes() {
        for (int i = 0; i < 6; i++) {
            assertThat(balancer.pickOther(pool, List.of(a))).isNotSameAs(a);
        }
        balancer.eject(b);
        for (int i = 0; i < 6; i++) {
            assertThat(balancer.pickOther(pool, List.of(a))).isSameAs(c);
        }
        balancer.eject(c);
        assertThat(balancer.pickOther(pool, List.of(a))).isIn(b, c);
        assertThat(balancer.pickOther(new BackendPool("production", "web", "r1", List.of(a)), List.of(a))).isNull();
    }
}
