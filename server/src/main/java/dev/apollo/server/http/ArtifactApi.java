package dev.apollo.server.http;

import dev.apollo.core.ApolloException;
import dev.apollo.api.Views.ImageArtifactRequest;
import dev.apollo.core.model.ArtifactRef;
import dev.apollo.core.model.ImageReference;
import dev.apollo.core.model.ServiceName;
import dev.apollo.core.model.Version;
import dev.apollo.core.port.ArtifactStore;
import dev.apollo.core.port.Scheduler;

/**
 * Pushing and listing artifacts. The upload streams to disk; it is never held in memory. An image the engine
 * already has is recorded by reference, with the id the scheduler's engine gives it.
 */
final class ArtifactApi {
    private final ArtifactStore artifacts;
    private final Scheduler scheduler;

    ArtifactApi(ArtifactStore artifacts, Scheduler scheduler) {
        this.artifacts = artifacts;
        this.scheduler = scheduler;
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
        router.add("PUT", "/v1/artifacts/{name}/{version}/image", call -> {
            ServiceName name = ServiceName.of(call.param("name"));
            Version version = Version.of(call.param("version"));
            ImageArtifactRequest request = call.readJson(ImageArtifactRequest.class);
            if (request.image() == null) {
                throw new ApolloException.Invalid("image is missing from the request body (e.g. {\"image\":"
                        + "\"acme/orders:1.4\"}).");
            }
            ImageReference image = ImageReference.of(request.image());
            boolean existed = stored(new ArtifactRef.Stored(name, version));
            var stored = artifacts.pushImage(name, version, image, scheduler.inspectImage(image));
            call.json(existed ? 200 : 201, ViewMapper.artifact(stored));
        });
        router.add("GET", "/v1/artifacts", call -> call.json(200, artifacts.list().stream().map(ViewMapper::artifact).toList()));
    }
}
