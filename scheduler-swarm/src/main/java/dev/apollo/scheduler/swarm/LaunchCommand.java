package dev.apollo.scheduler.swarm;

import dev.apollo.core.port.ReleaseSpec;
import dev.apollo.scheduler.swarm.PerTask.Piece;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * How a jar's task starts: {@code /bin/sh -c} with one line that reads the secrets from their
 * files into the environment, then {@code exec}s java (which so becomes the container's main
 * process and gets the engine's signals). A shell because Swarm expands templates in environment
 * values only, never in arguments: {@code --port=${PORT}} becomes {@code '--port='"$PORT"}, every
 * literal single-quoted. JVM options as the local scheduler gives them: ours first, the
 * service's after, so that its own win. The JIT is left whole, as for a local instance: capping
 * it at C1 ({@code -XX:TieredStopAtLevel=1}) cost the example ~25% of its req/s in a container and
 * bought no start time that stood out of the noise (docs/BENCHMARKS.md, bench/swarm-jit.sh).
 */
final class LaunchCommand {
    static final String SECRETS_DIR = "/run/secrets/";

    private LaunchCommand() {}

    static List<String> of(ReleaseSpec release) {
        StringBuilder line = new StringBuilder();
        for (String name : new TreeSet<>(release.secrets().keySet())) {
            // "; printf x" and "%x" keep the trailing newlines that $(...) would drop; a missing file stops the start.
            line.append(name).append("=\"$(").append(RuntimeImage.CAT).append(' ').append(quote(SECRETS_DIR + name))
                    .append(" && printf x)\" || exit 125; ").append(name).append("=\"${").append(name)
                    .append("%x}\"; export ").append(name).append("; ");
        }
        List<String> words = new ArrayList<>(List.of(RuntimeImage.JAVA, "-Xmx" + release.memoryMb() + "m",
                "-XX:+UseSerialGC", "-Xshare:auto"));
        line.append("exec");
        words.forEach(w -> line.append(' ').append(quote(w)));
        release.jvmOptions().forEach(option -> line.append(' ').append(shellWord(PerTask.pieces(option, release))));
        line.append(' ').append(quote("-jar")).append(' ').append(quote(JarImage.JAR));
        release.arguments().forEach(argument -> line.append(' ').append(shellWord(PerTask.pieces(argument, release))));
        return List.of(RuntimeImage.SHELL, "-c", line.toString());
    }

    /** One shell word: literals single-quoted, per-instance values as double-quoted variables, so nothing splits. */
    static String shellWord(List<Piece> pieces) {
        if (pieces.isEmpty()) {
            return "''";
        }
        StringBuilder word = new StringBuilder();
        for (Piece piece : pieces) {
            word.append(piece.variable() ? "\"$" + piece.text() + "\"" : quote(piece.text()));
        }
        return word.toString();
    }

    static String quote(String literal) {
        return "'" + literal.replace("'", "'\\''") + "'";
    }
}
