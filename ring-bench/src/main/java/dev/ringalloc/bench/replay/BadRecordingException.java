package dev.ringalloc.bench.replay;

/**
 * A recording the replay cannot use: missing, not JFR, truncated or damaged, or without Netty's buffer
 * events. Its message is one line meant for the user, shown without a stack trace.
 */
public final class BadRecordingException extends Exception {
    private static final long serialVersionUID = 1L;

    /** With the one-line message shown to the user. */
    public BadRecordingException(String message) {
        super(message);
    }
}
