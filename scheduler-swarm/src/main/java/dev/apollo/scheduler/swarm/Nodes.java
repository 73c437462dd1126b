package dev.apollo.scheduler.swarm;

import com.fasterxml.jackson.databind.JsonNode;
import dev.apollo.core.ApolloException;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The swarm's nodes as the scheduler needs them: where a task on each is reached, and each node's own
 * engine, for what only that engine does (stop a container with a grace, read its log, load an image).
 *
 * <p>A task binds, and is reached at, its node's address in the swarm ({@code Status.Addr}, what the
 * node advertised when it joined): a swarm made with {@code --advertise-addr 127.0.0.1} is one machine
 * and keeps its tasks on loopback; on several machines each node's address is one the gateways reach.
 *
 * <p>The manager's own node is reached through the engine the scheduler talks to. Any other node is
 * reached through the engine its label {@value #ENGINE_LABEL} names ({@code docker node update
 * --label-add dev.apollo.engine=tcp://HOST:2376 NODE}), checked to be that node's; a node without a
 * reachable engine gets no task of Apollo's (a placement constraint), since its containers could be
 * neither stopped with a grace nor read.
 */
final class Nodes implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Nodes.class.getName());
    /** A node label naming the node's engine API, as the control plane reaches it. */
    static final String ENGINE_LABEL = "dev.apollo.engine";

    /** One node: its id, the address its tasks are reached at, its engine when we reach it, and whether it takes tasks. */
    record Node(String id, String address, Optional<Engine> engine, boolean ready) {}

    private final Engine manager;
    private final String managerNode;
    /** Engines of other nodes by the URI their label names, kept open. */
    private final Map<URI, Engine> engines = new HashMap<>();
    /** The node each engine said it is, once asked: {@code /info} is too slow to ask on every look. */
    private final Map<URI, String> verified = new HashMap<>();
    /** Node id to what the last look at the swarm said. */
    private volatile Map<String, Node> known = Map.of();

    Nodes(Engine manager) {
        this.manager = manager;
        this.managerNode = manager.get("/info").path("Swarm").path("NodeID").asText();
    }

    /** Reads the swarm's nodes again, with their addresses and engines (a node that is down keeps its address). */
    synchronized Map<String, Node> refresh() {
        Map<String, Node> nodes = new LinkedHashMap<>();
        for (JsonNode node : manager.get("/nodes")) {
            String id = node.path("ID").asText();
            boolean ready = node.path("Status").path("State").asText().equals("ready")
                    && node.path("Spec").path("Availability").asText("active").equals("active");
            nodes.put(id, new Node(id, address(node), ready ? engineOf(id, node) : Optional.empty(), ready));
        }
        known = Map.copyOf(nodes);
        return known;
    }

    /** The nodes as last read. */
    Map<String, Node> known() {
        return known;
    }

    /** The engine that runs a task's containers: its node's, the manager's when we do not reach the node's. */
    Engine engineFor(String nodeId) {
        Node node = known.get(nodeId);
        return node != null && node.engine().isPresent() ? node.engine().get() : manager;
    }

    /** Where a task on {@code nodeId} is reached; empty for a node we do not know (yet). */
    Optional<String> addressOf(String nodeId) {
        Node node = known.get(nodeId);
        if (node == null) {
            node = refresh().get(nodeId);
        }
        return node == null ? Optional.empty() : Optional.of(node.address());
    }

    /** The nodes a task may run on now: ready ones whose engine we reach. */
    List<Node> usable() {
        return known.values().stream().filter(n -> n.ready() && n.engine().isPresent()).toList();
    }

    /** Placement constraints keeping tasks off the nodes whose engine we do not reach (Swarm has no "or"). */
    List<String> constraints() {
        List<String> out = new ArrayList<>();
        known.values().stream().filter(n -> n.engine().isEmpty()).forEach(n -> out.add("node.id!=" + n.id()));
        return out;
    }

    private Optional<Engine> engineOf(String id, JsonNode node) {
        if (id.equals(managerNode)) {
            return Optional.of(manager);
        }
        String label = node.path("Spec").path("Labels").path(ENGINE_LABEL).asText("");
        if (label.isBlank()) {
            return Optional.empty();
        }
        URI uri;
        try {
            uri = URI.create(label);
        } catch (IllegalArgumentException e) {
            LOG.log(Level.WARNING, "Node " + id + ": label " + ENGINE_LABEL + "='" + label + "' is no URI (expected"
                    + " unix:///PATH or tcp://HOST:PORT); no task of Apollo's goes there.");
            return Optional.empty();
        }
        Engine engine = engines.computeIfAbsent(uri, Engine::connect);
        try {
            String answered = verified.get(uri);
            if (answered == null) {
                answered = engine.get("/info").path("Swarm").path("NodeID").asText();
                verified.put(uri, answered);
            }
            if (!answered.equals(id)) {
                LOG.log(Level.WARNING, "Node " + id + ": its " + ENGINE_LABEL + " " + uri + " is the engine of node '"
                        + answered + "'; no task of Apollo's goes there until the label is right.");
                return Optional.empty();
            }
            return Optional.of(engine);
        } catch (ApolloException | java.io.UncheckedIOException e) {
            LOG.log(Level.WARNING, "Node " + id + ": its engine " + uri + " does not answer (" + e.getMessage()
                    + "); no task of Apollo's goes there meanwhile.");
            return Optional.empty();
        }
    }

    /** The node's address in the swarm; a manager may report 0.0.0.0 there and its real one as a manager. */
    static String address(JsonNode node) {
        String address = node.path("Status").path("Addr").asText("");
        if (address.isEmpty() || address.equals("0.0.0.0")) {
            String managerAddress = node.path("ManagerStatus").path("Addr").asText("");
            int colon = managerAddress.lastIndexOf(':');
            address = colon > 0 ? managerAddress.substring(0, colon) : "127.0.0.1";
        }
        return address;
    }

    /** Closes the other nodes' engines; the manager's is its owner's to close. */
    @Override
    public synchronized void close() {
        engines.values().forEach(Engine::close);
        engines.clear();
    }
}
