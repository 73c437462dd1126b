package dev.apollo.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SseParserTest {
    private final List<SseParser.Event> events = new ArrayList<>();
    private final SseParser parser = new SseParser(events::add);

    private void feed(String... lines) {
        for (String line : lines) {
            parser.line(line);
        }
    }

    @Test
    void dataLinesJoinUntilABlankLine() {
        feed(": hello", "event: routes", "id: 3", "data: {\"a\":", "data:1}");
        assertThat(events).isEmpty();
        feed("");
        assertThat(events).containsExactly(new SseParser.Event("routes", "3", "{\"a\":\n1}"));
    }

    @Test
    void commentsAndEmptyEventsDispatchNothing() {
        feed(": keep-alive", "", "", "event: routes", "");
        assertThat(events).isEmpty();
    }

    @Test
    void unnamedEventsAreMessagesAndNamesDoNotLeak() {
        feed("event: routes", "data: 1", "", "data: 2", "");
        assertThat(events).extracting(SseParser.Event::name).containsExactly("routes", "message");
    }

    @Test
    void resetDropsAHalfEvent() {
        feed("event: routes", "data: partial");
        parser.reset();
        feed("data: whole", "");
        assertThat(events).containsExactly(new SseParser.Event("message", "", "whole"));
    }
}
