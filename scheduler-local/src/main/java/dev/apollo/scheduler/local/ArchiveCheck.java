package dev.apollo.scheduler.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Asks the JDK itself whether it can map a class-data archive, before the archive is put where instances find it:
 * {@code java -Xshare:on -XX:SharedArchiveFile=<archive> -cp <jar> -version}, which fails when the archive cannot be
 * used. A writer killed in the middle of writing leaves a file whose header is zeros, and the JVM takes a file
 * with a bad header for a broken base archive: it then runs with no sharing at all, not even the JDK's own
 * archive. So what a writer left is never trusted unchecked.
 */
record ArchiveCheck(Path java, Duration timeout) {

    boolean usable(Path archive, Path jar, List<String> jvmOptions) throws IOException {
        if (Files.size(archive) == 0) {
            return false; // the writer never wrote (killed, or it failed to start)
        }
        List<String> command = new ArrayList<>(List.of(java.toString()));
        command.addAll(jvmOptions);
        command.addAll(List.of("-Xshare:on", "-XX:SharedArchiveFile=" + archive, "-cp", jar.toString(), "-version"));
        Process check = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            if (!check.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                check.destroyForcibly();
                return false;
            }
            return check.exitValue() == 0;
        } catch (InterruptedException e) {
            check.destroyForcibly();
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
