/**
 * The embedded web gateway: a separate process that routes HTTP traffic to service instances by
 * route-table snapshots the control plane pushes ({@code GET /v1/routes/stream}, server-sent
 * events); it never asks the scheduler anything, and keeps serving its last table (also cached on
 * disk) while the control plane is away.
 *
 * <p>Public API: {@link dev.apollo.gateway.GatewayMain} (the process), {@link dev.apollo.gateway.Gateway}
 * and {@link dev.apollo.gateway.GatewayConfig} (in-process use, tests). Everything else is internal.
 *
 * <p>How a request flows: {@code GatewayHandler} reads the request facts, {@code RouteResolver}
 * (pure) decides against the current {@code RouteSnapshot} (compiled once per table, swapped
 * atomically), errors are answered as JSON by {@code ErrorReplies}, and everything else goes
 * through vertx-http-proxy, whose origin provider ({@code BackendConnector}) picks a backend with
 * the {@code Balancer} and retries once elsewhere when a connection cannot be opened.
 *
 * <p>Environments inherit from their fallback chain both services (a service the environment
 * does not run) and path rules (a rule for the same path in the environment itself wins; the
 * longest prefix wins over the merged set). See {@code RouteSnapshot}.
 */
package dev.apollo.gateway;
