package dev.apollo.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Checks of the logs the platform writes itself. */
final class LogFiles {
    private LogFiles() {}

    /** Asserts the log holds whole lines only (none cut at a rotation) and returns its size. */
    static long whole(Path log) throws IOException {
        String text = Files.readString(log);
        assertThat(text).as("%s ends with a whole line", log).endsWith("\n");
        return Files.size(log);
    }
}
