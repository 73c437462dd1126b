package dev.apollo.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A real control plane in this JVM for API tests: SQLite store, local scheduler, artifact store in
 * the given data dir, API on a free loopback port, no gateway.
 */
public final class TestControlPlane implements AutoCloseable {
    private final ControlPlane plane;
    private final Path home;

    private TestControlPlane(ControlPlane plane, Path home) {
        this.plane = plane;
        this.home = home;
    }

    public static TestControlPlane start(Path home, String... flags) {
        List<String> args = new ArrayList<>(List.of("--home", home.toString(), "--listen", "127.0.0.1:0", "--web", "none"));
        args.addAll(List.of(flags));
        return new TestControlPlane(ControlPlane.start(ServerMain.parse(args.toArray(String[]::new))), home);
    }

    public int port() {
        return URI.create(plane.url()).getPort();
    }

    public String url() {
        return plane.url();
    }

    public Path home() {
        return home;
    }

    public String token() {
        try {
            return Files.readString(home.resolve("token")).strip();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        plane.close();
    }
}
