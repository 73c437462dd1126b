package dev.apollo.gateway;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.channel.unix.DomainSocketReadMode;
import io.netty.channel.unix.FileDescriptor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Gateway processes share their listening sockets themselves, not only their ports: each offers
 * its sockets on a Unix socket in the data dir (SCM_RIGHTS), and a process that starts beside a
 * running one takes them from there. While any process holds a listening socket it stays open, so
 * when the serving process dies the connections the kernel queued for it wait for the standby
 * instead of being reset, and a new connection is never refused. Linux (Netty's epoll) only.
 */
final class SocketHandOff implements AutoCloseable {
    /** Longest path a Unix socket address holds (sun_path is 108 bytes with its terminating NUL). */
    private static final int MAX_PATH_BYTES = 107;
    private static final long TAKE_TIMEOUT_SECONDS = 5;

    private final Channel server;

    private SocketHandOff(Channel server) {
        this.server = server;
    }

    /** Whether {@code path} fits in a Unix socket address (a data dir deep enough does not). */
    static boolean fits(Path path) {
        return path.toString().getBytes(StandardCharsets.UTF_8).length <= MAX_PATH_BYTES;
    }

    /**
     * Offers {@code sockets} (their descriptors, in a fixed order) at {@code at}, to processes of
     * this user only: the file is the owner's alone, and a caller of another uid gets nothing.
     */
    static SocketHandOff offer(Path at, EventLoopGroup group, Supplier<List<Integer>> sockets) throws IOException {
        Files.deleteIfExists(at); // left by a process that died; nothing listens on it any more
        ServerBootstrap bootstrap = new ServerBootstrap().group(group).channel(EpollServerDomainSocketChannel.class)
                .childHandler(new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelActive(ChannelHandlerContext ctx) throws Exception {
                        int caller = ((EpollDomainSocketChannel) ctx.channel()).peerCredentials().uid();
                        if (caller == (int) Files.getAttribute(at, "unix:uid")) {
                            for (int fd : sockets.get()) {
                                ctx.write(new FileDescriptor(fd));
                            }
                        }
                        ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
                    }
                });
        ChannelFuture bound = bootstrap.bind(new DomainSocketAddress(at.toFile())).awaitUninterruptibly();
        if (!bound.isSuccess()) {
            throw new IOException("cannot offer the listening sockets at " + at + ": " + bound.cause().getMessage(),
                    bound.cause());
        }
        Files.setPosixFilePermissions(at, PosixFilePermissions.fromString("rw-------"));
        return new SocketHandOff(bound.channel());
    }

    /** Listening sockets taken from the process {@code pid}, in the order it offered them. */
    record Taken(List<FileDescriptor> sockets, long pid) {}

    /**
     * The listening sockets a running process offers at {@code from}, and which process that is;
     * empty when no process answers there (none runs, or it is of an Apollo that did not offer them).
     */
    static Optional<Taken> take(Path from, EventLoopGroup group) {
        if (!Files.exists(from)) {
            return Optional.empty();
        }
        List<FileDescriptor> taken = new ArrayList<>();
        AtomicLong offeredBy = new AtomicLong();
        CompletableFuture<List<FileDescriptor>> done = new CompletableFuture<>();
        Bootstrap bootstrap = new Bootstrap().group(group).channel(EpollDomainSocketChannel.class)
                .option(EpollChannelOption.DOMAIN_SOCKET_READ_MODE, DomainSocketReadMode.FILE_DESCRIPTORS)
                .handler(new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelActive(ChannelHandlerContext ctx) throws IOException {
                        offeredBy.set(((EpollDomainSocketChannel) ctx.channel()).peerCredentials().pid());
                    }

                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                        if (msg instanceof FileDescriptor fd) {
                            taken.add(fd);
                        }
                    }

                    @Override
                    public void channelInactive(ChannelHandlerContext ctx) {
                        done.complete(List.copyOf(taken));
                    }

                    @Override
                    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                        done.completeExceptionally(cause);
                        ctx.close();
                    }
                });
        ChannelFuture connected = bootstrap.connect(new DomainSocketAddress(from.toFile())).awaitUninterruptibly();
        if (!connected.isSuccess()) {
            return Optional.empty(); // a file left by a process that died
        }
        try {
            List<FileDescriptor> sockets = done.get(TAKE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            return sockets.isEmpty() ? Optional.empty() : Optional.of(new Taken(sockets, offeredBy.get()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        } catch (ExecutionException | TimeoutException e) {
            System.err.println("apollo-gateway: no listening sockets from " + from + " (" + e + ")");
            return Optional.empty();
        } finally {
            connected.channel().close();
        }
    }

    @Override
    public void close() {
        server.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
    }
}
