package dev.veil.sql;

import java.util.List;
import java.util.OptionalDouble;

/**
 * The settings of one session that statements change and later statements read:
 * {@code SET EPSILON}, {@code SET SCHEMA}, {@code SET PURPOSE}. Shared by the statements of a session, which run one at a time; the fields
 * are volatile since a server may run consecutive statements of a session on different threads.
 */
public final class SessionSettings {
    private volatile OptionalDouble epsilon = OptionalDouble.empty();
    private volatile String schema = PlannerContext.DEFAULT_SCHEMA;
    private volatile java.util.Optional<String> purpose = java.util.Optional.empty();

    /** The purpose the session's statements run under ({@code SET PURPOSE}); empty: the user's default. */
    public java.util.Optional<String> purpose() {
        return purpose;
    }

    void setPurpose(String value) {
        this.purpose = java.util.Optional.of(java.util.Objects.requireNonNull(value, "value is null"));
    }

    /** The schema unqualified table names resolve in ({@code SET SCHEMA}, JDBC's setSchema); {@code public} at first. */
    public String schema() {
        return schema;
    }

    /**
     * Makes {@code name} the session's schema. Fails with UNKNOWN_SCHEMA (nearest name suggested)
     * unless the schema exists in {@code catalog} or is the system schema.
     */
    public void setSchema(String name, dev.veil.catalog.Catalog catalog) {
        java.util.Objects.requireNonNull(name, "name is null");
        if (!name.equals(dev.veil.schema.SystemSchema.NAME) && !catalog.schemaExists(name)) {
            throw new dev.veil.VeilException(
                    dev.veil.ErrorCode.UNKNOWN_SCHEMA,
                    "Schema '" + name + "' not found" + dev.veil.catalog.NameSuggestions.hint(name, catalog.schemas()));
        }
        this.schema = name;
    }

    /**
     * Every setting of this session that decides the shape of a plan (the schema names resolve in,
     * and the purpose, which picks consent filters), as one value with {@code equals}: part of the
     * key of {@link PlanCache}. A new setting that validation, the rewrite or the optimizer reads
     * must be added here, or two sessions that differ in it could share a plan. {@code SET EPSILON}
     * is not: it changes only the budget of each DP aggregate, which {@code PlannedQuery} applies
     * to a cached plan for each statement (with the same check as planning).
     */
    List<Object> planKey() {
        return List.of(schema, purpose);
    }

    /** The epsilon per query the session asked for, if any (otherwise the tables' policies decide). */
    public OptionalDouble epsilon() {
        return epsilon;
    }

    void setEpsilon(double value) {
        this.epsilon = OptionalDouble.of(value);
    }
}
