package dev.apollo.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SseParserTest {
    private static List<SseEvent> parse(String text) throws IOException {
        List<SseEvent> events = new ArrayList<>();
        new SseParser().parse(new BufferedReader(new StringReader(text)), events::add);
        return events;
    }

    @Test
    void parsesIdTypeAndData() throws IOException {
        assertThat(parse("id: 7\nevent: DEPLOY_STARTED\ndata: {\"a\":1}\n\n"))
                .containsExactly(new SseEvent("7", "DEPLOY_STARTED", "{\"a\":1}"));
    }

    @Test
    void skipsCommentsAndJoinsDataLines() throws IOException {
        String stream = ": keep-alive\n\nid: 1\ndata: first\n: in between\ndata: second\n\n";

        assertThat(parse(stream)).containsExactly(new SseEvent("1", "message", "first\nsecond"));
    }

    @Test
    void handlesCrLfAndNoSpaceAfterColon() throws IOException {
        assertThat(parse("id:3\r\nevent:SCALED\r\ndata:x\r\n\r\n")).containsExactly(new SseEvent("3", "SCALED", "x"));
    }

    @Test
    void theLastIdCarriesOverAndTypeDoesNot() throws IOException {
        assertThat(parse("id: 4\nevent: A\ndata: one\n\ndata: two\n\n"))
                .containsExactly(new SseEvent("4", "A", "one"), new SseEvent("4", "message", "two"));
    }

    @Test
    void anEventWithoutDataOrWithoutItsBlankLineIsNotDispatched() throws IOException {
        assertThat(parse("id: 5\nevent: A\n\nid: 6\ndata: cut off")).isEmpty();
    }

    @Test
    void ignoresUnknownFieldsAndRetry() throws IOException {
        assertThat(parse("retry: 1000\nfoo: bar\ndata\n\n")).containsExactly(new SseEvent(null, "message", ""));
    }
}
