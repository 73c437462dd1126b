package dev.apollo.gateway.nginx;

import dev.apollo.gateway.nginx.NginxConfig.Part;
import java.util.ArrayList;
import java.util.List;

/** Appends nginx.conf lines with indentation, counting lines so that parts can be told apart later. */
final class ConfWriter {
    private final StringBuilder text = new StringBuilder();
    private final List<Part> parts = new ArrayList<>();
    private int lines;
    private int depth;
    private int partStart = -1;
    private String partEnvironment = "";
    private String partExternal = "";

    ConfWriter line(String line) {
        text.append("  ".repeat(depth)).append(line).append('\n');
        lines++;
        return this;
    }

    ConfWriter open(String header) {
        line(header + " {");
        depth++;
        return this;
    }

    ConfWriter close() {
        depth--;
        return line("}");
    }

    ConfWriter blank() {
        text.append('\n');
        lines++;
        return this;
    }

    /** What follows, until {@link #endPart}, is rendered for this environment (and external, "" if none). */
    void beginPart(String environment, String external) {
        partStart = lines + 1;
        partEnvironment = environment;
        partExternal = external;
    }

    void endPart() {
        if (partStart > 0 && lines >= partStart) {
            parts.add(new Part(partEnvironment, partExternal, partStart, lines));
        }
        partStart = -1;
    }

    String text() {
        return text.toString();
    }

    List<Part> parts() {
        return List.copyOf(parts);
    }
}
