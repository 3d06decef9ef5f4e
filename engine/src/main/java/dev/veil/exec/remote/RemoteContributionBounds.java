package dev.veil.exec.remote;

import dev.veil.catalog.RemoteKind;
import dev.veil.plan.DpAggregate;
import dev.veil.plan.DpSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.calcite.rel.RelNode;

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
 * <p>The aggregate itself is unchanged: its own row and group sampling then finds every cell
 * within Linf rows and every unit within L0 groups and keeps them all, so what is released, its
 * noise, partition selection and the budget stay exactly as for local rows; only the rows fetched
 * shrink to at most L0 × Linf per unit. An aggregate over the public domain of its groups (a
 * marker column) is left as it is.
 */
public final class RemoteContributionBounds {
    private RemoteContributionBounds() {}

    /** {@code physical} with the remote input of each DP aggregate bounded remotely. */
    public static RelNode apply(RelNode physical) {
        List<RelNode> inputs = physical.getInputs();
        List<RelNode> bounded = new ArrayList<>(inputs.size());
        boolean changed = false;
        for (RelNode input : inputs) {
            RelNode b = apply(input);
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
            return physical.copy(physical.getTraitSet(), List.of(remote.withSql(sql, keyUses)));
        }
        return changed ? physical.copy(physical.getTraitSet(), bounded) : physical;
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
