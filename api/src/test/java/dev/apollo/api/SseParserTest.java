package dev.apollo.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.StringReader;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SseParserTest {
    /** Splits as the readers of both streams do (BufferedReader: \n, \r\n or \r), and feeds one parser. */
    private static List<SseEvent> parse(String text) {
        SseParser parser = new SseParser();
        return new BufferedReader(new StringReader(text)).lines().map(parser::line).flatMap(Optional::stream).toList();
    }

    @Test
    void parsesIdTypeAndData() {
        assertThat(parse("id: 7\nevent: DEPLOY_STARTED\ndata: {\"a\":1}\n\n"))
                .containsExactly(new SseEvent("7", "DEPLOY_STARTED", "{\"a\":1}"));
    }

    @Test
    void dataLinesJoinUntilABlankLine() {
        SseParser parser = new SseParser();
        for (String line : List.of(": hello", "event: routes", "id: 3", "data: {\"a\":", "data:1}")) {
            assertThat(parser.line(line)).isEmpty();
        }
        assertThat(parser.line("")).contains(new SseEvent("3", "routes", "{\"a\":\n1}"));
    }

    @Test
    void skipsCommentsAndJoinsDataLines() {
        String stream = ": keep-alive\n\nid: 1\ndata: first\n: in between\ndata: second\n\n";

        assertThat(parse(stream)).containsExactly(new SseEvent("1", "message", "first\nsecond"));
    }

    @Test
    void handlesCrLfAndNoSpaceAfterColon() {
        assertThat(parse("id:3\r\nevent:SCALED\r\ndata:x\r\n\r\n")).containsExactly(new SseEvent("3", "SCALED", "x"));
    }

    @Test
    void theLastIdCarriesOverAndTypeDoesNot() {
        assertThat(parse("id: 4\nevent: A\ndata: one\n\ndata: two\n\n"))
                .containsExactly(new SseEvent("4", "A", "one"), new SseEvent("4", "message", "two"));
    }

    @Test
    void anIdWithANulIsIgnored() {
        assertThat(parse("id: 1\ndata: a\n\nid: 2\0\ndata: b\n\n"))
                .containsExactly(new SseEvent("1", "message", "a"), new SseEvent("1", "message", "b"));
    }

    @Test
    void anEventWithoutDataOrWithoutItsBlankLineIsNotDispatched() {
        assertThat(parse(": keep-alive\n\n\nid: 5\nevent: A\n\nid: 6\ndata: cut off")).isEmpty();
    }

    @Test
    void ignoresUnknownFieldsAndRetry() {
        assertThat(parse("retry: 1000\nfoo: bar\ndata\n\n")).containsExactly(new SseEvent("", "message", ""));
    }
}
