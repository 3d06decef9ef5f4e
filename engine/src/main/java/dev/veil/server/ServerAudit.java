package dev.veil.server;

import static java.util.Objects.requireNonNull;

import dev.veil.audit.AuditLog;
import dev.veil.audit.Decision;
import dev.veil.audit.StatementKind;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the server itself writes to the audit log (statements are audited by their session).
 * Failed and refused logins are {@link StatementKind#LOGIN} entries: the user name tried (cut to
 * {@value #MAX_NAME_LENGTH} characters), {@code LOGIN FROM <address>} as the statement, REJECTED,
 * and the reason; never the password. A request that failed unexpectedly outside any statement
 * (an internal error) is a FAILED entry naming the request type. A failure to write is logged
 * and does not change the answer.
 */
final class ServerAudit {
    static final int MAX_NAME_LENGTH = 128;
    private static final Logger LOG = LoggerFactory.getLogger(ServerAudit.class);

    private final AuditLog log;

    ServerAudit(AuditLog log) {
        this.log = requireNonNull(log, "log is null");
    }

    /** A login whose password check failed. */
    void failed(String user, String address, String reason) {
        record(user, address, reason);
    }

    /** A login refused before its password check, because its name or address is locked. */
    void refused(String user, String address, String reason) {
        record(user, address, reason);
    }

    /** A request of {@code user} that failed with an internal error outside any statement's own audit. */
    void requestFailed(String user, String requestType, String message) {
        try {
            log.record(shown(user), StatementKind.STATEMENT, requestType + " request", Decision.FAILED, message);
        } catch (RuntimeException e) {
            LOG.error("Cannot audit a failed {} request of user '{}'", requestType, shown(user), e);
        }
    }

    /** The user name as logs and audit entries show it: at most {@value #MAX_NAME_LENGTH} characters. */
    static String shown(String user) {
        return user.length() <= MAX_NAME_LENGTH ? user : user.substring(0, MAX_NAME_LENGTH) + "...";
    }

    private void record(String user, String address, String reason) {
        try {
            log.record(shown(user), StatementKind.LOGIN, "LOGIN FROM " + address, Decision.REJECTED, reason);
        } catch (RuntimeException e) {
            LOG.error("Cannot audit a failed login of user '{}' from {}", shown(user), address, e);
        }
    }
}
