package dev.apollo.scheduler.swarm;

import dev.apollo.core.ApolloException;
import dev.apollo.core.port.ReleaseSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The values that differ per instance, {@code PORT} and {@code APOLLO_INSTANCE_ID}, on an engine
 * that starts every task of a service from one spec. A value is expanded as {@link ReleaseSpec}
 * expands it (same placeholders, same {@code $$}) with a marker standing for each per-instance
 * value; the markers are then written in whatever the task's side understands: a Swarm template
 * for an environment value, a shell variable for the launch line ({@link LaunchCommand}).
 *
 * <p>Swarm expands templates only in environment values (and hostnames and mounts), and its
 * templates have no arithmetic; so each slot's port is a service label, {@value #PORT_LABEL}N,
 * looked up by the task's slot ({@link PortTable}).
 */
final class PerTask {
    static final String PORT_LABEL = "dev.apollo.port.";
    static final String PORT_TEMPLATE = "{{index .Service.Labels (print \"" + PORT_LABEL + "\" .Task.Slot)}}";
    /** dev.apollo.host.NODE = the address a task on that node binds and is reached at ({@link Nodes}). */
    static final String HOST_LABEL = "dev.apollo.host.";
    static final String HOST_TEMPLATE = "{{index .Service.Labels (print \"" + HOST_LABEL + "\" .Node.ID)}}";
    // Private-use characters: a configured value never holds them (checked), so a marker is never mistaken.
    private static final String PORT_MARK = "\uE000PORT\uE001";
    private static final String ID_MARK = "\uE000ID\uE001";

    /** One piece of a value: literal text, or a per-instance variable's name. */
    record Piece(String text, boolean variable) {}

    private PerTask() {}

    /** The instance id a task gets: readable, at most 80 characters, ending in the task's id. */
    static String instanceIdPrefix(String service) {
        return service.length() > 54 ? service.substring(0, 54) : service;
    }

    /** {@code template} expanded with the release's variables, split where a per-instance value goes. */
    static List<Piece> pieces(String template, ReleaseSpec release) {
        if (template.contains("\uE000") || template.contains("\uE001")) {
            throw new ApolloException.Invalid("value '" + template + "' holds a private-use character (U+E000 or U+E001),"
                    + " which the Swarm scheduler reserves.");
        }
        String expanded = ReleaseSpec.expand(template, release.variables(), Map.of("PORT", PORT_MARK,
                "APOLLO_INSTANCE_ID", ID_MARK));
        List<Piece> pieces = new ArrayList<>();
        int at = 0;
        while (at < expanded.length()) {
            int port = expanded.indexOf(PORT_MARK, at);
            int id = expanded.indexOf(ID_MARK, at);
            int next = port < 0 ? id : id < 0 ? port : Math.min(port, id);
            if (next < 0) {
                pieces.add(new Piece(expanded.substring(at), false));
                break;
            }
            if (next > at) {
                pieces.add(new Piece(expanded.substring(at, next), false));
            }
            boolean isPort = next == port;
            pieces.add(new Piece(isPort ? "PORT" : "APOLLO_INSTANCE_ID", true));
            at = next + (isPort ? PORT_MARK : ID_MARK).length();
        }
        return pieces;
    }

    /** A value as a Swarm template: literal text can never open an action, per-instance values become lookups. */
    static String swarmTemplate(List<Piece> pieces, String idPrefix) {
        StringBuilder out = new StringBuilder();
        for (Piece piece : pieces) {
            if (!piece.variable()) {
                // Every "{" is written as an action printing it: no "{{" can form, even next to a lookup.
                out.append(piece.text().replace("{", "{{\"{\"}}"));
            } else if (piece.text().equals("PORT")) {
                out.append(PORT_TEMPLATE);
            } else {
                out.append(idTemplate(idPrefix));
            }
        }
        return out.toString();
    }

    static String idTemplate(String idPrefix) {
        return idPrefix + "-{{.Task.ID}}";
    }

    /** Whether a value differs per instance (and so cannot be given to every task as it is). */
    static boolean perInstance(List<Piece> pieces) {
        return pieces.stream().anyMatch(Piece::variable);
    }

    static String literal(List<Piece> pieces) {
        StringBuilder out = new StringBuilder();
        pieces.forEach(p -> out.append(p.text()));
        return out.toString();
    }
}
