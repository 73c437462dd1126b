package dev.apollo.e2e;

/** Every RPC, environment and external scenario again, through a real nginx. */
class NginxRpcIT extends RpcIT {
    @Override
    protected String[] gatewayFlags() {
        return new String[] {"--gateway", "nginx"};
    }
}
