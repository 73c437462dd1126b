package dev.apollo.scheduler.swarm;

import dev.apollo.core.ApolloException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Puts an image on every node that may run a task of it. No registry is reachable here, so an image
 * made or loaded on the manager is streamed to each other node's engine as {@code docker save | docker
 * load} would (layers a node has already are not written again); a node that has it is left alone.
 */
final class ImageSpread {
    private final Engine manager;
    private final Nodes nodes;

    ImageSpread(Engine manager, Nodes nodes) {
        this.manager = manager;
        this.nodes = nodes;
    }

    /** Copies {@code reference} from the manager to each usable node that lacks it; fails naming the node. */
    void spread(String reference) {
        for (Nodes.Node node : nodes.usable()) {
            Engine target = node.engine().orElseThrow();
            if (target == manager) {
                continue;
            }
            Images images = new Images(target);
            if (images.exists(reference)) {
                continue;
            }
            String names = URLEncoder.encode(reference, StandardCharsets.UTF_8);
            try (var saved = manager.send("GET", "/images/get?names=" + names, null, Map.of());
                    InputStream archive = saved.getBody()) {
                images.load(archive, reference + " from the manager");
            } catch (IOException e) {
                throw new UncheckedIOException("Could not copy image " + reference + " to node " + node.id(), e);
            } catch (ApolloException e) {
                throw new ApolloException("Could not copy image " + reference + " to node " + node.id() + " ("
                        + target.host() + "): " + e.getMessage(), e);
            }
        }
    }
}
