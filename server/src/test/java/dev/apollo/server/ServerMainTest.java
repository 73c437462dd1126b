package dev.apollo.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.apollo.core.ApolloException;
import dev.apollo.process.LogLimits;
import dev.apollo.server.ServerConfig.GatewayKind;
import dev.apollo.server.http.ApiLimits;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Flags and the data dir's apollo.conf to a ServerConfig. */
class ServerMainTest {
    @TempDir
    Path home;

    private ServerConfig parse(String... flags) {
        String[] all = new String[flags.length + 2];
        all[0] = "--home";
        all[1] = home.toString();
        System.arraycopy(flags, 0, all, 2, flags.length);
        return ServerMain.parse(all);
    }

    @Test
    void theEmbeddedGatewayIsTheDefault() {
        ServerConfig config = parse();
        assertThat(config.gatewayKind()).isEqualTo(GatewayKind.EMBEDDED);
        assertThat(config.nginx()).isEmpty();
    }

    @Test
    void theConfigFileSetsWhatFlagsDoAndFlagsWin() throws IOException {
        Files.writeString(home.resolve("apollo.conf"), """
                # the gateway of this data dir
                gateway = nginx
                nginx = /opt/nginx/sbin/nginx   # not on PATH here
                web = 127.0.0.1:8081

                """);
        ServerConfig fromFile = parse();
        assertThat(fromFile.gatewayKind()).isEqualTo(GatewayKind.NGINX);
        assertThat(fromFile.nginx()).contains(Path.of("/opt/nginx/sbin/nginx"));
        assertThat(fromFile.gateway()).isEqualTo(Optional.of("127.0.0.1:8081"));

        ServerConfig overridden = parse("--gateway", "embedded", "--web", "127.0.0.1:9999");
        assertThat(overridden.gatewayKind()).isEqualTo(GatewayKind.EMBEDDED);
        assertThat(overridden.gateway()).isEqualTo(Optional.of("127.0.0.1:9999"));
    }

    @Test
    void aBadLineOrKeyOrGatewayIsNamed() throws IOException {
        assertThatThrownBy(() -> parse("--gateway", "haproxy")).isInstanceOf(ApolloException.Invalid.class)
                .hasMessageContaining("'haproxy'").hasMessageContaining("embedded or nginx");
        Files.writeString(home.resolve("apollo.conf"), "gateway nginx\n");
        assertThatThrownBy(this::parse).isInstanceOf(ApolloException.Invalid.class)
                .hasMessageContaining("apollo.conf line 1").hasMessageContaining("key = value");
        Files.writeString(home.resolve("apollo.conf"), "gatway = nginx\n");
        assertThatThrownBy(this::parse).isInstanceOf(ApolloException.Invalid.class)
                .hasMessageContaining("unknown flag --gatway").hasMessageContaining("without dashes");
    }

    @Test
    void nginxWithoutTheNginxGatewayIsRefusedUnlessTheConfigFileChoseIt() throws IOException {
        assertThatThrownBy(() -> parse("--nginx", "/opt/nginx/sbin/nginx")).isInstanceOf(ApolloException.Invalid.class)
                .hasMessageContaining("--nginx only applies to the nginx gateway").hasMessageContaining("gateway = nginx");
        Files.writeString(home.resolve("apollo.conf"), "gateway = nginx\n");
        assertThat(parse("--nginx", "/opt/nginx/sbin/nginx").nginx()).contains(Path.of("/opt/nginx/sbin/nginx"));
    }

    @Test
    void theSchedulerAndTheStoreAreTodaysUnlessChosen() {
        ServerConfig config = parse();

        assertThat(config.scheduler()).isEqualTo(Backends.DEFAULT_SCHEDULER);
        assertThat(config.store()).isEqualTo(Backends.DEFAULT_STORE);
        assertThat(parse("--scheduler", "local", "--store", "sqlite:other.db").store())
                .isEqualTo(new Backends.StoreChoice.Sqlite(Path.of("other.db")));
    }

    @Test
    void theConfigFileChoosesTheBackendsAndFlagsWin() throws IOException {
        Files.writeString(home.resolve("apollo.conf"), """
                scheduler = local
                store = sqlite:/srv/apollo/state.db   # on the disk that is backed up
                """);

        assertThat(parse().store()).isEqualTo(new Backends.StoreChoice.Sqlite(Path.of("/srv/apollo/state.db")));
        assertThat(parse("--store", "sqlite:mine.db").store()).isEqualTo(new Backends.StoreChoice.Sqlite(Path.of("mine.db")));
    }

