package dev.veil.plan;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.stream.Collectors;

/**
 * What a consent condition ({@link ConsentCall}) asks of a row's key: the steps from the key to the
 * row's privacy unit ({@code hops}, each looked up like a {@link UnitLookup} step: the smallest
 * non-NULL value of {@code nextColumn} among the rows of {@code table} whose {@code keyColumn}
 * equals the key; none for a key that is the unit itself), and the consent the unit needs: in the
 * consent source {@code source}, for {@code purpose}, for each of {@code categories} (for the
 * purpose in any category when empty), some row granted at or before the statement time and
 * expiring after it (an expiry is mandatory, at most {@code renewalDays} after the grant, when
 * {@code renewalDays > 0}), and no row for that unit, purpose and category withdrawn at or before
 * it. Column numbers are positions in the stored tables; {@code withdrawnColumn} is -1 when the
 * source has no withdrawal column.
 */
public record ConsentSpec(
        StoredTable source,
        int unitColumn,
        int purposeColumn,
        int categoryColumn,
        int grantedColumn,
        int expiresColumn,
        int withdrawnColumn,
        String purpose,
        List<String> categories,
        int renewalDays,
        List<Hop> hops) {
    /** One lookup step: from a key of {@code keyColumn} of {@code table} to its {@code nextColumn}. */
    public record Hop(StoredTable table, int keyColumn, int nextColumn) {
        public Hop {
            requireNonNull(table, "table is null");
            if (keyColumn < 0 || nextColumn < 0) {
                throw new IllegalArgumentException("negative column");
            }
        }

        @Override
        public String toString() {
            List<String> names =
                    table.definition().columns().stream().map(c -> c.name()).toList();
            return table.definition().name() + "." + names.get(keyColumn) + "->" + names.get(nextColumn);
        }
    }

    public ConsentSpec {
        requireNonNull(source, "source is null");
        requireNonNull(purpose, "purpose is null");
        categories = List.copyOf(categories.stream().sorted().distinct().toList());
        hops = List.copyOf(hops);
        if (unitColumn < 0 || purposeColumn < 0 || categoryColumn < 0 || grantedColumn < 0 || expiresColumn < 0) {
            throw new IllegalArgumentException("negative column");
        }
        if (withdrawnColumn < -1 || renewalDays < 0) {
            throw new IllegalArgumentException("bad withdrawn column or renewal");
        }
    }

    /** What the condition checks, in words (the operator's name in plans). */
    public String describe() {
        return "CONSENT[" + source.definition().name() + " for '" + purpose + "' "
                + (categories.isEmpty()
                        ? "any category"
                        : categories.stream().collect(Collectors.joining(",", "[", "]")))
                + (renewalDays > 0 ? " renewed every " + renewalDays + " days" : "")
                + (hops.isEmpty()
                        ? ""
                        : " via " + hops.stream().map(Hop::toString).collect(Collectors.joining(", ")))
                + "]";
    }
}
