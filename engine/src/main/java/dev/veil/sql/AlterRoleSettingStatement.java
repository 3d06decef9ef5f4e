package dev.veil.sql;

import dev.veil.ErrorCode;
import dev.veil.VeilException;
import dev.veil.catalog.ConcurrentStatementLimits;
import dev.veil.catalog.RoleSettings;
import dev.veil.catalog.StatementTimeouts;
import dev.veil.control.MemorySize;
import dev.veil.control.StatementControl;
import dev.veil.control.StatementMemory;
import dev.veil.sql.ast.SqlAlterRoleSetting;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/**
 * Executes {@code ALTER ROLE r SET setting = 'value'} and {@code ALTER ROLE r RESET setting} (admin
 * only; {@code = DEFAULT} is the same as {@code RESET}). The settings a role can have:
 * {@value StatementMemoryLimit#SETTING}, the memory one statement of the role's users may use (a
 * size such as {@code '256MB'}), and {@value StatementTimeouts#SETTING}, how long one may run (a
 * duration such as {@code '30s'} or {@code '10min'}), and {@value ConcurrentStatementLimits#SETTING}, how
 * many statements one of them may run at once (a whole number such as {@code '4'}).
 */
final class AlterRoleSettingStatement {
    private AlterRoleSettingStatement() {}

    static UpdateCount execute(SqlAlterRoleSetting node, StatementContext context) {
        String role = SqlNames.simpleName(node.role(), "role");
        String setting = node.setting().getSimple().toLowerCase(Locale.ROOT);
        if (setting.equals(StatementTimeouts.SETTING)) {
            Optional<Duration> timeout =
                    Optional.ofNullable(node.value()).map(v -> StatementTimeouts.parse(v.getValueAs(String.class)));
            new StatementTimeouts(context.warehouse().sqliteCatalog()).set(role, timeout);
            return new UpdateCount(
                    0,
                    timeout.map(t -> "Statement time limit of role " + role + " set to " + StatementControl.format(t))
                            .orElse("Role " + role + " has the server's default " + setting + " again"));
        }
        if (setting.equals(ConcurrentStatementLimits.SETTING)) {
            Optional<Integer> limit = Optional.ofNullable(node.value())
                    .map(v -> ConcurrentStatementLimits.parse(v.getValueAs(String.class)));
            new ConcurrentStatementLimits(context.warehouse().sqliteCatalog()).set(role, limit);
            return new UpdateCount(
                    0,
                    limit.map(n -> "Users of role " + role + " may run " + n + " statements at once")
                            .orElse("Role " + role + " has the server's default " + setting + " again"));
        }
        if (!setting.equals(StatementMemoryLimit.SETTING)) {
            throw new VeilException(
                    ErrorCode.INVALID_ARGUMENT,
                    "Unknown role setting '" + setting
                            + "'; roles have the settings " + StatementMemoryLimit.SETTING + ", "
                            + StatementTimeouts.SETTING
                            + " and " + ConcurrentStatementLimits.SETTING);
        }
        RoleSettings settings = new RoleSettings(context.warehouse().sqliteCatalog());
        if (node.value() == null) {
            settings.reset(role, setting);
            return new UpdateCount(0, "Role " + role + " has the server's default " + setting + " again");
        }
        String text = node.value().getValueAs(String.class);
        long bytes = MemorySize.parse(text, setting);
        if (bytes < StatementMemory.MIN_LIMIT) {
            throw new VeilException(
                    ErrorCode.INVALID_ARGUMENT,
                    "Invalid " + setting + " '" + text + "': at least " + MemorySize.format(StatementMemory.MIN_LIMIT)
                            + " please");
        }
        settings.set(role, setting, Long.toString(bytes));
        return new UpdateCount(0, "Role " + role + " has " + setting + " " + MemorySize.format(bytes));
    }
}
