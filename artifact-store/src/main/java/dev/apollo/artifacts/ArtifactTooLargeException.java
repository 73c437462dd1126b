package dev.apollo.artifacts;

import dev.apollo.core.ApolloException;

/** An artifact went over the store's size limit while it was being received; nothing was stored. */
public final class ArtifactTooLargeException extends ApolloException.TooLarge {
    private final long limitBytes;

    public ArtifactTooLargeException(String what, long limitBytes) {
        super(what + " is larger than the maximum artifact size of " + Sizes.describe(limitBytes)
                + "; nothing was stored. Make the jar smaller or raise the artifact store's max artifact size.");
        this.limitBytes = limitBytes;
    }

    public long limitBytes() {
        return limitBytes;
    }
}
