package dev.apollo.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConnectionTest {
    @TempDir
    Path home;

    @Test
    void defaultsWhenNothingIsKnown() {
        Connection connection = Connection.discover(home, Map.of(), Optional.empty());

        assertThat(connection.url()).isEqualTo(URI.create("http://127.0.0.1:7700"));
        assertThat(connection.bearerToken()).isEmpty();
        assertThat(connection.tokenSource()).isEqualTo(home.resolve("token").toString());
    }

    @Test
    void serverFileBeatsTheDefault() throws IOException {
        writeServerFile("http://127.0.0.1:41234");

        assertThat(Connection.discover(home, Map.of(), Optional.empty()).url()).isEqualTo(URI.create("http://127.0.0.1:41234"));
    }

    @Test
    void environmentBeatsTheServerFile() throws IOException {
        writeServerFile("http://127.0.0.1:41234");

        Connection connection = Connection.discover(home, Map.of("APOLLO_SERVER", "http://10.0.0.5:7700"), Optional.empty());

        assertThat(connection.url()).isEqualTo(URI.create("http://10.0.0.5:7700"));
    }

    @Test
    void flagBeatsEverything() throws IOException {
        writeServerFile("http://127.0.0.1:41234");

        Connection connection = Connection.discover(home, Map.of("APOLLO_SERVER", "http://10.0.0.5:7700"),
                Optional.of("http://10.0.0.6:7701/"));

        assertThat(connection.url()).isEqualTo(URI.create("http://10.0.0.6:7701"));
    }

    @Test
    void bareHostAndPortGetsHttp() {
        assertThat(Connection.discover(home, Map.of(), Optional.of("localhost:7700")).url())
                .isEqualTo(URI.create("http://localhost:7700"));
    }

    @Test
    void aBrokenServerFileIsIgnored() throws IOException {
        Files.writeString(home.resolve("server.json"), "{\"url\": ");

        assertThat(Connection.discover(home, Map.of(), Optional.empty()).url()).isEqualTo(Connection.DEFAULT_URL);
    }

    @Test
    void rejectsWhatIsNotAnHttpUrl() {
        assertThatThrownBy(() -> Connection.discover(home, Map.of(), Optional.of("ftp://x:1")))
                .isInstanceOf(ApolloClientException.class)
                .hasMessageContaining("--server 'ftp://x:1'")
                .hasMessageContaining("http://127.0.0.1:7700");
    }

    @Test
    void tokenComesFromTheHomeFile() throws IOException {
        Files.writeString(home.resolve("token"), "s3cret\n");

        Connection connection = Connection.discover(home, Map.of(), Optional.empty());

        assertThat(connection.bearerToken()).contains("s3cret");
        assertThat(connection.tokenSource()).endsWith("token");
    }

    @Test
    void environmentTokenBeatsTheFile() throws IOException {
        Files.writeString(home.resolve("token"), "from-file");

        Connection connection = Connection.discover(home, Map.of("APOLLO_TOKEN", "from-env"), Optional.empty());

        assertThat(connection.bearerToken()).contains("from-env");
        assertThat(connection.tokenSource()).isEqualTo("APOLLO_TOKEN");
    }

    private void writeServerFile(String url) throws IOException {
        Files.writeString(home.resolve("server.json"),
                "{\"url\":\"" + url + "\",\"pid\":12345,\"startedAt\":\"2025-01-01T00:00:00Z\"}");
    }

    @Test
    void severalAddressesSeparatedByCommasAreTriedInOrder() {
        Connection connection = Connection.discover(home, Map.of(), Optional.of("10.0.0.5:7700, http://10.0.0.6:7701/,10.0.0.5:7700"));

        assertThat(connection.url()).isEqualTo(URI.create("http://10.0.0.5:7700"));
        assertThat(connection.fallbacks()).containsExactly(URI.create("http://10.0.0.6:7701"));
        assertThat(Connection.discover(home, Map.of("APOLLO_SERVER", "http://a:1,http://b:2"), Optional.empty()).urls())
                .containsExactly(URI.create("http://a:1"), URI.create("http://b:2"));
        assertThatThrownBy(() -> Connection.discover(home, Map.of("APOLLO_SERVER", "http://a:1,ftp://b"), Optional.empty()))
                .hasMessage("APOLLO_SERVER 'ftp://b' is not a control plane address (expected a URL like http://127.0.0.1:7700).");
    }
}
