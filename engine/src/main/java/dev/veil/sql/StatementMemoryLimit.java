package dev.veil.sql;

import dev.veil.catalog.Principals.Principal;
import dev.veil.catalog.RoleSettings;
import dev.veil.control.MemoryPool;
import dev.veil.control.StatementMemory;
import java.util.Map;

/**
 * The memory limit of a statement: the largest {@value #SETTING} among the roles of the user who
 * runs it ({@code ALTER ROLE r SET statement_memory = '256MB'}), or the server's default when none
 * of them has one. Every limit is also bounded by the server's memory pool.
 */
final class StatementMemoryLimit {
    /** The name of the role setting. */
    static final String SETTING = "statement_memory";

    private StatementMemoryLimit() {}

    /** A new memory account for a statement of {@code context}'s principal, on the process's pool. */
    static StatementMemory forStatement(StatementContext context) {
        Principal principal = context.principal();
        Map<String, String> values =
                new RoleSettings(context.warehouse().sqliteCatalog()).of(principal.roles(), SETTING);
        long limit = 0;
        String source = null;
        for (Map.Entry<String, String> e : values.entrySet()) {
            long bytes;
            try {
                bytes = Long.parseLong(e.getValue());
            } catch (NumberFormatException ignored) {
                continue; // not written by ALTER ROLE: the default applies
            }
            if (bytes > limit) {
                limit = bytes;
                source = "set for role " + e.getKey();
            }
        }
        if (source == null) {
            return StatementMemory.withDefaultLimit();
        }
        return new StatementMemory(limit, source, MemoryPool.shared());
    }
}
