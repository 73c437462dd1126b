package dev.apollo.testkit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * Small tars laid out as {@code docker save} writes them, for tests of what a store accepts: not images an
 * engine could run (those come from a real engine, in the Swarm tests).
 */
public final class TestImages {
    private TestImages() {}

    /** One image: a manifest.json naming a config and one layer, and both files. */
    public static byte[] archive(String content) {
        Map<String, String> files = new LinkedHashMap<>();
        files.put("manifest.json", "[{\"Config\":\"blobs/sha256/c0nf\",\"RepoTags\":[\"acme/hello:1\"],"
                + "\"Layers\":[\"blobs/sha256/1ayer\"]}]");
        files.put("blobs/sha256/c0nf", "{\"architecture\":\"amd64\",\"os\":\"linux\"}");
        files.put("blobs/sha256/1ayer", content);
        return tar(files);
    }

    /** A tar holding exactly {@code files} (name to content), in that order. */
    public static byte[] tar(Map<String, String> files) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes)) {
            for (Map.Entry<String, String> file : files.entrySet()) {
                byte[] content = file.getValue().getBytes(StandardCharsets.UTF_8);
                TarArchiveEntry entry = new TarArchiveEntry(file.getKey());
                entry.setSize(content.length);
                entry.setModTime(1_700_000_000_000L);
                tar.putArchiveEntry(entry);
                tar.write(content);
                tar.closeArchiveEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }
}
