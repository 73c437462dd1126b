package dev.apollo.artifacts;

import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;

/**
 * A Maven jar that was found and is ready to be read once.
 *
 * @param origin the file or URL it comes from, for metadata and error messages
 * @param expectedSha1 the checksum the repository published next to it, if it published one
 */
record MavenJar(InputStream content, String origin, Optional<String> expectedSha1) implements AutoCloseable {
    @Override
    public void close() throws IOException {
        content.close();
    }
}
