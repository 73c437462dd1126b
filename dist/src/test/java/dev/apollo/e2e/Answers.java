package dev.apollo.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;

/**
 * Who answered a request sent through a web gateway. A 404 alone does not tell: the gateway answers
 * one when no rule matches, and web-service answers one for a path it does not serve, so a test
 * that accepts "404" passes whether or not the request was routed. The bodies tell them apart.
 */
final class Answers {
    private Answers() {}

    /** The gateway found no path rule for {@code path}. */
    static void noRoute(HttpResponse<String> response, String path) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(404);
        assertThat(response.body()).contains("\"error\":\"no_route\"", "\"path\":\"" + path + "\"");
    }

    /** The request was routed to web-service, which answered that it serves nothing at {@code path}. */
    static void webServiceHasNothingAt(HttpResponse<String> response, String path) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(404);
        assertThat(response.body()).isEqualTo("{\"error\":\"not_found\",\"path\":\"" + path + "\"}\n");
    }

    /** A rule leads to {@code service}, which runs nowhere: the gateway answers for it. */
    static void notDeployed(HttpResponse<String> response, String service) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(503);
        assertThat(response.body()).contains("\"error\":\"no_healthy_instance\"", service + " is not deployed in production");
    }
}
