package dev.veil.policy;

import static java.util.Objects.requireNonNull;

import dev.veil.catalog.TableName;
import java.math.BigDecimal;
import java.util.Optional;

/**
 * A stored {@code SET DIFFERENTIAL PRIVACY} policy.
 *
 * @param table the table
 * @param role the role it applies to; empty for every non-admin role
 * @param params epsilon, delta and the contribution bounds
 */
public record DifferentialPrivacyPolicy(TableName table, Optional<String> role, DifferentialPrivacy params) {
    public DifferentialPrivacyPolicy {
        requireNonNull(table, "table is null");
        requireNonNull(role, "role is null");
        requireNonNull(params, "params is null");
        Scope.check(role);
    }

    /**
     * {@code DIFFERENTIAL PRIVACY (EPSILON 1, DELTA 0.00001, MAX GROUPS PER UNIT 1,
     * MAX ROWS PER UNIT PER GROUP 1)}: every parameter, defaults included, as the statement takes them
     * ({@code CONTRIBUTION BOUNDS AUTO} only when set).
     */
    public String definition() {
        return definition(params);
    }

    /** The definition of {@code params}, as in {@link #definition()}. */
    public static String definition(DifferentialPrivacy params) {
        requireNonNull(params, "params is null");
        return "DIFFERENTIAL PRIVACY (EPSILON " + number(params.epsilon()) + ", DELTA " + number(params.delta())
                + ", MAX GROUPS PER UNIT " + params.maxGroupsPerUnit() + ", MAX ROWS PER UNIT PER GROUP "
                + params.maxRowsPerUnitPerGroup() + (params.autoBounds() ? ", CONTRIBUTION BOUNDS AUTO" : "") + ")";
    }

    /**
     * A parameter as a SQL number that reads back as the same double: plain when short
     * ({@code 0.5}, {@code 0.00001}), else in E notation ({@code 1E+20}).
     */
    static String number(double value) {
        BigDecimal exact = new BigDecimal(Double.toString(value)).stripTrailingZeros();
        String plain = exact.toPlainString();
        return plain.length() <= 12 ? plain : exact.toString();
    }

    @Override
    public String toString() {
        return definition() + " on " + table + " " + Scope.describe(role);
    }
}
