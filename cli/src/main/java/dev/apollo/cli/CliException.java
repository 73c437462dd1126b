package dev.apollo.cli;

/** A failure a command reports as {@code apollo: <message>} with a given exit code. */
public final class CliException extends RuntimeException {
    private final int exitCode;

    private CliException(String message, int exitCode) {
        super(message);
        this.exitCode = exitCode;
    }

    /** The operation was tried and did not work (exit 1). */
    public static CliException failed(String message) {
        return new CliException(message, ExitCodes.FAILED);
    }

    /** What was asked for cannot be taken, found out only once tried (exit 2, like a usage error). */
    public static CliException usage(String message) {
        return new CliException(message, ExitCodes.USAGE);
    }

    public int exitCode() {
        return exitCode;
    }
}
