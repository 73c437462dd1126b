package dev.apollo.routing;

/** What to do with a request: proxy it (to a pool of backends or to an external), or answer it with an error. */
public sealed interface Decision permits Decision.Proxied, Reject {

    /**
     * A decision the proxy carries out.
     *
     * <p>{@code environment} is the environment the request was resolved in, as requested (by host,
     * header, baggage or path), even when a fallback environment serves it: the gateway sends it to
     * the backend as {@code X-Apollo-Env}, so the calls that backend makes stay in the requested
     * environment wherever it has the next service.
     *
     * <p>{@code uri} is the path and query to send; "" sends the request's own unchanged.
     */
    sealed interface Proxied extends Decision {
        String environment();

        String uri();
    }

    /**
     * @param newClientId a client id minted for this request, to be set as the {@code apollo-client}
     *     cookie so the client stays on the same side of a weighted testbed; "" when none was minted
     */
    record Forward(BackendPool pool, String environment, String uri, String newClientId) implements Proxied {}

    /** To a 3rd-party service, at {@code uri} on its endpoint. */
    record ToExternal(ExternalEndpoint endpoint, String environment, String uri) implements Proxied {}
}
