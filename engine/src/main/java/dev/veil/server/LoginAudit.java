package dev.veil.server;

import static java.util.Objects.requireNonNull;

import dev.veil.audit.AuditLog;
import dev.veil.audit.Decision;
import dev.veil.audit.StatementKind;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes failed and refused logins to the audit log as {@link StatementKind#LOGIN} entries: the
 * user name tried (cut to {@value #MAX_NAME_LENGTH} characters), {@code LOGIN FROM <address>} as
 * the statement, REJECTED, and the reason. Never the password. A failure to write is logged and
 * does not change the answer (the login is refused either way).
 */
final class LoginAudit {
    static final int MAX_NAME_LENGTH = 128;
    private static final Logger LOG = LoggerFactory.getLogger(LoginAudit.class);

    private final AuditLog log;

    LoginAudit(AuditLog log) {
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
