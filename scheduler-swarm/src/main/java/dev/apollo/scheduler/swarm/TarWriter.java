package dev.apollo.scheduler.swarm;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.HashSet;
import java.util.Set;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * A tar of a file system made up by us: files under absolute paths, each directory on the way
 * written once (mode 0755 unless given), owned by root, with a fixed time so that the same
 * content gives the same bytes.
 */
final class TarWriter implements AutoCloseable {
    private static final long FIXED_TIME = 1_700_000_000_000L;

    private final TarArchiveOutputStream tar;
    private final Set<String> directories = new HashSet<>();

    TarWriter(OutputStream out) {
        tar = new TarArchiveOutputStream(out);
        tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
    }

    void directory(String path, int mode) throws IOException {
        String name = relative(path);
        if (name.isEmpty() || !directories.add(name)) {
            return;
        }
        parents(name);
        TarArchiveEntry entry = new TarArchiveEntry(name + "/");
        entry.setMode(TarArchiveEntry.DEFAULT_DIR_MODE & ~0777 | mode);
        entry.setModTime(FIXED_TIME);
        tar.putArchiveEntry(entry);
        tar.closeArchiveEntry();
    }

    /** {@code source}'s content (a symbolic link is followed) at {@code path}, with its executable bits. */
    void file(String path, Path source) throws IOException {
        Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(source);
        int mode = permissions.contains(PosixFilePermission.OWNER_EXECUTE) ? 0755 : 0644;
        try (InputStream in = Files.newInputStream(source)) {
            write(path, Files.size(source), mode, in);
        }
    }

    void file(String path, byte[] content, int mode) throws IOException {
        write(path, content.length, mode, new java.io.ByteArrayInputStream(content));
    }

    private void write(String path, long size, int mode, InputStream content) throws IOException {
        String name = relative(path);
        parents(name);
        TarArchiveEntry entry = new TarArchiveEntry(name);
        entry.setSize(size);
        entry.setMode(TarArchiveEntry.DEFAULT_FILE_MODE & ~0777 | mode);
        entry.setModTime(FIXED_TIME);
        tar.putArchiveEntry(entry);
        content.transferTo(tar);
        tar.closeArchiveEntry();
    }

    private void parents(String name) throws IOException {
        int slash = name.lastIndexOf('/');
        if (slash > 0) {
            directory(name.substring(0, slash), 0755);
        }
    }

    private static String relative(String path) {
        String name = path;
        while (name.startsWith("/")) {
            name = name.substring(1);
        }
        while (name.endsWith("/")) {
            name = name.substring(0, name.length() - 1);
        }
        return name;
    }

    @Override
    public void close() throws IOException {
        tar.finish();
        tar.close();
    }
}
