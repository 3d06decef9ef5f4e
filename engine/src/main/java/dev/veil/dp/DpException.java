package dev.veil.dp;

/**
 * An invalid argument to a differential-privacy primitive: a privacy parameter, bound or
 * confidence level outside its domain. The message names the parameter and the offending value
 * (parameters, never data values).
 *
 * <p>{@code dev.veil.dp} depends on nothing else in Veil, so it has its own exception; callers
 * translate it into a user-facing error where one is due.
 */
public final class DpException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public DpException(String message) {
        super(message);
    }
}
