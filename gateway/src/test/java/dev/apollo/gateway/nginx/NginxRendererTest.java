package dev.apollo.gateway.nginx;

import static org.assertj.core.api.Assertions.assertThat;

import dev.apollo.gateway.NginxFixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class NginxRendererTest {
    private final NginxRenderer renderer = new NginxRenderer(NginxFixtures.settings(Path.of("/var/lib/apollo/nginx"),
            "127.0.0.1:8080", "127.0.0.1:9090"));

    @Test
    void dump() throws Exception {
        NginxConfig config = renderer.render(NginxFixtures.table(7, 1001, 1002, 1003, 2001, 3001, 4001, 5001));
        Files.writeString(Path.of("target/sample-nginx.conf"), config.text());
        assertThat(config.text()).contains("upstream");
    }
}
