package dev.apollo.server.dashboard;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/** The dashboard's files (HTML, ES modules, CSS), read once from apollo.jar and kept in memory. */
final class Assets {
    private static final String ROOT = "/dev/apollo/server/dashboard/ui/";
    /** Only flat, plain names: nothing like "../" can reach another resource of the jar. */
    private static final Pattern NAME = Pattern.compile("[a-z0-9-]{1,64}\\.(html|js|css|svg)");
    private static final Map<String, String> TYPES = Map.of(
            "html", "text/html; charset=utf-8",
            "js", "text/javascript; charset=utf-8",
            "css", "text/css; charset=utf-8",
            "svg", "image/svg+xml");

    record Asset(byte[] bytes, String contentType) {}

    private final Map<String, Optional<Asset>> cache = new ConcurrentHashMap<>();

    Optional<Asset> get(String name) {
        if (!NAME.matcher(name).matches()) {
            return Optional.empty();
        }
        return cache.computeIfAbsent(name, Assets::load);
    }

    private static Optional<Asset> load(String name) {
        try (InputStream in = Assets.class.getResourceAsStream(ROOT + name)) {
            if (in == null) {
                return Optional.empty();
            }
            String extension = name.substring(name.lastIndexOf('.') + 1);
            return Optional.of(new Asset(in.readAllBytes(), TYPES.get(extension)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the dashboard's " + name + " from the jar", e);
        }
    }
}
