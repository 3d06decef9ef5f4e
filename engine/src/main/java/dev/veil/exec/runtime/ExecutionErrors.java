package dev.veil.exec.runtime;

import dev.veil.ErrorCode;
import dev.veil.VeilException;
import dev.veil.dp.DpException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Maps failures raised while a plan runs to Veil errors. The messages name the kind of failure
 * but never a data value, since the value may come from a protected column.
 */
public final class ExecutionErrors {
    private static final Logger LOG = LoggerFactory.getLogger(ExecutionErrors.class);

    private ExecutionErrors() {}

    public static VeilException translate(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof VeilException v) {
                return v;
            }
            if (t instanceof ArithmeticException) {
                String m = t.getMessage();
                // BigDecimal says "Division undefined" for 0 / 0, which SQL reports as a division by zero too.
                // No message: the JVM's own division by zero, which HotSpot throws preallocated and
                // without a message once compiled code has thrown it often (OmitStackTraceInFastThrow);
                // every ArithmeticException thrown by code (overflows, BigDecimal) has a message.
                if (m == null || m.contains("by zero") || m.contains("Division undefined")) {
                    return new VeilException(ErrorCode.DIVISION_BY_ZERO, "Division by zero", e);
                }
                return new VeilException(ErrorCode.NUMERIC_OUT_OF_RANGE, "Numeric value out of range", e);
            }
            if (t instanceof LinkageError && isDivisionByZero(String.valueOf(t.getMessage()))) {
                // A generated class whose constant failed once is not initialised again: a later
                // run of the same statement reports the first failure in this error's message.
                return new VeilException(ErrorCode.DIVISION_BY_ZERO, "Division by zero", e);
            }
            if (t instanceof DpException) {
                // Its message names privacy parameters and bounds, never a data value.
                return new VeilException(
                        ErrorCode.INVALID_ARGUMENT,
                        "Differential privacy parameters out of range: " + t.getMessage(),
                        e);
            }
            if (t instanceof NumberFormatException && isNotFinite(t)) {
                // BigDecimal's conversion of a floating-point NaN or infinity (a cast to an integer
                // or DECIMAL, MOD of a double): no number of the target type.
                return new VeilException(ErrorCode.NUMERIC_OUT_OF_RANGE, "Numeric value out of range", e);
            }
            if (t instanceof NumberFormatException) {
                return new VeilException(ErrorCode.DATA_EXCEPTION, "Invalid number in a CAST or conversion", e);
            }
            if (t instanceof IllegalArgumentException
                    && String.valueOf(t.getMessage()).contains("out of range")) {
                return new VeilException(ErrorCode.NUMERIC_OUT_OF_RANGE, "Numeric value out of range", e);
            }
            if (t instanceof StackOverflowError) {
                // StatementDepth stops deep statements after parsing; this is the last resort
                // for one that still recurses too deeply while planned or run.
                return new VeilException(
                        ErrorCode.STATEMENT_TOO_COMPLEX,
                        "The statement is too complex to plan or run (too deeply nested); simplify it",
                        e);
            }
            if (t instanceof OutOfMemoryError || t instanceof org.apache.arrow.memory.OutOfMemoryException) {
                // The last resort when the estimates of StatementMemory fell short: the statement
                // ends, and what it held becomes garbage once the error has unwound it.
                return new VeilException(
                        ErrorCode.MEMORY_LIMIT_EXCEEDED,
                        "The server ran out of memory while running the statement; it was stopped",
                        e);
            }
        }
        // A function's argument outside its domain (LN(0), ACOSH(0)): Calcite throws these, also
        // from a static initializer when the call is a constant (then the cause of a LinkageError).
        Throwable t = e;
        while (t instanceof LinkageError && t.getCause() != null) {
            t = t.getCause();
        }
        if (t instanceof IllegalArgumentException || t.getClass().getName().startsWith("org.apache.calcite.runtime")) {
            if (String.valueOf(t.getMessage()).contains("logarithm")) {
                return new VeilException(
                        ErrorCode.DATA_EXCEPTION, "Cannot take the logarithm of zero or a negative number", e);
            }
            return new VeilException(
                    ErrorCode.DATA_EXCEPTION,
                    "Invalid value during execution (" + t.getClass().getSimpleName() + ")",
                    e);
        }
        // A defect of Veil's: the client sees the exception's class only; the server's log (the
        // operator's, never an analyst's) keeps the stack to find it.
        LOG.error("A statement failed with an internal error", e);
        return VeilException.internal("Query failed: " + e.getClass().getSimpleName(), e);
    }

    /**
     * Whether a number format error comes from converting a double that is NaN or infinite to
     * BigDecimal: {@code new BigDecimal(double)} says so; {@code BigDecimal.valueOf(double)} parses
     * the text "NaN" or "Infinity" and says only which character it did not expect, so it is told
     * from a cast of text (which never calls {@code valueOf}) by its caller.
     */
    private static boolean isNotFinite(Throwable e) {
        if ("Infinite or NaN".equals(e.getMessage())) {
            return true;
        }
        for (StackTraceElement frame : e.getStackTrace()) {
            if (frame.getClassName().equals("java.math.BigDecimal")
                    && frame.getMethodName().equals("valueOf")) {
                return true;
            }
        }
        return false;
    }

    /** Whether a class initialisation error's message reports a division by zero (with or without its message). */
    private static boolean isDivisionByZero(String message) {
        return message.contains("ArithmeticException: / by zero") || message.contains("ArithmeticException [in thread");
    }
}
