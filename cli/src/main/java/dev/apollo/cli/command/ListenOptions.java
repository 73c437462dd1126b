package dev.apollo.cli.command;

import java.util.List;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * Where a control plane this command starts listens: its API and its two gateways. Mixed into
 * {@code apollo up} and {@code apollo demo}, so a demo, like an {@code up}, can run beside another
 * control plane or on a machine whose default ports are taken.
 */
final class ListenOptions {
    static final String DEFAULT_API = "127.0.0.1:7700";

    @Option(names = "--listen", paramLabel = "HOST:PORT", defaultValue = DEFAULT_API,
            description = "Where the API listens; port 0 picks a free one (default: ${DEFAULT-VALUE}).")
    private String api;

    @Option(names = "--web", paramLabel = "HOST:PORT",
            description = "Where the web gateway listens; port 0 picks a free one, 'none' runs no gateway (default: 127.0.0.1:8080).")
    private String web;

    @Option(names = "--rpc", paramLabel = "HOST:PORT",
            description = "Where the RPC gateway listens (instances get it as RPC_INT); port 0 picks a free one (default: 127.0.0.1:9090).")
    private String rpc;

    /** The API address, checked: the control plane is started with it and announces where it really listens. */
    String api(CommandSpec spec) {
        if (!api.matches(".+:\\d{1,5}")) {
            throw new ParameterException(spec.commandLine(), "listen '" + api + "': expected HOST:PORT (e.g. " + DEFAULT_API + ")");
        }
        return api;
    }

    /** The gateways' addresses as ServerMain flags, only those given: the server has the defaults (and apollo.conf). */
    List<String> gatewayFlags() {
        return new ServerFlags().add("--web", web).add("--rpc", rpc).list();
    }
}
