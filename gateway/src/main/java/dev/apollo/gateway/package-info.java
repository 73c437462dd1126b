/**
 * The embedded gateway: a separate process that routes web traffic and service-to-service RPC
 * calls to service instances by route-table snapshots the control plane pushes
 * ({@code GET /v1/routes/stream}, server-sent events); it never asks the scheduler anything, and
 * keeps serving its last table (also cached on disk) while the control plane is away.
 *
 * <p>Public API: {@link dev.apollo.gateway.GatewayMain} (the process), {@link dev.apollo.gateway.Gateway}
 * and {@link dev.apollo.gateway.GatewayConfig} (in-process use, tests). Everything else is internal.
 *
 * <p>Two listeners, one table: web ({@code --web}, default 127.0.0.1:8080) routes by Host and path
 * rules; RPC ({@code --rpc}, default 127.0.0.1:9090) routes by convention, {@code POST /<service>/<method>}
 * to {@code /<method>} on the service, {@code /<external>/<path>} to the external's URL for the
 * environment. The state file reports both bound addresses.
 *
 * <p>How a request flows: {@code GatewayHandler} (web) or {@code RpcHandler} (RPC) reads the
 * request facts, {@code RouteResolver} or {@code RpcResolver} (pure, from {@code dev.apollo.routing},
 * which the nginx renderer shares) decides against the current {@code RouteSnapshot} (compiled once
 * per table, swapped atomically), errors are answered as JSON by {@code ErrorReplies}, and
 * everything else is carried as a {@code ProxyExchange}: our own proxy on Netty directly
 * ({@code ProxyServer} listens; a {@code ClientConnection} per client connection serves its requests in
 * order). Netty's decoded messages cross as they are: headers changed in place, hop-by-hop ones and
 * those the Connection header names removed ({@code HopByHop}), X-Forwarded-* and Via added; bodies
 * passed on as the buffers they came in, one flush per read batch. It answers 100-continue, picks a
 * backend with the {@code Balancer} and takes a kept-alive connection to it from its event loop's
 * {@code BackendPools} (or connects, trying another backend when a connection cannot be opened), or
 * opens the external (TLS where its URL says, no retry). A backend that closed the connection before
 * answering gets the request sent elsewhere only when it is idempotent and has no body.
 *
 * <p>Environments: web takes Host {@code E.<domain>} or {@code X-Apollo-Env}; RPC takes, first match
 * wins, {@code X-Apollo-Env} or baggage {@code apollo.env=E}, a {@code /_env/E/} path prefix, Host
 * {@code E.<rpc-suffix>}, else production. Environments inherit from their fallback chain both
 * services (a service the environment does not run) and path rules (a rule for the same path in
 * the environment itself wins; the longest prefix wins over the merged set), and externals for RPC.
 * See {@code RouteSnapshot}.
 *
 * <p>Environment propagation: every request proxied to a service carries {@code X-Apollo-Env} set
 * to the environment it was resolved in, replacing the client's. When a fallback environment's
 * service serves it, the header still names the requested environment (stage1, not production),
 * so the calls that service makes, which carry the header on, land in stage1 wherever stage1 has
 * the next service. Externals, outside the platform, get no {@code X-Apollo-Env}.
 */
package dev.apollo.gateway;
