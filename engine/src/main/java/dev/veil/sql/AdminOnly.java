package dev.veil.sql;

import dev.veil.ErrorCode;
import dev.veil.VeilException;
import dev.veil.catalog.Principals;

/**
 * The admin check: it denies unless the user holds the admin role. {@link StatementRegistry} runs it
 * for every statement whose entry needs {@link Privilege#ADMIN}; {@link PolicyFiles} for policy files.
 */
final class AdminOnly {
    private AdminOnly() {}

    /** The warehouse's principals, once {@code context.user()} is known to be an admin. */
    static Principals require(StatementContext context, String statement) {
        Principals principals = new Principals(context.warehouse().sqliteCatalog());
        if (!principals.isAdmin(context.user())) {
            throw new VeilException(
                    ErrorCode.ACCESS_DENIED,
                    statement + " requires the admin role; user '" + context.user() + "' does not have it");
        }
        return principals;
    }
}
