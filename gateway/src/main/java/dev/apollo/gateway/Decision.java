package dev.apollo.gateway;

import java.util.Map;

/** What to do with a request: forward it to a pool, or answer it with an error. */
sealed interface Decision {

    /**
     * @param newClientId a client id minted for this request, to be set as the {@code apollo-client}
     *     cookie so the client stays on the same side of a weighted testbed; "" when none was minted
     */
    record Forward(BackendPool pool, String newClientId) implements Decision {}

    /** @param body the JSON error object, in the order its fields are written */
    record Reject(int status, Map<String, String> body) implements Decision {
        String error() {
            return body.get("error");
        }
    }
}
