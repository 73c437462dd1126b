package dev.apollo.server.http;

import dev.apollo.core.ApolloException;
import dev.apollo.core.model.ArtifactRef;
import dev.apollo.core.model.ServiceName;
import dev.apollo.core.model.Version;
import dev.apollo.core.port.ArtifactStore;

/** Pushing and listing artifacts. The upload streams to disk; it is never held in memory. */
final class ArtifactApi {
    private final ArtifactStore artifacts;

    ArtifactApi(ArtifactStore artifacts) {
        this.artifacts = artifacts;
    }

    private boolean stored(ArtifactRef.Stored ref) {
        try {
            artifacts.resolve(ref);
            return true;
        } catch (ApolloException.NotFound e) {
            return false;
        }
    }

    void register(Router router) {
        router.add("PUT", "/v1/artifacts/{name}/{version}", call -> {
            ServiceName name = ServiceName.of(call.param("name"));
            Version version = Version.of(call.param("version"));
            boolean existed = stored(new ArtifactRef.Stored(name, version));
            var stored = artifacts.push(name, version, call.body());
            call.json(existed ? 200 : 201, ViewMapper.artifact(stored));
        });
        router.add("GET", "/v1/artifacts", call -> call.json(200, artifacts.list().stream().map(ViewMapper::artifact).toList()));
    }
}
