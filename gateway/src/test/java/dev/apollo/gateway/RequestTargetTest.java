package dev.apollo.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How the proxy reads a request's target and host, and which headers it keeps on its side. */
class RequestTargetTest {
    private static HttpRequest request(String uri, String... headers) {
        HttpRequest request = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, uri);
        for (int i = 0; i < headers.length; i += 2) {
            request.headers().add(headers[i], headers[i + 1]);
        }
        return request;
    }

    @Test
    void anAbsoluteFormTargetIsSentOnInOriginForm() {
        assertThat(RoutingHandler.originForm("/a/b?x=1")).isEqualTo("/a/b?x=1");
        assertThat(RoutingHandler.originForm("http://apollo.localhost:8080/a/b?x=1")).isEqualTo("/a/b?x=1");
        assertThat(RoutingHandler.originForm("http://apollo.localhost")).isEqualTo("/");
        assertThat(RoutingHandler.originForm("http://apollo.localhost?x=1")).isEqualTo("/?x=1");
        assertThat(RoutingHandler.originForm("*")).isEqualTo("*");
    }

    @Test
    void pathAndQueryAreSplitAtTheFirstQuestionMark() {
        assertThat(RoutingHandler.path("/a/b?x=1?y")).isEqualTo("/a/b");
        assertThat(RoutingHandler.query("/a/b?x=1?y")).isEqualTo("x=1?y");
        assertThat(RoutingHandler.query("/a/b")).isNull();
    }

    @Test
    void theHostComesFromTheHostHeaderOrAnAbsoluteTargetWithoutItsPort() {
        assertThat(RoutingHandler.host(request("/", "Host", "stage1.apollo.localhost:8080"))).isEqualTo("stage1.apollo.localhost");
        assertThat(RoutingHandler.host(request("/", "Host", "[::1]:8080"))).isEqualTo("[::1]");
        assertThat(RoutingHandler.host(request("http://shop.apollo.localhost:8080/x"))).isEqualTo("shop.apollo.localhost");
        assertThat(RoutingHandler.authority(request("http://shop.apollo.localhost:8080/x"))).isEqualTo("shop.apollo.localhost:8080");
        assertThat(RoutingHandler.host(request("/x"))).isEmpty();
    }

    @Test
    void hopByHopHeadersAndThoseConnectionNamesAreRemovedButNotHost() {
        HttpHeaders headers = new DefaultHttpHeaders();
        headers.add("Host", "apollo.localhost");
        headers.add("Connection", "X-Secret, close");
        headers.add("Connection", "host, keep-alive");
        headers.add("X-Secret", "1");
        headers.add("Keep-Alive", "timeout=5");
        headers.add("Transfer-Encoding", "chunked");
        headers.add("Upgrade", "h2c");
        headers.add("HTTP2-Settings", "AAMAAABkAARAAAAAAAIAAAAA");
        headers.add("X-Kept", "a");
        headers.add("X-Kept", "b");
        HopByHop.strip(headers);
        assertThat(headers.names()).containsExactlyInAnyOrder("Host", "X-Kept");
        assertThat(headers.getAll("X-Kept")).isEqualTo(List.of("a", "b"));
        assertThat(HopByHop.joined(headers, "x-kept")).isEqualTo("a, b");
        assertThat(HopByHop.joined(headers, "x-absent")).isNull();
    }

    @Test
    void connectAndTargetsThatAreNotPathsAreRefusedSayingWhatToSend() {
        HttpRequest connect = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.CONNECT, "example.com:443");
        assertThat(ProtocolErrors.targetProblem(connect).status()).isEqualTo(400);
        assertThat(ProtocolErrors.targetProblem(connect).body().get("message")).contains("not a forward proxy");
        assertThat(ProtocolErrors.targetProblem(request("echo")).body().get("message"))
                .isEqualTo("the request target 'echo' is not a path; send one that starts with / (e.g. GET /a-path HTTP/1.1)");
        assertThat(ProtocolErrors.targetProblem(new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.OPTIONS, "*")))
                .isNotNull();
        assertThat(ProtocolErrors.targetProblem(request("/a?b"))).isNull();
        assertThat(ProtocolErrors.targetProblem(request("http://apollo.localhost/a"))).isNull();
    }
}
