package dev.apollo.scheduler.local;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The lines of a recorded class list ({@code -XX:DumpLoadedClassList}) that {@code -Xshare:dump} can parse. The
 * JDK's parser stops the whole dump at the first line it cannot read ("class list format error"), and a list read
 * while its JVM still writes, or one that JVM was stopped in the middle of, can hold one: a line cut short, or
 * written at exit (the {@code @cp} and {@code @lambda-form-invoker} lines) while other threads still loaded
 * classes. Only whole lines of the shapes the parser takes are kept; leaving one out costs that class or that
 * resolution its place in the archive, never the archive.
 */
final class ClassList {
    // A class: NAME [id: N] [super: N] [interfaces: N...] [source: PATH], the last three for classes of other loaders.
    private static final Pattern CLASS = Pattern.compile(
            "(?<name>[^\\s@#]\\S*)(?: id: (?<id>\\d+))?(?<super> super: \\d+)?(?<interfaces> interfaces:(?: \\d+)+)?(?<source> source: \\S.*)?");
    private static final List<Pattern> DIRECTIVES = List.of(
            Pattern.compile("@cp \\S+(?: \\d+)+"),
            Pattern.compile("@lambda-proxy(?: \\S+){9}"),
            Pattern.compile("@lambda-form-invoker \\[[A-Z_]+\\](?: \\S+)+"));

    private ClassList() {}

    /** The whole lines of what was recorded: up to its last newline, so that a line being written is left out. */
    static List<String> completeLines(byte[] recorded) {
        int end = recorded.length;
        while (end > 0 && recorded[end - 1] != '\n') {
            end--;
        }
        return new String(recorded, 0, end, StandardCharsets.UTF_8).lines().toList();
    }

    /** The lines the parser takes: classes (each id once) and the directives it knows, in their order. */
    static List<String> wellFormed(List<String> lines) {
        List<String> kept = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        for (String line : lines) {
            Matcher klass = CLASS.matcher(line);
            if (klass.matches()) {
                boolean consistent = (klass.group("source") == null || klass.group("super") != null && klass.group("id") != null)
                        && (klass.group("interfaces") == null || klass.group("source") != null);
                if (consistent && (klass.group("id") == null || ids.add(klass.group("id")))) {
                    kept.add(line);
                }
            } else if (DIRECTIVES.stream().anyMatch(directive -> directive.matcher(line).matches())) {
                kept.add(line);
            }
        }
        return List.copyOf(kept);
    }

    /**
     * The plainest list there is: the names of the classes of the JDK and the class path, without their ids, and
     * nothing else (no class of another loader, which needs its ids, no directive).
     */
    static List<String> namesOnly(List<String> lines) {
        List<String> names = new ArrayList<>();
        for (String line : lines) {
            Matcher klass = CLASS.matcher(line);
            if (klass.matches() && klass.group("source") == null && klass.group("interfaces") == null
                    && klass.group("super") == null) {
                names.add(klass.group("name"));
            }
        }
        return List.copyOf(names);
    }
}
