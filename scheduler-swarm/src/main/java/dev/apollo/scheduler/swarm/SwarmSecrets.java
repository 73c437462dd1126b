package dev.apollo.scheduler.swarm;

import com.fasterxml.jackson.databind.JsonNode;
import dev.apollo.core.ApolloException;
import dev.apollo.core.model.ReleaseId;
import dev.apollo.core.port.ReleaseSpec;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A release's secrets as Swarm secrets: stored encrypted in the swarm's raft log, given to a task
 * as a file under /run/secrets, never in the service spec (which anyone with {@code docker service
 * inspect} reads). One secret per release and name, labelled with the release, removed with it.
 */
final class SwarmSecrets {
    /** A secret as the service spec refers to it. */
    record Ref(String id, String name) {}

    private final Engine engine;
    private final String namespace;

    SwarmSecrets(Engine engine, String namespace) {
        this.engine = engine;
        this.namespace = namespace;
    }

    /** Creates the release's secrets (or finds those an earlier, interrupted call created). */
    Map<String, Ref> create(ReleaseSpec release) {
        Map<String, Ref> refs = new LinkedHashMap<>();
        Map<String, String> existing = existing(release.id());
        release.secrets().forEach((key, value) -> {
            String name = name(release.id(), key);
            String id = existing.get(name);
            if (id == null) {
                Map<String, Object> spec = Map.of("Name", name,
                        "Labels", Map.of(ReleaseService.NAMESPACE, namespace, ReleaseService.RELEASE,
                                Long.toString(release.id().value())),
                        "Data", Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8)));
                id = engine.post("/secrets/create", spec).path("ID").asText();
            }
            refs.put(key, new Ref(id, name));
        });
        return refs;
    }

    /** Removes the release's secrets; those a service still uses stay (the engine refuses) until the next call. */
    void remove(ReleaseId release) {
        existing(release).values().forEach(id -> {
            try {
                engine.delete("/secrets/" + id);
            } catch (ApolloException.NotFound | ApolloException.Conflict e) {
                // gone already, or still in use by the service being removed: the next retire pass retries
            }
        });
    }

    /** Every secret of this namespace, name to id. */
    Map<String, String> all() {
        return list(List.of(ReleaseService.NAMESPACE + "=" + namespace));
    }

    private Map<String, String> existing(ReleaseId release) {
        return list(List.of(ReleaseService.NAMESPACE + "=" + namespace, ReleaseService.RELEASE + "=" + release.value()));
    }

    private Map<String, String> list(List<String> labels) {
        String filters = URLEncoder.encode(Engine.json().createObjectNode()
                .set("label", Engine.json().valueToTree(labels)).toString(), StandardCharsets.UTF_8);
        Map<String, String> found = new LinkedHashMap<>();
        for (JsonNode secret : engine.get("/secrets?filters=" + filters)) {
            found.put(secret.path("Spec").path("Name").asText(), secret.path("ID").asText());
        }
        return found;
    }

    /** Unique per namespace, release and key; at most 64 characters, as Swarm wants. */
    String name(ReleaseId release, String key) {
        String digest = RuntimeImage.sha256(key).substring(0, 8);
        String name = namespace + "-r" + release.value() + "-" + key + "-" + digest;
        return name.length() <= 64 ? name : namespace + "-r" + release.value() + "-" + RuntimeImage.sha256(key).substring(0, 16);
    }
}
