package dev.apollo.scheduler.swarm;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The port of each slot of a release's service, kept as service labels ({@link PerTask#PORT_LABEL}N)
 * that the tasks' {@code PORT} template looks up. Tasks use the host's network, so two live tasks
 * must never share a port: a slot keeps its port for the service's life (a task reuses a slot only
 * after the slot's previous task exited), and a new port is one that no Apollo service on the swarm
 * holds and that nothing binds on this machine now. Ports come from {@value #FIRST}-{@value #LAST},
 * below Linux's ephemeral range, so outgoing connections do not take them meanwhile.
 */
final class PortTable {
    static final int FIRST = 20000;
    static final int LAST = 29999;
    private static final int ATTEMPTS = 200;

    private PortTable() {}

    /** Slot number to port, from a service's labels. */
    static Map<Integer, Integer> of(Map<String, String> labels) {
        Map<Integer, Integer> ports = new HashMap<>();
        labels.forEach((key, value) -> {
            if (key.startsWith(PerTask.PORT_LABEL)) {
                try {
                    ports.put(Integer.parseInt(key.substring(PerTask.PORT_LABEL.length())), Integer.parseInt(value));
                } catch (NumberFormatException e) {
                    // not one of ours: ignored
                }
            }
        });
        return ports;
    }

    /** Labels giving every slot from 1 to {@code slots} a port, the ones already there kept. */
    static Map<String, String> covering(Map<String, String> labels, int slots, Set<Integer> taken) {
        Map<String, String> out = new HashMap<>(labels);
        Map<Integer, Integer> ports = of(labels);
        java.util.Set<Integer> used = new java.util.HashSet<>(taken);
        used.addAll(ports.values());
        for (int slot = 1; slot <= slots; slot++) {
            if (!ports.containsKey(slot)) {
                int port = free(used);
                used.add(port);
                out.put(PerTask.PORT_LABEL + slot, Integer.toString(port));
            }
        }
        return out;
    }

    private static int free(Set<Integer> used) {
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            int port = ThreadLocalRandom.current().nextInt(FIRST, LAST + 1);
            if (!used.contains(port) && bindable(port)) {
                return port;
            }
        }
        throw new IllegalStateException("No free port in " + FIRST + "-" + LAST + " after " + ATTEMPTS
                + " attempts: too many instances on this swarm, or the range is taken by other programs.");
    }

    private static boolean bindable(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
