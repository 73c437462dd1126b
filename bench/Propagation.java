import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * How fast a change reaches the gateway: (1) a route added through the API until the first request
 * through the gateway that sees it; (2) `rollback` within the window until the first request that
 * gets the previous version. Run by bench/gateway.sh:
 * java bench/Propagation.java API_URL TOKEN GATEWAY_HOST:PORT ROUNDS
 */
public class Propagation {
    public static void main(String[] args) throws Exception {
        String api = args[0];
        String token = args[1];
        String gateway = "http://" + args[2];
        int rounds = Integer.parseInt(args[3]);
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

        List<Double> route = new ArrayList<>();
        for (int i = 0; i < rounds; i++) {
            String path = "/probe-" + i;
            long start = System.nanoTime();
            send(http, HttpRequest.newBuilder(URI.create(api + "/v1/environments/production/routes"))
                    .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                    .PUT(HttpRequest.BodyPublishers.ofString("{\"path\":\"" + path + "\",\"service\":\"web-service\"}")).build());
            while (body(http, gateway + path).contains("\"no_route\"") && elapsed(start) < 10_000) {
                // poll as fast as the gateway answers: the first answer that is not the gateway's "no route" ends the wait
            }
            route.add(elapsed(start));
        }

        List<Double> rollback = new ArrayList<>();
        for (int i = 0; i < rounds; i++) {
            String before = version(http, gateway + "/");
            long start = System.nanoTime();
            send(http, HttpRequest.newBuilder(URI.create(api + "/v1/environments/production/services/web-service/rollback"))
                    .header("Authorization", "Bearer " + token).POST(HttpRequest.BodyPublishers.noBody()).build());
            while (version(http, gateway + "/").equals(before) && elapsed(start) < 10_000) {
                // same: until the first request that lands on the other release
            }
            rollback.add(elapsed(start));
        }
        System.out.println("route_ms " + summary(route));
        System.out.println("rollback_ms " + summary(rollback));
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

    private static void send(HttpClient http, HttpRequest request) throws Exception {
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() / 100 != 2) {
            throw new IllegalStateException(request.uri() + " answered " + response.statusCode() + ": " + response.body());
        }
    }

    private static String body(HttpClient http, String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).header("X-Apollo-Env", "production").build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    private static String version(HttpClient http, String url) throws Exception {
        String body = http.send(HttpRequest.newBuilder(URI.create(url)).header("X-Apollo-Env", "production").build(),
                HttpResponse.BodyHandlers.ofString()).body();
        int at = body.indexOf("\"version\":\"");
        return at < 0 ? body : body.substring(at + 11, body.indexOf('"', at + 11));
    }
}
