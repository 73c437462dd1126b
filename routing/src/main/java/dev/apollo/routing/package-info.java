/**
 * Routing as both gateways do it, with no I/O and no HTTP stack: a route table compiled once into a
 * {@link dev.apollo.routing.RouteSnapshot} (fallbacks resolved, rules sorted), the pure resolvers
 * that turn a request's facts into a {@link dev.apollo.routing.Decision}
 * ({@link dev.apollo.routing.RouteResolver} for web, {@link dev.apollo.routing.RpcResolver} for RPC),
 * and every answer a gateway gives itself ({@link dev.apollo.routing.Rejects}). Two helpers ride
 * along because both gateways need them and this is the module they share:
 * {@link dev.apollo.routing.GatewayException} (a table no gateway can serve, a gateway that cannot
 * start), {@link dev.apollo.routing.AtomicFiles} (the gateways' state files) and
 * {@link dev.apollo.routing.RouteSubscription}, which follows the leader's route stream (the JDK's HTTP client):
 * the embedded gateway's only source of tables, and a standby's for the nginx it manages.
 *
 * <p>Why a module of its own: the embedded gateway (Vert.x, its own process) and the nginx renderer
 * (inside the control plane) must route the same table the same way and answer with the same JSON.
 * Both build on this module, so neither carries the other's code: the control plane gets the
 * routing model without the Vert.x proxy, and the embedded gateway without nginx.
 */
package dev.apollo.routing;
