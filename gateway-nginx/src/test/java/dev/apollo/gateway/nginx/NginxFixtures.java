package dev.apollo.gateway.nginx;

import static dev.apollo.routing.Tables.backend;
import static dev.apollo.routing.Tables.external;
import static dev.apollo.routing.Tables.rule;
import static dev.apollo.routing.Tables.service;

import dev.apollo.api.RouteTableView;
import dev.apollo.api.RouteTableView.EnvironmentRoutes;
import dev.apollo.routing.Tables;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** One route table with every routing feature, for the nginx renderer's tests, and settings to render it with. */
public final class NginxFixtures {
    private NginxFixtures() {}

    /**
     * production: / => web (with a testbed), /shop => shop (deployed, no healthy instance), /ghost => ghost
     * (deployed nowhere); rpc-service; an external. stage1 falls back to production, runs its own rpc-service and
     * its own external URL; stage2 falls back to stage1 and has its own rule for /shop. /dead and the external
     * "closed" lead to a port nobody listens on; lab stands alone, with one rule to a service it does not run.
     */
    public static RouteTableView table(long version, int web1, int web2, int testbed, int rpc, int stageRpc, int external,
            int closed) {
        return Tables.table(version,
                new EnvironmentRoutes("production", null,
                        List.of(rule("/", "web-service"), rule("/shop", "shop"), rule("/ghost", "ghost"), rule("/dead", "dead")),
                        List.of(service("web-service", "r1", List.of(backend("web-1", web1), backend("web-2", web2)),
                                        "r2", List.of(backend("web-tb", testbed)), 0),
                                service("shop", "r3", List.of()),
                                service("rpc-service", "r4", List.of(backend("rpc-1", rpc))),
                                service("dead", "r6", List.of(backend("dead-1", closed)))),
                        List.of(external("payments", "http://127.0.0.1:" + external + "/v1"),
                                external("closed", "http://127.0.0.1:" + closed))),
                new EnvironmentRoutes("stage1", "production", List.of(),
                        List.of(service("rpc-service", "r5", List.of(backend("rpc-s1", stageRpc)))),
                        List.of(external("payments", "http://127.0.0.1:" + external + "/sandbox"))),
                new EnvironmentRoutes("stage2", "stage1", List.of(rule("/shop", "web-service")), List.of(), List.of()),
                new EnvironmentRoutes("lab", null, List.of(rule("/only", "rpc-service")), List.of(), List.of()));
    }

    /** No environment at all: every request gets the no_route_table 503. */
    public static RouteTableView emptyTable(long version) {
        return Tables.table(version);
    }

    /**
     * What the big table leaves out: an https external with a base path (and a trailing slash), a plain-http external
     * on its default port, a live release with no healthy instance and a testbed with none; no fallbacks. The
     * externals are at localhost so that {@code nginx -t} resolves them anywhere.
     */
    public static RouteTableView edgeTable(long version, int api) {
        return Tables.table(version,
                new EnvironmentRoutes("production", null, List.of(rule("/", "web-service"), rule("/api/", "api")),
                        List.of(service("web-service", "r1", List.of()),
                                service("api", "r2", List.of(backend("api-1", api)), "r3", List.of(), 0)),
                        List.of(external("billing", "https://localhost:8443/api/v2/"), external("status", "http://localhost"))));
    }

    public static NginxSettings settings(Path directory, String web, String rpc) {
        return new NginxSettings(directory, web, Optional.of(rpc), "apollo.localhost", "rpc.int", 1, Duration.ofSeconds(2),
                Duration.ofSeconds(2), Duration.ofSeconds(2), Duration.ofSeconds(10), Optional.empty());
    }
}
