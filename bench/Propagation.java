import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * How fast a change reaches the gateway: (1) a route added through the API until the first request
 * through the gateway that sees it; (2) `rollback` within the window until the first request that
 * gets the previous version. Run by bench/gateway.sh, once per gateway mode:
 * java bench/Propagation.java API_URL TOKEN GATEWAY_HOST:PORT ROUNDS
 *
 * Each change is polled for every ~1 ms until a request sees it. Prints, per kind of change, the
 * time until it is seen and, apart, how long the API call itself took (both from sending it).
 *
 * A rule for "/" matches every path, so a probe path under it would answer the same before and
 * after its own rule is added: the "/" rule is taken out for the route rounds (and put back, and
 * waited for, before the rollback rounds, which read the version from "/").
 */
public class Propagation {
    private static final String ROUTES = "/v1/environments/production/routes";
    private static int pollErrors;

    public static void main(String[] args) throws Exception {
        String api = args[0];
        String token = args[1];
        String gateway = "http://" + args[2];
        int rounds = Integer.parseInt(args[3]);
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        if (args.length > 4 && args[4].equals("instances")) {
            instanceChanges(http, api, token, gateway, rounds);
            return;
        }

        boolean hadRoot = http.send(authorized(api + ROUTES + "?path=" + URLEncoder.encode("/", StandardCharsets.UTF_8), token)
                .DELETE().build(), HttpResponse.BodyHandlers.ofString()).statusCode() == 200;
        awaitGateway(http, gateway + "/", true);

        List<Double> route = new ArrayList<>();
        List<Double> routeApi = new ArrayList<>();
        for (int i = 0; i < rounds; i++) {
            String path = "/probe-" + i;
            long start = System.nanoTime();
            putRoute(http, api, token, path);
            routeApi.add(elapsed(start));
            while (noRoute(http, gateway + path) && elapsed(start) < 10_000) {
                pause(); // the first answer that is not the gateway's "no route" ends the wait
            }
            route.add(elapsed(start));
        }

        putRoute(http, api, token, "/");
        awaitGateway(http, gateway + "/", false);
        List<Double> rollback = new ArrayList<>();
        List<Double> rollbackApi = new ArrayList<>();
        for (int i = 0; i < rounds; i++) {
            String before = version(http, gateway + "/");
            long start = System.nanoTime();
            send(http, authorized(api + "/v1/environments/production/services/web-service/rollback", token)
                    .POST(HttpRequest.BodyPublishers.noBody()).build());
            rollbackApi.add(elapsed(start));
            while (version(http, gateway + "/").equals(before) && elapsed(start) < 10_000) {
                pause(); // same: until the first request that lands on the other release
            }
            rollback.add(elapsed(start));
        }
        System.out.println("route_ms " + summary(route));
        System.out.println("rollback_ms " + summary(rollback));
        System.out.println("route_api_ms " + summary(routeApi));
        System.out.println("rollback_api_ms " + summary(rollbackApi));
        System.out.println("route_rounds " + rounds(route, routeApi));
        System.out.println("rollback_rounds " + rounds(rollback, rollbackApi));
        System.out.println("api_changes " + (2 * rounds + (hadRoot ? 2 : 1)));
        System.out.println("poll_errors " + pollErrors);
    }

    /**
     * Only instance changes (bench/instances.sh): rollbacks within the window switch the live release
     * between two warm ones, so each changes which instances serve "/" and nothing else.
     */
    private static void instanceChanges(HttpClient http, String api, String token, String gateway, int rounds) throws Exception {
        awaitGateway(http, gateway + "/", false);
        List<Double> seen = new ArrayList<>();
        List<Double> apiCalls = new ArrayList<>();
        for (int i = 0; i < rounds; i++) {
            String before = version(http, gateway + "/");
            long start = System.nanoTime();
            send(http, authorized(api + "/v1/environments/production/services/web-service/rollback", token)
                    .POST(HttpRequest.BodyPublishers.noBody()).build());
            apiCalls.add(elapsed(start));
            while (version(http, gateway + "/").equals(before) && elapsed(start) < 10_000) {
                pause();
            }
            seen.add(elapsed(start));
        }
        System.out.println("instance_ms " + summary(seen));
        System.out.println("instance_api_ms " + summary(apiCalls));
        System.out.println("instance_rounds " + rounds(seen, apiCalls));
        System.out.println("poll_errors " + pollErrors);
    }

    private static HttpRequest.Builder authorized(String url, String token) {
        return HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + token);
    }

    private static void putRoute(HttpClient http, String api, String token, String path) throws Exception {
        send(http, authorized(api + ROUTES, token).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"path\":\"" + path + "\",\"service\":\"web-service\"}")).build());
    }

    /** Until "/" answers "no route" (noRoute true) or an instance's answer (false); fails after 10 s. */
    private static void awaitGateway(HttpClient http, String url, boolean noRoute) throws Exception {
        long start = System.nanoTime();
        for (String body = body(http, url); body.isEmpty() || body.contains("\"no_route\"") != noRoute; body = body(http, url)) {
            if (elapsed(start) > 10_000) {
                throw new IllegalStateException(url + (noRoute ? " still routed" : " still not routed") + " after 10 s");
            }
            Thread.sleep(5);
        }
    }

    /**
     * 1 ms between polls, not a busy loop: on 2 cores a client that polls flat out takes a core from
     * whoever applies the change (nginx's master parsing its new configuration, say) and measures that.
     */
    private static void pause() throws InterruptedException {
        Thread.sleep(1);
    }

    private static double elapsed(long start) {
        return (System.nanoTime() - start) / 1e6;
    }

    private static String summary(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return String.format("median=%.1f p95=%.1f max=%.1f n=%d", sorted.get(sorted.size() / 2),
                sorted.get((int) Math.ceil(sorted.size() * 0.95) - 1), sorted.getLast(), sorted.size());
    }

    /** Every round as SEEN/API ms, in order: to find what an outlier was. */
    private static String rounds(List<Double> seen, List<Double> api) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < seen.size(); i++) {
            out.append(String.format("%s%.0f/%.0f", i == 0 ? "" : " ", seen.get(i), api.get(i)));
        }
        return out.toString();
    }

    private static void send(HttpClient http, HttpRequest request) throws Exception {
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() / 100 != 2) {
            throw new IllegalStateException(request.uri() + " answered " + response.statusCode() + ": " + response.body());
        }
    }

    /**
     * The gateway's answer; "" when the connection failed (nginx closes kept-alive connections of
     * its old workers on a reload), which counts as "not seen yet" and in poll_errors.
     */
    private static String body(HttpClient http, String url) throws InterruptedException {
        try {
            return http.send(HttpRequest.newBuilder(URI.create(url)).header("X-Apollo-Env", "production").build(),
                    HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException e) {
            pollErrors++;
            return "";
        }
    }

    private static boolean noRoute(HttpClient http, String url) throws InterruptedException {
        String body = body(http, url);
        return body.isEmpty() || body.contains("\"no_route\"");
    }

    private static String version(HttpClient http, String url) throws InterruptedException {
        String body;
        long start = System.nanoTime();
        while ((body = body(http, url)).isEmpty()) { // a failed connection is no answer: ask again
            if (elapsed(start) > 10_000) {
                throw new IllegalStateException(url + " does not answer");
            }
        }
        int at = body.indexOf("\"version\":\"");
        return at < 0 ? body : body.substring(at + 11, body.indexOf('"', at + 11));
    }
}
