package dev.apollo.server.control;

import static org.assertj.core.api.Assertions.assertThat;

import dev.apollo.api.RouteTableView;
import dev.apollo.api.RouteTableView.EnvironmentRoutes;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The feed of route tables: the empty table of the start, which no gateway may be given in place of the one it
 * serves; the tables a standby copies from the leader's stream for its nginx; its own controller's.
 */
class RouteFeedTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-03T12:00:00Z"), ZoneOffset.UTC);

    private static List<EnvironmentRoutes> environments(String... names) {
        return Arrays.stream(names).map(n -> new EnvironmentRoutes(n, null, List.of(), List.of(), List.of())).toList();
    }

    @Test
    void theLeadersTablesComeUnderThisFeedsOwnVersionsAndDoNotCountAsPublished() {
        RouteFeed feed = new RouteFeed(CLOCK);
        long start = feed.current().version();

        // The leader started earlier than this control plane: its versions are lower than this feed's.
        feed.mirror(new RouteTableView(5, CLOCK.instant(), environments("production")));
        feed.mirror(new RouteTableView(6, CLOCK.instant(), environments("production")));
        feed.mirror(new RouteTableView(7, CLOCK.instant(), environments("production", "stage1")));

        assertThat(feed.current().version()).as("one new version per change of content").isEqualTo(start + 2);
        assertThat(feed.current().environments()).isEqualTo(environments("production", "stage1"));
        assertThat(feed.published()).as("a new leader still hands no gateway a table before its controller made one").isFalse();
    }

    @Test
    void onceItsControllerPublishedTheLeadersTablesAreIgnored() {
        RouteFeed feed = new RouteFeed(CLOCK);
        feed.mirror(new RouteTableView(5, CLOCK.instant(), environments("production")));
        long mirrored = feed.current().version();

        assertThat(feed.offer(environments("production", "stage2"))).isTrue();
        feed.mirror(new RouteTableView(9, CLOCK.instant(), environments("production")));

        assertThat(feed.published()).isTrue();
        assertThat(feed.current().version()).isEqualTo(mirrored + 1);
        assertThat(feed.current().environments()).isEqualTo(environments("production", "stage2"));
    }

    @Test
    void afterItsTermTheLastTableStaysMadeAndTheNextLeadersTablesReplaceIt() {
        RouteFeed feed = new RouteFeed(CLOCK);
        feed.offer(environments("production"));
        long last = feed.current().version();

        feed.handOver();

        assertThat(feed.made()).as("the nginx it manages keeps being given its table").isTrue();
        assertThat(feed.current().version()).isEqualTo(last);
        feed.mirror(new RouteTableView(3, CLOCK.instant(), environments("production")));
        assertThat(feed.current().version()).as("the same content: no new version").isEqualTo(last);
        feed.mirror(new RouteTableView(4, CLOCK.instant(), environments("production", "stage1")));
        assertThat(feed.current().version()).isEqualTo(last + 1);
        assertThat(feed.current().environments()).isEqualTo(environments("production", "stage1"));
    }

    @Test
    void theTableOfTheStartIsNotMadeAndTheFirstPublishedOneHasAVersionOfItsOwnEvenWhenEmpty() {
        RouteFeed feed = new RouteFeed(CLOCK);
        long start = feed.current().version();
        assertThat(feed.made()).as("an adopted nginx keeps its configuration meanwhile").isFalse();

        assertThat(feed.offer(List.of())).isTrue();

        assertThat(feed.made()).isTrue();
        assertThat(feed.current().version()).as("whoever waits for a newer version sees the first made table")
                .isEqualTo(start + 1);
        assertThat(feed.offer(List.of())).as("the same content again").isFalse();
        assertThat(feed.current().version()).isEqualTo(start + 1);
    }

    @Test
    void aTableCopiedFromTheLeaderIsMadeEvenWhenEmpty() {
        RouteFeed feed = new RouteFeed(CLOCK);
        long start = feed.current().version();

        feed.mirror(new RouteTableView(5, CLOCK.instant(), List.of()));

        assertThat(feed.made()).isTrue();
        assertThat(feed.published()).isFalse();
        assertThat(feed.current().version()).isEqualTo(start + 1);
    }
}
