package dev.apollo.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.apollo.core.port.Leadership;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which control planes a gateway turns to, and in what order, when its own does not answer. */
class PeerListTest {
    private static final Instant NOW = Instant.parse("2026-12-03T12:00:00Z");

    private static Leadership.Member member(String id, String address, int secondsAgo) {
        return new Leadership.Member(id, address, NOW.minusSeconds(3600), NOW.minusSeconds(secondsAgo));
    }

    @Test
    void theLeaderFirstThenTheOthersByLastContactNeverItself() {
        Leadership.Term term = new Leadership.Term(4, "b", "http://10.0.0.2:7700", NOW.plusSeconds(3));
        List<Leadership.Member> members = List.of(
                member("a", "http://10.0.0.1:7700", 0),
                member("b", "http://10.0.0.2:7700", 1),
                member("c", "http://10.0.0.3:7700", 30),
                member("d", "http://10.0.0.4:7700", 2),
                // An earlier process of this control plane, on the same address: not a peer.
                member("a-before", "http://10.0.0.1:7700", 600));

        assertThat(PeerList.order("a", "http://10.0.0.1:7700", term, members, NOW))
                .containsExactly("http://10.0.0.2:7700", "http://10.0.0.4:7700", "http://10.0.0.3:7700");
    }

    @Test
    void aLapsedTermOrThisControlPlanesOwnPutsNobodyFirst() {
        List<Leadership.Member> members = List.of(member("a", "http://10.0.0.1:7700", 0), member("b", "http://10.0.0.2:7700", 9),
                member("c", "http://10.0.0.3:7700", 1));
        Leadership.Term lapsed = new Leadership.Term(4, "b", "http://10.0.0.2:7700", NOW.minusSeconds(1));
        Leadership.Term own = new Leadership.Term(5, "a", "http://10.0.0.1:7700", NOW.plusSeconds(3));

        assertThat(PeerList.order("a", "http://10.0.0.1:7700", lapsed, members, NOW))
                .containsExactly("http://10.0.0.3:7700", "http://10.0.0.2:7700");
        assertThat(PeerList.order("a", "http://10.0.0.1:7700", own, members, NOW))
                .containsExactly("http://10.0.0.3:7700", "http://10.0.0.2:7700");
        assertThat(PeerList.order("a", "http://10.0.0.1:7700", own, List.of(members.getFirst()), NOW)).isEmpty();
    }
}
