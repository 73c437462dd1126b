package dev.apollo.scheduler.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Asks the JDK itself whether it can map a class-data archive, before the archive is put where instances find it:
 * {@code java -Xshare:on -XX:SharedArchiveFile=<archive> -cp <jar> -version}, which fails when the archive cannot be
 * used. A writer killed in the middle of writing leaves a file whose header is zeros, and the JVM takes a file
 * with a bad header for a broken base archive: it then runs with no sharing at all, not even the JDK's own
 * archive. So what a writer left is never trusted unchecked.
 */
record ArchiveCheck(JvmRun jvm) {

    boolean usable(Path archive, Path jar, List<String> jvmOptions) throws IOException {
        if (Files.size(archive) == 0) {
            return false; // the writer never wrote (killed, or it failed to start)
        }
        List<String> arguments = new ArrayList<>(jvmOptions);
        arguments.addAll(List.of("-Xshare:on", "-XX:SharedArchiveFile=" + archive, "-cp", jar.toString(), "-version"));
        return jvm.run(arguments, archive.getParent()).succeeded();
    }
}
