package dev.veil.schema;

import static java.util.Objects.requireNonNull;

import dev.veil.audit.AuditEntry;
import dev.veil.audit.Decision;
import dev.veil.catalog.Principals;
import dev.veil.catalog.Purposes;
import dev.veil.catalog.TableName;
import dev.veil.policy.ConsentPolicies;
import dev.veil.policy.ConsentSource;
import dev.veil.policy.TableConsent;
import dev.veil.storage.Warehouse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What audited statements read, for the admin-only transparency views: the tables, columns and
 * categories of an audit entry's {@code reads}, the units an entry touched, the rows of {@code
 * veil.data_use} and {@code veil.consent_coverage}. One instance reads each table and consent
 * source at most once.
 *
 * <p><b>Units touched</b> are estimated when asked, from the data as it is then: the units that
 * have rows, now, in a table the statement read and, if the table requires consent (now) and the
 * statement was not exempt (an admin under {@code administration}), consented at the statement's
 * time to its purpose for the categories it read from that table, by the consent rows stored now.
 * It is an upper bound of the units whose rows the statement used (its WHERE clauses, joins and
 * retention are not taken into account), and rows erased or added since change it.
 */
public final class DataUse {
    /** One column (or, for a table read for no column, the table alone) an audited statement read. */
    public record Read(TableName table, Optional<String> column, String category) {}

    private final Warehouse warehouse;
    private final UnitRowCounts units;
    private final ConsentPolicies consent;
    private final Map<TableName, TableConsent> tables = new HashMap<>();
    private final Map<TableName, Optional<ConsentRecords>> records = new HashMap<>();
    private final Map<String, OptionalInt> renewal = new HashMap<>();

    public DataUse(Warehouse warehouse) {
        this.warehouse = requireNonNull(warehouse, "warehouse is null");
        this.units = new UnitRowCounts(warehouse);
        this.consent = new ConsentPolicies(warehouse.sqliteCatalog());
        for (Purposes.Purpose p : new Purposes(warehouse.sqliteCatalog()).all()) {
            renewal.put(p.name(), p.renewalDays());
        }
    }

    /** Parses {@code schema.table.column:category, ...} (the audit's {@code reads}); unreadable items are left out. */
    public static List<Read> parse(String reads) {
        List<Read> result = new ArrayList<>();
        if (reads == null || reads.isBlank()) {
            return result;
        }
        for (String item : reads.split(", ")) {
            int colon = item.lastIndexOf(':');
            String path = colon < 0 ? item : item.substring(0, colon);
            String category = colon < 0 ? TableConsent.GENERAL : item.substring(colon + 1);
            String[] parts = path.split("\\.", 3);
            if (parts.length < 2) {
                continue;
            }
            TableName table = new TableName(parts[0], parts[1]);
            result.add(new Read(table, parts.length == 3 ? Optional.of(parts[2]) : Optional.empty(), category));
        }
        return result;
    }

    /** The categories read per table, in order of the tables' names. */
    public static Map<TableName, Set<String>> categoriesByTable(List<Read> reads) {
        Map<TableName, Set<String>> result = new TreeMap<>(java.util.Comparator.comparing(TableName::toString));
        for (Read r : reads) {
            Set<String> categories = result.computeIfAbsent(r.table(), k -> new TreeSet<>());
            if (r.column().isPresent()) {
                categories.add(r.category());
            }
        }
        return result;
    }

    /** Whether an entry's statement may have read data: it read tables and was not rejected before running. */
    public static boolean read(AuditEntry e) {
        return e.reads().isPresent() && !e.reads().get().isBlank() && e.decision() != Decision.REJECTED;
    }

    /** A table's consent rules as they are now. */
    public synchronized TableConsent consentOf(TableName table) {
        return tables.computeIfAbsent(table, consent::of);
    }

    /** The renewal period of a purpose, if it has one. */
    public OptionalInt renewalOf(String purpose) {
        return renewal.getOrDefault(purpose, OptionalInt.empty());
    }

    /** The rows of the consent source of {@code source}'s table, read once. */
    public synchronized Optional<ConsentRecords> records(Optional<ConsentSource> source) {
        if (source.isEmpty()) {
            return Optional.empty();
        }
        return records.computeIfAbsent(
                source.get().table(), t -> Optional.of(ConsentRecords.load(warehouse, source.get())));
    }

    /** The rows per unit of a table as stored now (see {@link UnitRowCounts}). */
    public Optional<Map<Object, Long>> unitRows(TableName table) {
        return units.of(table);
    }

    /**
     * Whether the rows of {@code unit} in {@code table} were visible to a statement of {@code user}
     * under {@code purpose} at {@code at} that read {@code categories} of it, by its consent rule
     * (retention aside).
     */
    public boolean visible(
            Object unit, TableName table, Set<String> categories, String user, String purpose, long at, boolean admin) {
        TableConsent rules = consentOf(table);
        if (!rules.consentRequired() || (admin && Purposes.ADMINISTRATION.equals(purpose))) {
            return true;
        }
        Optional<ConsentRecords> consents = records(rules.source());
        return purpose != null
                && consents.isPresent()
                && consents.get().consents(unit, purpose, categories, at, renewalOf(purpose));
    }

