package dev.veil;

import static java.util.Objects.requireNonNull;

/**
 * The one exception type Veil raises for anything a user may see. Its message names the object
 * at fault (table, column, file and line, policy) and never contains a protected data value.
 */
public class VeilException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final ErrorCode errorCode;

    public VeilException(ErrorCode errorCode, String message) {
        this(errorCode, message, null);
    }

    public VeilException(ErrorCode errorCode, String message, Throwable cause) {
        super(requireNonNull(message, "message is null"), cause);
        this.errorCode = requireNonNull(errorCode, "errorCode is null");
    }

    public ErrorCode errorCode() {
        return errorCode;
    }

    /** The message as clients see it: {@code VEIL-0003 UNKNOWN_TABLE: Table 'x' not found}. */
    public String clientMessage() {
        return String.format("VEIL-%04d %s: %s", errorCode.code(), errorCode.name(), getMessage());
    }

    public static VeilException internal(String message, Throwable cause) {
        return new VeilException(ErrorCode.INTERNAL_ERROR, message, cause);
    }
}
