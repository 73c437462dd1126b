package dev.apollo.cli;

/** The CLI's exit codes, for scripts. */
public final class ExitCodes {
    public static final int OK = 0;
    /** The operation failed: a deploy did not become healthy, the server refused, ... */
    public static final int FAILED = 1;
    /** The command line was wrong; nothing was sent. */
    public static final int USAGE = 2;
    /** No control plane answers at the address in use. */
    public static final int UNREACHABLE = 3;

    private ExitCodes() {}
}