    @Test
    void aPostgresStoreTakesItsPasswordFileAndLeaseFromFlagsOrTheConfigFile() throws IOException {
        Files.writeString(home.resolve("apollo.conf"), """
                store = postgresql://db.internal:5432/apollo?user=apollo
                store-password-file = /etc/apollo/store-password
                lease-ms = 2000
                """);

        ServerConfig config = parse();

        assertThat(config.store()).isInstanceOf(Backends.StoreChoice.Postgres.class);
        assertThat(config.storePasswordFile()).contains(Path.of("/etc/apollo/store-password"));
        assertThat(config.lease()).isEqualTo(java.time.Duration.ofSeconds(2));
        assertThat(parse("--lease-ms", "800").lease()).isEqualTo(java.time.Duration.ofMillis(800));
        assertThatThrownBy(() -> parse("--lease-ms", "100")).isInstanceOf(ApolloException.Invalid.class)
                .hasMessageContaining("lease: 100 ms (expected: >= 500 ms)");
    }

    @Test
    void aPasswordFileWithoutAPostgresStoreIsRefused() {
        assertThat(parse().lease()).isEqualTo(ServerConfig.DEFAULT_LEASE);
        assertThatThrownBy(() -> parse("--store-password-file", "/etc/apollo/store-password"))
                .isInstanceOf(ApolloException.Invalid.class)
                .hasMessageContaining("--store-password-file only applies to a postgresql:// store");
    }

    @Test
    void aLeaseWithoutAPostgresStoreIsRefusedNotIgnored() throws IOException {
        assertThatThrownBy(() -> parse("--lease-ms", "2000")).isInstanceOf(ApolloException.Invalid.class)
                .hasMessageContaining("--lease-ms only applies to control planes sharing a postgresql:// store")
                .hasMessageContaining("drop --lease-ms");
        Files.writeString(home.resolve("apollo.conf"), "lease-ms = 2000\n");
        assertThatThrownBy(() -> parse("--store", "sqlite:mine.db")).isInstanceOf(ApolloException.Invalid.class)
                .hasMessageContaining("--lease-ms only applies");
    }

    @Test
    void aWildcardListenOnASharedStoreNeedsAnAdvertisedAddress() throws IOException {
        String store = "postgresql://db.internal:5432/apollo?user=apollo";
        assertThatThrownBy(() -> parse("--store", store, "--listen", "0.0.0.0:7700")).isInstanceOf(ApolloException.Invalid.class)
                .hasMessageContaining("--listen 0.0.0.0:7700 names no host the other control planes")
                .hasMessageContaining("add --advertise HOST[:PORT]");

        ServerConfig config = parse("--store", store, "--listen", "0.0.0.0:7700", "--advertise", "10.0.0.5");
        assertThat(config.advertise()).contains(new AdvertisedAddress("10.0.0.5", java.util.OptionalInt.empty()));
        assertThat(config.advertise().orElseThrow().url(7700)).isEqualTo("http://10.0.0.5:7700");
        Files.writeString(home.resolve("apollo.conf"), "store = " + store + "\nlisten = 0.0.0.0:0\nadvertise = apollo-1.internal:7701\n");
        assertThat(parse().advertise().orElseThrow().url(40123)).isEqualTo("http://apollo-1.internal:7701");
    }

    @Test
    void anAdvertisedAddressWithoutASharedStoreOrThatNamesNoHostIsRefused() {
        assertThatThrownBy(() -> parse("--advertise", "10.0.0.5")).isInstanceOf(ApolloException.Invalid.class)
                .hasMessageContaining("--advertise only applies to control planes sharing a postgresql:// store");
        String store = "postgresql://db.internal:5432/apollo?user=apollo";
        assertThatThrownBy(() -> parse("--store", store, "--advertise", "0.0.0.0:7700")).isInstanceOf(ApolloException.Invalid.class)
                .hasMessage("--advertise '0.0.0.0:7700': 0.0.0.0 names no host: give this host's address, as 10.0.0.5.");
        assertThatThrownBy(() -> parse("--store", store, "--advertise", "10.0.0.5:99999")).isInstanceOf(ApolloException.Invalid.class)
                .hasMessageContaining("port 99999 (expected 1..65535)");
        assertThatThrownBy(() -> parse("--store", store, "--advertise", "http://10.0.0.5")).isInstanceOf(ApolloException.Invalid.class)
                .hasMessageContaining("expected HOST or HOST:PORT");
        assertThatThrownBy(() -> parse("--store", store, "--advertise", "2001:db8::1")).isInstanceOf(ApolloException.Invalid.class)
                .hasMessageContaining("an IPv6 address goes in brackets");
        assertThat(AdvertisedAddress.parse("[2001:db8::1]").url(7700)).isEqualTo("http://[2001:db8::1]:7700");
    }

