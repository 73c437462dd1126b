package dev.apollo.server.secrets;

import dev.apollo.core.ApolloException;
import dev.apollo.core.config.SecretInfo;
import dev.apollo.core.config.VariableName;
import dev.apollo.core.model.EnvironmentName;
import dev.apollo.core.model.ServiceName;
import dev.apollo.core.port.Store;
import java.time.Instant;

/**
 * Secrets in and out of the store: sealed on the way in, opened only to start an instance. No
 * other path of the control plane ever holds a secret's value.
 */
public final class SecretVault {
    /** Large enough for a certificate chain or a key file; a secret is not a data store. */
    public static final int MAX_VALUE_BYTES = 64 * 1024;

    private final Store store;
    private final SecretBox box;

    public SecretVault(Store store, SecretBox box) {
        this.store = store;
        this.box = box;
    }

    /** Stores a new version of a secret. */
    public SecretInfo set(EnvironmentName environment, ServiceName service, VariableName name, String value, Instant at) {
        if (value.isEmpty()) {
            throw new ApolloException.Invalid("secret " + name + " is empty; give its value on standard input or with"
                    + " --from-file FILE.");
        }
        if (value.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > MAX_VALUE_BYTES || value.indexOf('\0') >= 0) {
            throw new ApolloException.Invalid("secret " + name + ": expected at most " + MAX_VALUE_BYTES / 1024
                    + " KiB of text without NUL (it becomes an environment variable).");
        }
        return store.putSecret(environment, service, name, box.seal(value, context(environment, service, name)), at);
    }

    /** The value of one version of a secret, for an instance's environment. */
    public String value(EnvironmentName environment, ServiceName service, VariableName name, int version) {
        byte[] sealed = store.sealedSecret(environment, service, name, version).orElseThrow(() -> new ApolloException.NotFound(
                "secret " + name + " v" + version + " of " + service + " in " + environment + " is gone; set it again"
                        + " (apollo secret set " + service + " " + name + " -e " + environment + ") and restart the service."));
        return box.open(sealed, context(environment, service, name));
    }

    private static String context(EnvironmentName environment, ServiceName service, VariableName name) {
        return environment + "/" + service + "/" + name;
    }
}
