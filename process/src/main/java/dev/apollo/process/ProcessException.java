package dev.apollo.process;

/** Something could not be done to a process: a signal not delivered, most often because the process is gone. */
public class ProcessException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ProcessException(String message) {
        super(message);
    }
}
