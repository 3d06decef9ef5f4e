package dev.veil.exec.remote;

import dev.veil.catalog.RemoteKind;
import dev.veil.dp.StepGrid;
import dev.veil.plan.DpAggregate;
import dev.veil.plan.DpCall;
import dev.veil.plan.DpSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;
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
 * Which rows and groups count is decided by a keyed hash ({@link #keyedHash}: in Trino
 * {@code sha256(key || an injective binary encoding of the values)}, in PostgreSQL
 * {@code md5(key || '|' || the values as text)}) under a fresh random key per execution, bound as a
 * statement parameter ({@link RemoteRows}): a cell keeps its Linf rows of smallest hash, a unit its
 * L0 cells of smallest hash of (group, unit). Rows of no unit are not fetched (the aggregate ignores
 * them).
 *
 * <p>Why this choice is private and accurate: which of a unit's rows and cells count is a
 * deterministic function of that unit's own rows and the key only; neither the remote's row order
 * (which could depend on other units' rows), nor its random generator, nor another unit's rows
 * decide it, so adding or removing one unit changes no other unit's contribution, and the bounds
 * hold whatever the hash (Veil clamps again in any case). In Trino two rows hash alike only when
 * equal in every column the statement returns, and such rows are interchangeable (PostgreSQL's
 * text joins the values with '|', as before). The key is 128 bits from
 * {@code SecureRandom}, never part of the plan, EXPLAIN, the plan cache or a log of Veil; the hash
 * is a pseudo-random function of the row under it (SHA-256 behind a secret fixed-length prefix,
 * over an encoding in which no row's bytes are another's prefix; keyed MD5 in PostgreSQL), so a
 * cell's rows are ranked, and a unit's cells sampled, as a uniformly random permutation would,
 * which the accuracy statements assume.
 *
 * <p>When the aggregate can take pre-summed rows ({@link PreSummedAggregates#supports}), the
 * bounded rows are also summed per (group, unit) in the remote: each call's rows, clamped sum and
 * squared distances, and the aggregate is replaced by the one that takes such rows and clamps all
 * of them again; one row per (group, unit) comes back. In Trino this is one hash aggregation
 * ({@link #aggregatedSql}: every row is aggregated once; only a cell of more than Linf rows hashes
 * and sorts its own rows), elsewhere the window form ({@link #sql}, which ranks every row) summed
 * by {@link #preSummedSql}; both keep the same rows under the same key. Otherwise the aggregate
 * itself is unchanged: its own row and group sampling then finds every cell within Linf rows and
 * every unit within L0 groups and keeps them all, and only the rows fetched shrink to at most L0 ×
 * Linf per unit. Either way what is released, its noise, partition selection and the budget are
 * those of the local aggregate. An aggregate over the public domain of its groups (a marker
 * column) is left as it is.
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

        /**
         * The step grid of each call of {@code spec} (null for a count) when its aggregate can
         * take rows summed per group ({@link RemoteGroupSums}), else null.
         */
        List<StepGrid> groupGrids(DpSpec spec);

        /**
         * The aggregate of {@code spec} over {@code input} summed per group: the group keys, the
         * units, then {@value #FIELDS_PER_CALL} fields per call (rows, steps of {@code grids},
         * units with a row).
         */
        RelNode createGroupSummed(RelNode input, DpSpec spec, List<StepGrid> grids);
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
            List<SqlTypeName> types = remote.getRowType().getFieldList().stream()
                    .map(f -> f.getType().getSqlTypeName())
                    .toList();
            String sql = sql(
                    remote.kind(),
                    remote.sql(),
                    types,
                    spec.groupKeys(),
                    spec.unitField(),
                    spec.maxRowsPerUnitPerGroup(),
                    spec.groupsPerUnit());
            if (preSummed != null && preSummed.supports(spec)) {
                DpSpec summedSpec = preSummedSpec(spec);
                RelDataType rowType = preSummedRowType(remote, spec);
                String summed = remote.kind() == RemoteKind.TRINO
                        ? aggregatedSql(remote.sql(), types, spec)
                        : preSummedSql(remote.kind(), sql, spec);
                List<StepGrid> grids = preSummed.groupGrids(summedSpec);
                if (RemoteGroupSums.fits(summedSpec, grids)) {
                    // One row per group: each unit's total in steps, summed exactly in the remote.
                    String perGroup = RemoteGroupSums.sql(remote.kind(), summed, summedSpec, grids);
                    RelDataType groupRowType =
                            RemoteGroupSums.rowType(remote.getCluster().getTypeFactory(), rowType, summedSpec);
                    return preSummed.createGroupSummed(
                            oneStep(remote.withSql(perGroup, keyUses, groupRowType)), summedSpec, grids);
                }
                return preSummed.create(oneStep(remote.withSql(summed, keyUses, rowType)), summedSpec);
            }
            return physical.copy(physical.getTraitSet(), List.of(remote.withSql(sql, keyUses)));
        }
        return changed ? physical.copy(physical.getTraitSet(), bounded) : physical;
    }

    /**
     * Trino's pre-summed statement runs its aggregations in one step: the {@code array_agg} of
     * {@link #aggregatedSql} holds every row of a cell however many steps it takes, so partial
     * aggregations (before the exchange, and before a join when Trino pushes them there) only copy
     * each array again; at SF 1, Q1's statement took about 15% less of Trino's CPU time in one step.
     */
    private static EnumerableRemoteQuery oneStep(EnumerableRemoteQuery query) {
        return query.kind() == RemoteKind.TRINO ? query.withOneStepAggregation() : query;
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
        String dbl = doubleType(kind);
        List<String> select = new ArrayList<>(keys);
        for (DpCall call : spec.calls()) {
            String when = when(call, RemoteContributionBounds::column);
            select.add(when.isEmpty() ? "COUNT(*)" : "COUNT(CASE WHEN " + when + " THEN 1 END)");
            String clamped = clamped(call, RemoteContributionBounds::column, dbl);
            select.add(clamped == null ? none(dbl) : "SUM(CASE WHEN " + when + " THEN " + clamped + " END)");
            String squared = squared(call, clamped, dbl);
            select.add(squared == null ? none(dbl) : "SUM(CASE WHEN " + when + " THEN " + squared + " END)");
        }
        return "SELECT " + String.join(", ", select) + "\nFROM (" + bounded + ") AS \"r\"\nGROUP BY "
                + String.join(", ", keys);
    }

    /**
     * Trino's statement for {@link #preSummedSql} over {@code inner} (of column {@code types}), in
     * one hash aggregation instead of a window sort of every row: per (group, unit) it keeps the
     * rows' count, each call's sums over all of them, and the rows themselves (the columns other
     * than the group keys and the unit, {@code array_agg}). A cell of at most Linf rows keeps all
     * of them, so its sums are those; a larger cell keeps the Linf rows of smallest keyed hash
     * ({@code array_sort} of its own rows by {@link #keyedHash}, then {@code slice}), and its sums
     * are taken over those ({@code reduce}). Then, with group keys, each unit keeps the L0 cells of
     * smallest keyed hash of (group, unit) ({@code DENSE_RANK} over the cells, few). The rows kept
     * are those of {@link #sql}'s {@code ROW_NUMBER} and {@code DENSE_RANK} under the same key (ties
     * only between rows equal in every column, which are interchangeable), so the sums are those
     * of {@link #preSummedSql} over it. The hash of a row is computed only in a cell of more than
     * Linf rows: what a unit adds to the run time grows with its own rows only.
     */
    static String aggregatedSql(String inner, List<SqlTypeName> types, DpSpec spec) {
        int columns = types.size();
        int maxRows = spec.maxRowsPerUnitPerGroup();
        List<Integer> cellFields = new ArrayList<>(spec.groupKeys());
        cellFields.add(spec.unitField());
        List<Integer> others = IntStream.range(0, columns)
                .filter(i -> !cellFields.contains(i))
                .boxed()
                .toList();
        List<String> cell =
                cellFields.stream().map(RemoteContributionBounds::column).toList();
        String names = IntStream.range(0, columns)
                .mapToObj(RemoteContributionBounds::column)
                .collect(Collectors.joining(", "));
        String dbl = doubleType(RemoteKind.TRINO);
        // In a lambda over a cell's rows: the cell's columns from the cell, the others from x.
        IntFunction<String> inCell =
                f -> cellFields.contains(f) ? "\"c\"." + column(f) : "\"x\"[" + (others.indexOf(f) + 1) + "]";
        IntFunction<String> inKept =
                f -> cellFields.contains(f) ? "\"m\"." + column(f) : "\"x\"[" + (others.indexOf(f) + 1) + "]";
        List<String> sums = new ArrayList<>();
        List<String> outputs = new ArrayList<>();
        for (int c = 0; c < spec.calls().size(); c++) {
            DpCall call = spec.calls().get(c);
            String when = when(call, RemoteContributionBounds::column);
            String keptWhen = when(call, inKept);
            sums.add((when.isEmpty() ? "COUNT(*)" : "COUNT(CASE WHEN " + when + " THEN 1 END)") + " AS \"veil_rows" + c
                    + "\"");
            String kept = keptWhen.isEmpty()
                    ? "CAST(cardinality(\"veil_kept\") AS BIGINT)"
                    : "reduce(\"veil_kept\", BIGINT '0', (\"t\", \"x\") -> \"t\" + IF(" + keptWhen
                            + ", 1, 0), \"t\" -> \"t\")";
            outputs.add(small(maxRows, "\"veil_rows" + c + "\"", kept) + " AS \"veil_rows" + c + "\"");
            String clamped = clamped(call, RemoteContributionBounds::column, dbl);
            String squared = squared(call, clamped, dbl);
            String keptClamped = clamped(call, inKept, dbl);
            String keptSquared = squared(call, keptClamped, dbl);
            String[][] parts = {{"sum", clamped, keptClamped}, {"squares", squared, keptSquared}};
            for (String[] part : parts) {
                String name = "\"veil_" + part[0] + c + "\"";
                if (part[1] == null) {
                    outputs.add(none(dbl) + " AS " + name);
                    continue;
                }
                sums.add("SUM(CASE WHEN " + when + " THEN " + part[1] + " END) AS " + name);
                String reduced = "reduce(\"veil_kept\", " + none(dbl) + ", (\"t\", \"x\") -> IF(" + keptWhen
                        + ", COALESCE(\"t\", 0) + " + part[2] + ", \"t\"), \"t\" -> \"t\")";
                outputs.add(small(maxRows, name, reduced) + " AS " + name);
            }
        }
        String rows = others.isEmpty()
                ? "TRUE"
                : "ROW(" + others.stream().map(RemoteContributionBounds::column).collect(Collectors.joining(", "))
                        + ")";
        String cells = "SELECT " + String.join(", ", cell) + ", COUNT(*) AS \"veil_n\", " + String.join(", ", sums)
                + ", array_agg(" + rows + ") AS \"veil_all\"\nFROM (" + inner + ") AS \"q\" (" + names + ")\nWHERE "
                + column(spec.unitField()) + " IS NOT NULL\nGROUP BY " + String.join(", ", cell);
        String rowHash = keyedHash(
                RemoteKind.TRINO, types, IntStream.range(0, columns).boxed().toList(), inCell);
        String kept = "IF(\"veil_n\" <= " + maxRows + ", NULL, transform(slice(array_sort(transform(\"veil_all\","
                + " \"x\" -> ROW(" + rowHash + ", \"x\")), (\"a\", \"b\") -> IF(\"a\"[1] < \"b\"[1], -1,"
                + " IF(\"a\"[1] > \"b\"[1], 1, 0))), 1, " + maxRows + "), \"p\" -> \"p\"[2]))";
        String withKept = "SELECT \"c\".*, " + kept + " AS \"veil_kept\"\nFROM (" + cells + ") AS \"c\"";
        List<String> outputNames = new ArrayList<>(cell);
        outputs.forEach(o -> outputNames.add(o.substring(o.lastIndexOf(" AS ") + 4)));
        String summed = "SELECT " + cell.stream().map(k -> "\"m\"." + k).collect(Collectors.joining(", ")) + ", "
                + String.join(", ", outputs);
        if (spec.groupKeys().isEmpty()) {
            return summed + "\nFROM (" + withKept + ") AS \"m\"";
        }
        String cellHash = keyedHash(RemoteKind.TRINO, types, cellFields, f -> "\"m\"." + column(f));
        return "SELECT " + String.join(", ", outputNames) + "\nFROM (" + summed
                + ", DENSE_RANK() OVER (PARTITION BY \"m\"."
                + column(spec.unitField()) + " ORDER BY " + cellHash + ") AS \"veil_group\"\nFROM (" + withKept
                + ") AS \"m\") AS \"k\"\nWHERE \"veil_group\" <= " + spec.groupsPerUnit();
    }

    /** A cell's value: {@code all} (over all its rows) when it has at most {@code maxRows}, else {@code kept}. */
    private static String small(int maxRows, String all, String kept) {
        return "IF(\"m\".\"veil_n\" <= " + maxRows + ", \"m\"." + all + ", " + kept + ")";
    }

    /** The condition for a row to count in {@code call} (its filter, a value), or "" when every row counts. */
    private static String when(DpCall call, IntFunction<String> ref) {
        List<String> conditions = new ArrayList<>();
        if (call.filter() >= 0) {
            conditions.add(ref.apply(call.filter()));
        }
        if (call.argument() >= 0) {
            conditions.add(ref.apply(call.argument()) + " IS NOT NULL");
        }
        return String.join(" AND ", conditions);
    }

    /** A row's value clamped to the call's bounds, or null for a count. */
    private static String clamped(DpCall call, IntFunction<String> ref, String dbl) {
        if (call.kind().isCount()) {
            return null;
        }
        return "LEAST(GREATEST(CAST(" + ref.apply(call.argument()) + " AS " + dbl + "), " + literal(call.lower(), dbl)
                + "), " + literal(call.upper(), dbl) + ")";
    }

    /** The squared distance of {@code clamped} to the middle of the bounds, or null when the call needs none. */
    private static String squared(DpCall call, String clamped, String dbl) {
        if (call.kind() != DpCall.Kind.VAR_POP && call.kind() != DpCall.Kind.STDDEV_POP) {
            return null;
        }
        String deviation = "(" + clamped + " - " + literal(call.lower() / 2 + call.upper() / 2, dbl) + ")";
        return deviation + " * " + deviation;
    }

    private static String doubleType(RemoteKind kind) {
        return kind == RemoteKind.TRINO ? "DOUBLE" : "DOUBLE PRECISION";
    }

    private static String none(String dbl) {
        return "CAST(NULL AS " + dbl + ")";
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
     * The bounded statement over {@code inner} (whose output columns, of {@code types}, are renamed
     * {@code veil_c0, veil_c1, ...}): its rows of a non-null unit, at most {@code maxRows} per
     * (group, unit) and, with group keys, at most {@code maxGroups} groups per unit, each chosen by
     * the smallest keyed hashes. Every {@code ?} is the per-execution key.
     */
    static String sql(
            RemoteKind kind,
            String inner,
            List<SqlTypeName> types,
            List<Integer> groupKeys,
            int unit,
            int maxRows,
            int maxGroups) {
        int columns = types.size();
        List<String> all = IntStream.range(0, columns)
                .mapToObj(RemoteContributionBounds::column)
                .toList();
        String names = String.join(", ", all);
        List<Integer> cellFields = new ArrayList<>(groupKeys);
        cellFields.add(unit);
        List<String> groupAndUnit = cellFields.stream().map(all::get).toList();
        StringBuilder sql = new StringBuilder("SELECT ")
                .append(names)
                .append("\nFROM (SELECT \"q\".*, ROW_NUMBER() OVER (PARTITION BY ")
                .append(String.join(", ", groupAndUnit))
                .append(" ORDER BY ")
                .append(keyedHash(
                        kind, types, IntStream.range(0, columns).boxed().toList(), RemoteContributionBounds::column))
                .append(") AS \"veil_row\"");
        if (!groupKeys.isEmpty()) {
            sql.append(", DENSE_RANK() OVER (PARTITION BY ")
                    .append(all.get(unit))
                    .append(" ORDER BY ")
                    .append(keyedHash(kind, types, cellFields, RemoteContributionBounds::column))
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

    /**
     * The keyed hash of the values of {@code fields} (of {@code types}, each read by {@code ref}),
     * with the key as a parameter. In Trino {@code sha256(key || encoding)}: the key is 32 hex
     * characters, and the encoding of the values is injective (per value a marker byte for NULL or
     * not, then integers as 8 big-endian bytes, floating-point numbers as their 8 IEEE bytes, any
     * other value as the UTF-8 of its text prefixed by its length), so two rows hash alike only when
     * equal in every column; SHA-256 with a secret fixed-length prefix over such inputs is a
     * pseudo-random function of them. In PostgreSQL {@code md5(key || '|' || values as text)}.
     */
    static String keyedHash(RemoteKind kind, List<SqlTypeName> types, List<Integer> fields, IntFunction<String> ref) {
        return switch (kind) {
            case TRINO ->
                "sha256(to_utf8(?) || "
                        + fields.stream()
                                .map(f -> "COALESCE(X'01' || " + encoding(types.get(f), ref.apply(f)) + ", X'00')")
                                .collect(Collectors.joining(" || "))
                        + ")";
            case POSTGRESQL ->
                "md5(CAST(? AS VARCHAR) || '|' || "
                        + fields.stream()
                                .map(f -> "COALESCE(CAST(" + ref.apply(f) + " AS VARCHAR), '~')")
                                .collect(Collectors.joining(" || '|' || "))
                        + ")";
        };
    }

    /** Trino: the bytes of a non-null value of {@code type}, distinct for distinct values of the type. */
    private static String encoding(SqlTypeName type, String value) {
        return switch (type) {
            case TINYINT, SMALLINT, INTEGER, BIGINT -> "to_big_endian_64(CAST(" + value + " AS BIGINT))";
            case REAL, FLOAT, DOUBLE -> "to_ieee754_64(CAST(" + value + " AS DOUBLE))";
            default -> {
                String text = "to_utf8(CAST(" + value + " AS VARCHAR))";
                yield "to_big_endian_64(length(" + text + ")) || " + text;
            }
        };
    }
}
