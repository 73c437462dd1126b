package dev.apollo.scheduler.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The JDK that instances run with, as far as a class-data archive cares: an archive is made by one JDK build and
 * is of use to that build only. Told apart by where its {@code java} really is and by its home's {@code release}
 * file, which names the version and the build (an update in place rewrites it).
 *
 * @param java the {@code java} executable, symbolic links resolved
 * @param release the contents of {@code <java home>/release}; "" when there is none
 */
record InstanceJdk(Path java, String release) {
    private static final Pattern VERSION = Pattern.compile("^JAVA_VERSION=\"(?:1\\.)?(\\d+)", Pattern.MULTILINE);

    /** Reads it afresh: cheap, and a JDK updated under a running control plane gets archives of its own. */
    static InstanceJdk of(Path java) throws IOException {
        Path real = java.toRealPath();
        Path bin = real.getParent();
        Path release = bin == null || bin.getParent() == null ? null : bin.getParent().resolve("release");
        return new InstanceJdk(real, release != null && Files.isRegularFile(release) ? Files.readString(release) : "");
    }

    /** The feature version (25 for 25.0.3, 8 for 1.8.0_402); 0 when the release file does not say. */
    int feature() {
        Matcher matcher = VERSION.matcher(release);
        return matcher.find() ? Integer.parseInt(matcher.group(1)) : 0;
    }
}
