package dev.veil.exec.remote;

import dev.veil.catalog.RemoteKind;
import dev.veil.plan.DpAggregate;
import dev.veil.plan.DpCall;
import dev.veil.plan.DpSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.rel.type.RelDataTypeField;
import org.apache.calcite.sql.type.SqlTypeName;

/**
 * Moves the contribution bounding of a differentially private aggregate into the remote statement
 * that feeds it: when a DP aggregate reads straight from a remote query, that query is wrapped so
 * the remote returns, per unit, at most L0 of its groups and per (group, unit) at most Linf rows.
 * Which rows and groups count is decided by a keyed hash ({@code hmac_sha256} in Trino,
 * {@code md5(key || ...)} in PostgreSQL) under a fresh random key per execution, bound as a
 * statement parameter ({@link RemoteRows}); so neither the remote's row order nor its random
 * generator chooses them, the key is never part of the plan, EXPLAIN, the plan cache or a log of
 * Veil, and the hash ranks a unit's rows as a uniformly random permutation would. Rows of no unit
 * are not fetched (the aggregate ignores them).
 *
 * <p>When the aggregate can take pre-summed rows ({@link PreSummedAggregates#supports}), the
 * bounded statement is also grouped by (group keys, unit) in the remote, each call's rows, clamped
 * sum and squared distances summed ({@link #preSummedSql}), and the aggregate is replaced by the
 * one that takes such rows and clamps all of them again; one row per (group, unit) comes back.
 * Otherwise the aggregate itself is unchanged: its own row and group sampling then finds every
 * cell within Linf rows and every unit within L0 groups and keeps them all, and only the rows
 * fetched shrink to at most L0 × Linf per unit. Either way what is released, its noise, partition
 * selection and the budget are those of the local aggregate. An aggregate over the public domain
 * of its groups (a marker column) is left as it is.
 */
public final class RemoteContributionBounds {
    private RemoteContributionBounds() {}

    /**
     * Builds the DP aggregate that takes rows summed per (group, unit) ({@code exec.privacy}'s),
     * for the optimizer to hand to {@link #apply}: this package cannot name it.
     */
    public interface PreSummedAggregates {
        /** Whether the aggregate of {@code spec} can take pre-summed rows. */
        boolean supports(DpSpec spec);

        /**
         * The aggregate of {@code spec} over pre-summed {@code input}: the group keys, the unit,
         * then {@value #FIELDS_PER_CALL} fields per call from its argument (its rows, their
         * clamped sum, their squared distances to the middle of its bounds).
         */
        RelNode create(RelNode input, DpSpec spec);
    }

    /** The fields of one call's partial aggregate in a pre-summed row. */
    public static final int FIELDS_PER_CALL = 3;

    /**
     * {@code physical} with the remote input of each DP aggregate bounded remotely and, when
     * {@code preSummed} (may be null) supports the aggregate, summed per (group, unit) remotely too.
     */
    public static RelNode apply(RelNode physical, PreSummedAggregates preSummed) {
        List<RelNode> inputs = physical.getInputs();
        List<RelNode> bounded = new ArrayList<>(inputs.size());
        boolean changed = false;
        for (RelNode input : inputs) {
            RelNode b = apply(input, preSummed);
            bounded.add(b);
            changed |= b != input;
        }
        if (physical instanceof DpAggregate dp
                && bounded.get(0) instanceof EnumerableRemoteQuery remote
                && remote.keyUses() == 0
                && dp.spec().domainMarker() < 0) {
            DpSpec spec = dp.spec();
            int keyUses = spec.groupKeys().isEmpty() ? 1 : 2;
            String sql = sql(
                    remote.kind(),
                    remote.sql(),
                    remote.getRowType().getFieldCount(),
                    spec.groupKeys(),
                    spec.unitField(),
                    spec.maxRowsPerUnitPerGroup(),
                    spec.groupsPerUnit());
            if (preSummed != null && preSummed.supports(spec)) {
                DpSpec summedSpec = preSummedSpec(spec);
                RelDataType rowType = preSummedRowType(remote, spec);
                return preSummed.create(
                        remote.withSql(preSummedSql(remote.kind(), sql, spec), keyUses, rowType), summedSpec);
            }
            return physical.copy(physical.getTraitSet(), List.of(remote.withSql(sql, keyUses)));
        }
        return changed ? physical.copy(physical.getTraitSet(), bounded) : physical;
    }

    /**
     * The statement that sums {@code bounded} (columns {@code veil_c0, ...}) per (group, unit): the
     * group keys, the unit, and per call its rows, the sum of their values clamped to its bounds and
     * the sum of their squared distances to the middle of the bounds (NULL where the call needs
     * none). Veil clamps all of it again: the remote is trusted for speed, never for the bounds.
     */
    static String preSummedSql(RemoteKind kind, String bounded, DpSpec spec) {
        List<String> keys = new ArrayList<>();
        spec.groupKeys().forEach(k -> keys.add(column(k)));
        keys.add(column(spec.unitField()));
        String dbl = kind == RemoteKind.TRINO ? "DOUBLE" : "DOUBLE PRECISION";
        String none = "CAST(NULL AS " + dbl + ")";
        List<String> select = new ArrayList<>(keys);
        for (DpCall call : spec.calls()) {
            List<String> conditions = new ArrayList<>();
            if (call.filter() >= 0) {
                conditions.add(column(call.filter()));
            }
            if (call.argument() >= 0) {
                conditions.add(column(call.argument()) + " IS NOT NULL");
            }
            String when = String.join(" AND ", conditions);
            select.add(when.isEmpty() ? "COUNT(*)" : "COUNT(CASE WHEN " + when + " THEN 1 END)");
            if (call.kind().isCount()) {
                select.add(none);
                select.add(none);
                continue;
            }
            String clamped = "LEAST(GREATEST(CAST(" + column(call.argument()) + " AS " + dbl + "), "
                    + literal(call.lower(), dbl) + "), " + literal(call.upper(), dbl) + ")";
            select.add("SUM(CASE WHEN " + when + " THEN " + clamped + " END)");
            if (call.kind() == DpCall.Kind.VAR_POP || call.kind() == DpCall.Kind.STDDEV_POP) {
                String deviation = "(" + clamped + " - " + literal(call.lower() / 2 + call.upper() / 2, dbl) + ")";
                select.add("SUM(CASE WHEN " + when + " THEN " + deviation + " * " + deviation + " END)");
            } else {
                select.add(none);
            }
        }
        return "SELECT " + String.join(", ", select) + "\nFROM (" + bounded + ") AS \"r\"\nGROUP BY "
                + String.join(", ", keys);
    }

