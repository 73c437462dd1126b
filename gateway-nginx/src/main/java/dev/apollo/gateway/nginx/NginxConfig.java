package dev.apollo.gateway.nginx;

import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * A rendered nginx.conf: its text, the sha256 {@code digest} that nginx itself answers on the
 * control socket (so Apollo can tell which configuration the running workers serve), and which
 * environment and thing each part of the text was rendered for, to name the culprit when
 * {@code nginx -t} refuses a line and to print one environment's part.
 */
public record NginxConfig(String text, String digest, List<Part> parts) {

    /**
     * Lines {@code first..last} (1-based, inclusive) of the text.
     *
     * @param environment the environment the part serves, "" for what all share
     * @param external the external the part reaches, "" when it is no external's
     */
    public record Part(String environment, String external, int first, int last) {
        boolean contains(int line) {
            return line >= first && line <= last;
        }
    }

    /** The part that holds {@code line}, if one was rendered for an environment. */
    public Optional<Part> partAt(int line) {
        return parts.stream().filter(p -> p.contains(line)).findFirst();
    }

    /** The lines rendered for one environment, in file order. */
    public String forEnvironment(String environment) {
        List<String> lines = text.lines().toList();
        return parts.stream()
                .filter(p -> p.environment().equals(environment))
                .map(p -> String.join("\n", lines.subList(p.first() - 1, p.last())))
                .collect(Collectors.joining("\n", "", "\n"));
    }
}
