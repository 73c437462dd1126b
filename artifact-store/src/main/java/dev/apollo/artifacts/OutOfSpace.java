package dev.apollo.artifacts;

import dev.apollo.core.ApolloException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Tells a full disk (or an exhausted quota) from other write failures, and says so in words. */
final class OutOfSpace {
    private OutOfSpace() {}

    /** The JDK reports ENOSPC and EDQUOT only through strerror's text, so that is what is matched. */
    static boolean is(IOException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String message = String.valueOf(t.getMessage());
            if (message.contains("No space left on device") || message.contains("Disk quota exceeded")) {
                return true;
            }
        }
        return false;
    }

    static ApolloException.OutOfSpace storing(String what, Path root, IOException e) {
        return new ApolloException.OutOfSpace("could not store " + what + ": the disk of the artifact store " + root
                + " is full (" + e.getMessage() + "; " + usable(root) + " left). Nothing was stored. Free space there (old"
                + " artifacts are in " + root + ") or move the data dir to a larger disk, then push again.", e);
    }

    private static String usable(Path root) {
        try {
            return Files.getFileStore(root).getUsableSpace() / 1024 + " KiB";
        } catch (IOException e) {
            return "an unknown amount";
        }
    }
}