    /** The spec of the same aggregate over the pre-summed rows of {@link #preSummedSql}. */
    static DpSpec preSummedSpec(DpSpec spec) {
        int keys = spec.groupKeys().size();
        List<DpCall> calls = new ArrayList<>();
        for (int c = 0; c < spec.calls().size(); c++) {
            DpCall call = spec.calls().get(c);
            calls.add(new DpCall(
                    call.kind(),
                    keys + 1 + FIELDS_PER_CALL * c,
                    -1,
                    call.lower(),
                    call.upper(),
                    call.rank(),
                    call.integral(),
                    call.label(),
                    call.wholeValues(),
                    call.groupLower(),
                    call.groupUpper()));
        }
        return new DpSpec(
                IntStream.range(0, keys).boxed().toList(),
                keys,
                calls,
                spec.maxGroupsPerUnit(),
                spec.maxRowsPerUnitPerGroup(),
                spec.partitionSelection(),
                spec.preThreshold(),
                spec.epsilon(),
                spec.delta(),
                spec.tables(),
                -1,
                spec.release(),
                spec.autoBounds());
    }

    private static RelDataType preSummedRowType(EnumerableRemoteQuery remote, DpSpec spec) {
        RelDataTypeFactory types = remote.getCluster().getTypeFactory();
        List<RelDataTypeField> fields = remote.getRowType().getFieldList();
        RelDataTypeFactory.Builder builder = types.builder();
        for (int k : spec.groupKeys()) {
            builder.add("veil_c" + k, fields.get(k).getType());
        }
        builder.add("veil_c" + spec.unitField(), fields.get(spec.unitField()).getType());
        RelDataType rows = types.createTypeWithNullability(types.createSqlType(SqlTypeName.BIGINT), true);
        RelDataType dbl = types.createTypeWithNullability(types.createSqlType(SqlTypeName.DOUBLE), true);
        for (int c = 0; c < spec.calls().size(); c++) {
            builder.add("veil_rows" + c, rows);
            builder.add("veil_sum" + c, dbl);
            builder.add("veil_squares" + c, dbl);
        }
        return builder.build();
    }

    private static String column(int field) {
        return "\"veil_c" + field + "\"";
    }

    private static String literal(double value, String type) {
        return "CAST(" + Double.toString(value) + " AS " + type + ")";
    }

    /**
     * The bounded statement over {@code inner} (whose {@code columns} output columns are renamed
     * {@code veil_c0, veil_c1, ...}): its rows of a non-null unit, at most {@code maxRows} per
     * (group, unit) and, with group keys, at most {@code maxGroups} groups per unit, each chosen by
     * the smallest keyed hashes. Every {@code ?} is the per-execution key.
     */
    static String sql(
            RemoteKind kind, String inner, int columns, List<Integer> groupKeys, int unit, int maxRows, int maxGroups) {
        List<String> all =
                IntStream.range(0, columns).mapToObj(i -> "\"veil_c" + i + "\"").toList();
        String names = String.join(", ", all);
        List<String> groupAndUnit = new ArrayList<>();
        groupKeys.forEach(k -> groupAndUnit.add(all.get(k)));
        groupAndUnit.add(all.get(unit));
        StringBuilder sql = new StringBuilder("SELECT ")
                .append(names)
                .append("\nFROM (SELECT \"q\".*, ROW_NUMBER() OVER (PARTITION BY ")
                .append(String.join(", ", groupAndUnit))
                .append(" ORDER BY ")
                .append(keyedHash(kind, all))
                .append(") AS \"veil_row\"");
        if (!groupKeys.isEmpty()) {
            sql.append(", DENSE_RANK() OVER (PARTITION BY ")
                    .append(all.get(unit))
                    .append(" ORDER BY ")
                    .append(keyedHash(kind, groupAndUnit))
                    .append(") AS \"veil_group\"");
        }
        sql.append("\nFROM (")
                .append(inner)
                .append(") AS \"q\" (")
                .append(names)
                .append(")\nWHERE ")
                .append(all.get(unit))
                .append(" IS NOT NULL) AS \"b\"\nWHERE \"veil_row\" <= ")
                .append(maxRows);
        if (!groupKeys.isEmpty()) {
            sql.append(" AND \"veil_group\" <= ").append(maxGroups);
        }
        return sql.toString();
    }

    /** The keyed hash of the values of {@code columns}, with the key as a parameter. */
    private static String keyedHash(RemoteKind kind, List<String> columns) {
        String text = columns.stream()
                .map(c -> "COALESCE(CAST(" + c + " AS VARCHAR), '~')")
                .collect(Collectors.joining(" || '|' || "));
        return switch (kind) {
            case TRINO -> "hmac_sha256(to_utf8(" + text + "), to_utf8(?))";
            case POSTGRESQL -> "md5(CAST(? AS VARCHAR) || '|' || " + text + ")";
        };
    }
}
