package dev.ringalloc.core;

/**
 * Thrown by the allocating methods ({@code fixed}, {@code extendable}, and writes that grow an
 * extendable buffer) when the ring has no free run large enough right now. The ring is unchanged and
 * usable; the request may succeed once buffers are released. The {@code try} variants return
 * {@code null} instead and allocate nothing on failure. Carries no stack trace: it is a capacity
 * signal, not a bug report.
 */
public final class RingFullException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** Creates the exception with a message saying what was asked of which ring. */
    public RingFullException(String message) {
        super(message, null, false, false);
    }
}