    /** The units an entry touched (see the class comment); empty if it read no table with a privacy unit. */
    public OptionalLong unitsTouched(AuditEntry e, Principals principals) {
        if (!read(e)) {
            return OptionalLong.empty();
        }
        boolean admin = principals.isAdmin(e.user());
        String purpose = e.purpose().orElse(null);
        Set<Object> touched = new HashSet<>();
        boolean any = false;
        for (Map.Entry<TableName, Set<String>> t :
                categoriesByTable(parse(e.reads().get())).entrySet()) {
            Optional<Map<Object, Long>> rows = unitRows(t.getKey());
            if (rows.isEmpty()) {
                continue;
            }
            any = true;
            for (Object unit : rows.get().keySet()) {
                if (!touched.contains(unit)
                        && visible(unit, t.getKey(), t.getValue(), e.user(), purpose, e.at(), admin)) {
                    touched.add(unit);
                }
            }
        }
        return any ? OptionalLong.of(touched.size()) : OptionalLong.empty();
    }

    /** The rows of {@code veil.data_use}: per UTC day, purpose, user, table and category, the statements. */
    public static List<Object[]> dataUse(List<AuditEntry> entries) {
        record Key(int day, String purpose, String user, String table, String category) {}
        Map<Key, Long> counts = new LinkedHashMap<>();
        for (AuditEntry e : entries) {
            if (!read(e)) {
                continue;
            }
            int day = (int) Math.floorDiv(e.at(), 86_400_000L);
            for (Map.Entry<TableName, Set<String>> t :
                    categoriesByTable(parse(e.reads().get())).entrySet()) {
                Set<String> categories = t.getValue().isEmpty() ? Set.of(TableConsent.GENERAL) : t.getValue();
                for (String category : categories) {
                    counts.merge(
                            new Key(
                                    day,
                                    e.purpose().orElse(null),
                                    e.user(),
                                    t.getKey().toString(),
                                    category),
                            1L,
                            Long::sum);
                }
            }
        }
        List<Object[]> rows = new ArrayList<>();
        counts.forEach((k, n) -> rows.add(new Object[] {k.day(), k.purpose(), k.user(), k.table(), k.category(), n}));
        return rows;
    }

    /**
     * The rows of {@code veil.consent_coverage} at {@code now}: per consent source, purpose and
     * category (the categories its rows name for the purpose, and {@code general}: a consent for
     * the purpose in any category), the units consenting, those whose consent ends within 30 days
     * (consenting now, not in 30 days, as the rows stand), and for each consent-required table of
     * that unit the rows a statement reading that category would see, of all its rows (retention
     * aside).
     */
    public List<Object[]> coverage(long now) {
        List<Object[]> rows = new ArrayList<>();
        List<String> purposes = new ArrayList<>(renewal.keySet());
        purposes.remove(Purposes.ADMINISTRATION);
        java.util.Collections.sort(purposes);
        List<TableName> required = new ArrayList<>();
        for (TableName t : new dev.veil.policy.SqlitePolicyStore(warehouse.sqliteCatalog()).tablesWithUnits()) {
            if (consentOf(t).consentRequired()) {
                required.add(t);
            }
        }
        required.sort(java.util.Comparator.comparing(TableName::toString));
        long in30 = now + 30L * 86_400_000L;
        for (ConsentSource source : consent.sources()) {
            ConsentRecords records = records(Optional.of(source)).orElseThrow();
            for (String purpose : purposes) {
                List<String> categories = new ArrayList<>();
                categories.add(TableConsent.GENERAL);
                categories.addAll(records.categoriesOf(purpose));
                for (String category : categories) {
                    Set<String> wanted = Set.of(category);
                    OptionalInt days = renewalOf(purpose);
                    Set<Object> consenting = records.consenting(purpose, wanted, now, days);
                    Set<Object> later = records.consenting(purpose, wanted, in30, days);
                    long expiring =
                            consenting.stream().filter(u -> !later.contains(u)).count();
                    rows.add(new Object[] {
                        source.table().toString(),
                        purpose,
                        category,
                        (long) consenting.size(),
                        expiring,
                        null,
                        null,
                        null,
                        null
                    });
                    for (TableName t : required) {
                        TableConsent rules = consentOf(t);
                        if (rules.source().isEmpty()
                                || !rules.source().get().table().equals(source.table())) {
                            continue;
                        }
                        Optional<Map<Object, Long>> perUnit = unitRows(t);
                        if (perUnit.isEmpty()) {
                            continue;
                        }
                        long total = warehouse
                                .catalog()
                                .table(t)
                                .map(d -> warehouse
                                        .catalog()
                                        .currentVersion(d.id())
                                        .rowCount())
                                .orElse(0L);
                        long visible = 0;
                        for (Map.Entry<Object, Long> u : perUnit.get().entrySet()) {
                            if (consenting.contains(u.getKey())) {
                                visible += u.getValue();
                            }
                        }
                        rows.add(new Object[] {
                            source.table().toString(),
                            purpose,
                            category,
                            (long) consenting.size(),
                            expiring,
                            t.toString(),
                            visible,
                            total,
                            total == 0 ? null : (double) visible / total
                        });
                    }
                }
            }
        }
        return rows;
    }
}
