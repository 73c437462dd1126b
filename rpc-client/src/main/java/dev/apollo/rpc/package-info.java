/**
 * How Apollo services call each other: by convention, through the platform's RPC gateway.
 *
 * <ul>
 *   <li>{@link dev.apollo.rpc.RpcClient} makes a Java interface callable remotely: {@code sayHello("Ada")} on a
 *       client of {@code rpc-service} is {@code POST <RPC_INT>/rpc-service/sayHello} with body {@code ["Ada"]},
 *       answered with the result as JSON (Jackson).</li>
 *   <li>{@link dev.apollo.rpc.RpcServer} serves an implementation of that interface: {@code POST /sayHello}, plus
 *       {@code GET /health/is_alive} for the platform.</li>
 *   <li>{@link dev.apollo.rpc.RpcContext} carries the environment of the request being served into every call
 *       made while serving it ({@code X-Apollo-Env} and {@code baggage: apollo.env=...}), so a chain of calls stays in
 *       the environment it started in. Thread pools need {@link dev.apollo.rpc.RpcContext#wrap(java.util.concurrent.Executor)}.</li>
 *   <li>A call that does not return a result throws the unchecked {@link dev.apollo.rpc.RpcException}:
 *       {@link dev.apollo.rpc.RpcTimeoutException} when no answer came in time (the method may have run),
 *       {@link dev.apollo.rpc.RpcUnavailableException} when the call reached no instance (safe to retry).</li>
 * </ul>
 *
 * Depends on nothing but the JDK and jackson-databind, so that a service stays one small jar that starts fast: the
 * JDK's HttpServer and HttpClient do the HTTP, and Jackson and the HttpClient are loaded in the background after
 * startup rather than before the first health check.
 */
package dev.apollo.rpc;