    @Test
    void anUnknownBackendIsRefusedFromAFlagOrTheConfigFile() throws IOException {
        assertThatThrownBy(() -> parse("--store", "postgres:db/apollo")).isInstanceOf(ApolloException.Invalid.class)
                .hasMessageStartingWith("unknown store 'postgres:db/apollo': known stores are sqlite:PATH and postgresql://");
        Files.writeString(home.resolve("apollo.conf"), "scheduler = kubernetes\n");
        assertThatThrownBy(this::parse).isInstanceOf(ApolloException.Invalid.class)
                .hasMessage("unknown scheduler 'kubernetes': known schedulers are local, swarm.");
        // As with gateway =, the file is wrong whether or not a flag would have won over that line.
        assertThatThrownBy(() -> parse("--scheduler", "local")).isInstanceOf(ApolloException.Invalid.class)
                .hasMessageContaining("'kubernetes'");
    }

    @Test
    void logLimitsComeFromTheConfigFileOrFlagsAndSayWhereEachLogIs() throws IOException {
        assertThat(parse().logs()).isEqualTo(LogLimits.DEFAULT);
        Files.writeString(home.resolve("apollo.conf"), "log-max-size = 1MiB\nlog-keep = 5\n");
        assertThat(parse().logs()).isEqualTo(new LogLimits(1024 * 1024, 5));
        assertThat(parse("--log-max-size", "64K").logs()).isEqualTo(new LogLimits(64 * 1024, 5));

        assertThat(ServerMain.logs(parse())).contains("gateway: " + home.toAbsolutePath().resolve("gateway.log"))
                .contains("apollo logs SERVICE").contains("rotated past 1MiB; older files kept: 5");
        assertThat(ServerMain.logs(parse("--gateway", "nginx")))
                .contains("nginx: " + home.toAbsolutePath().resolve("nginx/logs/error.log"));
        assertThat(ServerMain.logs(parse("--web", "none"))).doesNotContain("gateway:");
    }

    @Test
    void aBadLogLimitIsNamed() {
        assertThatThrownBy(() -> parse("--log-max-size", "huge")).isInstanceOf(ApolloException.Invalid.class)
                .hasMessageContaining("--log-max-size: log size 'huge'");
        assertThatThrownBy(() -> parse("--log-max-size", "0")).isInstanceOf(ApolloException.Invalid.class)
                .hasMessageContaining("at least 1 byte");
        assertThatThrownBy(() -> parse("--log-keep", "-2")).isInstanceOf(ApolloException.Invalid.class)
                .hasMessageContaining("--log-keep '-2'");
    }

    @Test
    void apiLimitsComeFromTheConfigFileOrFlagsAndNonsenseIsNamed() throws IOException {
        assertThat(parse().apiLimits()).isEqualTo(ApiLimits.DEFAULT);
        Files.writeString(home.resolve("apollo.conf"), "api-header-timeout-ms = 2000\napi-max-connections = 64\n");
        assertThat(parse("--api-max-connections", "100", "--api-idle-timeout-ms", "5000").apiLimits())
                .isEqualTo(new ApiLimits(Duration.ofMillis(2000), Duration.ofMillis(5000), 100));

        Files.writeString(home.resolve("apollo.conf"), "api-max-connections = 4\n");
        assertThatThrownBy(this::parse).isInstanceOf(ApolloException.Invalid.class)
                .hasMessage("--api-max-connections 4: expected at least 8 (a flag of apollo up, or api-max-connections = N in"
                        + " apollo.conf).");
        Files.delete(home.resolve("apollo.conf"));
        assertThatThrownBy(() -> parse("--api-header-timeout-ms", "0")).isInstanceOf(ApolloException.Invalid.class)
                .hasMessageContaining("--api-header-timeout-ms 0: expected at least 1");
        assertThatThrownBy(() -> parse("--api-idle-timeout-ms", "soon")).isInstanceOf(ApolloException.Invalid.class)
                .hasMessageContaining("--api-idle-timeout-ms 'soon': expected a whole number");
    }
}
