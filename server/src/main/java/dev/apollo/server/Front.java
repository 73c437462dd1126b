package dev.apollo.server;

import dev.apollo.server.control.TrafficSync;
import dev.apollo.server.http.GatewayInfo;
import java.nio.file.Path;
import java.time.Duration;

/** The gateway in front of the instances, whichever kind runs: where it listens, what it tells, how it stops. */
interface Front extends GatewayInfo {
    /** The data dir's gateway.json (pid, web, rpc): each kind writes it, so the gateway is found the same way. */
    static Path stateFile(Path home) {
        return home.resolve("gateway.json").toAbsolutePath();
    }

    /** Where web traffic is served, HOST:PORT. */
    String webAddress();

    /** Where RPC calls are served, HOST:PORT; instances get it as RPC_INT. */
    String rpcAddress();

    TrafficSync trafficSync();

    /** {@code apollo down}: the gateway finishes what it serves, then exits. */
    void stop(Duration grace);

    /** The control plane stops; the gateway keeps serving for the next one to adopt. */
    void close();
}
