package dev.apollo.scheduler.swarm;

import dev.apollo.core.port.Scheduler.LogCursor;
import dev.apollo.core.port.Scheduler.LogPage;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/** The log of an instance that never became a task: the lines the scheduler wrote for it, read by byte offset. */
final class OwnLog {
    private OwnLog() {}

    static LogPage page(String text, LogCursor from, int maxBytes) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        int offset = from.equals(LogCursor.START) ? 0
                : from.equals(LogCursor.END) ? bytes.length
                : Math.min(bytes.length, Integer.parseInt(from.token().substring(1)));
        int end = Math.min(bytes.length, offset + maxBytes);
        return new LogPage(Arrays.copyOfRange(bytes, offset, end), new LogCursor("o" + end));
    }

    static List<String> tail(String text, int lines) {
        List<String> all = text.lines().toList();
        return all.subList(Math.max(0, all.size() - lines), all.size());
    }
}
