package dev.veil.server;

import dev.veil.ErrorCode;
import dev.veil.VeilException;
import java.util.List;
import java.util.UUID;
import org.apache.calcite.avatica.AvaticaSeverity;
import org.apache.calcite.avatica.NoSuchStatementException;
import org.apache.calcite.avatica.remote.AvaticaRuntimeException;
import org.apache.calcite.avatica.remote.Service.ErrorResponse;
import org.apache.calcite.avatica.remote.Service.RpcMetadataResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How errors cross the wire: as an Avatica {@code ErrorResponse} with Veil's message, error code
 * and SQLSTATE, and never a stack trace (Avatica's own handler would send the server's stack
 * traces to the client). Internal errors are logged here, with their stack trace, under a
 * reference the client's message repeats.
 */
final class WireErrors {
    private static final Logger LOG = LoggerFactory.getLogger(WireErrors.class);

    private WireErrors() {}

    /** The exception VeilMeta throws for a Veil error; Avatica's service passes it up unchanged. */
    static RuntimeException toAvatica(VeilException e) {
        VeilException reported = e;
        if (!e.errorCode().isUserError()) {
            String reference = reference();
            LOG.error("Internal error {} ({})", reference, e.errorCode(), e);
            reported = new VeilException(e.errorCode(), e.getMessage() + " (server log reference " + reference + ")");
        } else {
            LOG.debug("Statement failed: {}", e.clientMessage());
        }
        return new AvaticaRuntimeException(
                reported.clientMessage(),
                reported.errorCode().code(),
                reported.errorCode().sqlState(),
                AvaticaSeverity.ERROR);
    }

    /** The response for any failure while handling a request. */
    static ErrorResponse response(Throwable failure, RpcMetadataResponse metadata) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof AvaticaRuntimeException a) {
                return response(a.getErrorMessage(), a.getErrorCode(), a.getSqlState(), metadata);
            }
            if (t instanceof VeilException v) {
                AvaticaRuntimeException a = (AvaticaRuntimeException) toAvatica(v);
                return response(a.getErrorMessage(), a.getErrorCode(), a.getSqlState(), metadata);
            }
            if (t instanceof OutOfMemoryError) {
                return response(
                        new VeilException(
                                ErrorCode.MEMORY_LIMIT_EXCEEDED,
                                "The server ran out of memory while handling the request; it was stopped"),
                        metadata);
            }
            if (t instanceof NoSuchStatementException) {
                return response(
                        new VeilException(
                                ErrorCode.INVALID_STATEMENT,
                                "The statement is not open on the server (closed, or its connection expired)"),
                        metadata);
            }
        }
        String reference = reference();
        LOG.error("Internal error {} while handling a request", reference, failure);
        return response(
                new VeilException(
                        ErrorCode.INTERNAL_ERROR,
                        "The server failed to handle the request (server log reference " + reference + ")"),
                metadata);
    }

    /**
     * Whether a failure is none of the errors Veil reports on purpose (a Veil error, an error
     * Avatica was given, a closed statement): a bug, answered as INTERNAL_ERROR. Statements audit
     * their own errors; these the server audits.
     */
    static boolean isUnexpected(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof AvaticaRuntimeException
                    || t instanceof VeilException
                    || t instanceof NoSuchStatementException) {
                return false;
            }
        }
        return true;
    }

    /** The response for a Veil error, sent as is. */
    static ErrorResponse response(VeilException e, RpcMetadataResponse metadata) {
        return response(e.clientMessage(), e.errorCode().code(), e.errorCode().sqlState(), metadata);
    }

    private static ErrorResponse response(String message, int code, String sqlState, RpcMetadataResponse metadata) {
        return new ErrorResponse(List.of(), message, code, sqlState, AvaticaSeverity.ERROR, metadata);
    }

    private static String reference() {
        return UUID.randomUUID().toString().substring(0, 8);
    }
}
