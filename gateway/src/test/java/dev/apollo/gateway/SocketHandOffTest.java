package dev.apollo.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.apollo.routing.RouteResolver;
import dev.apollo.routing.RouteSnapshot;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Listening sockets go from one holder to the next over a Unix socket: the same socket, not another on its port. */
class SocketHandOffTest {
    @TempDir
    Path dir;

    @BeforeEach
    void linuxOnly() {
        assumeThat(Epoll.isAvailable()).as("Netty's epoll transport").isTrue();
    }

    @Test
    void whatIsTakenIsTheOfferedListeningSocketAndWhoOfferedIt() throws Exception {
        GatewayConfig config = GatewayConfig.builder().eventLoops(1).build();
        try (ProxyServer server = new ProxyServer(config)) {
            int port = server.listen(new ProxyServer.Listen("127.0.0.1", 0, "--web"),
                    new GatewayHandler(() -> RouteSnapshot.EMPTY, new RouteResolver("apollo.localhost", () -> "c")),
                    new Balancer(System::nanoTime, 1));
            Path at = dir.resolve("gateway.sock");
            try (SocketHandOff offered = SocketHandOff.offer(at, server.group(), server::listeningSockets)) {
                assertThat(Files.getPosixFilePermissions(at)).isEqualTo(PosixFilePermissions.fromString("rw-------"));

                SocketHandOff.Taken taken = SocketHandOff.take(at, server.group()).orElseThrow();

                assertThat(taken.pid()).isEqualTo(ProcessHandle.current().pid());
                assertThat(taken.sockets()).hasSize(1);
                EpollServerSocketChannel socket = new EpollServerSocketChannel(taken.sockets().getFirst().intValue());
                assertThat(socket.localAddress().getPort()).isEqualTo(port);
                assertThat(inode(socket.fd().intValue())).as("a descriptor of the same socket")
                        .isEqualTo(inode(server.listeningSockets().getFirst()));
                socket.fd().close();
            }
            assertThat(at).as("the offer's file goes with it").doesNotExist();
        }
    }

    @Test
    void nothingIsTakenWhereNoProcessOffers() throws Exception {
        GatewayConfig config = GatewayConfig.builder().eventLoops(1).build();
        try (ProxyServer server = new ProxyServer(config)) {
            assertThat(SocketHandOff.take(dir.resolve("none.sock"), server.group())).isEmpty();
            Path stale = Files.createFile(dir.resolve("stale.sock")); // left by a process that died: nothing listens
            assertThat(SocketHandOff.take(stale, server.group())).isEmpty();
        }
    }

    private static String inode(int fd) throws Exception {
        return Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd)).toString();
    }
}
