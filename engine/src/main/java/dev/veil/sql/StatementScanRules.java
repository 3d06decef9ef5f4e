package dev.veil.sql;

import dev.veil.ErrorCode;
import dev.veil.VeilException;
import dev.veil.catalog.ForeignTableDef;
import dev.veil.catalog.ForeignTables;
import dev.veil.catalog.Principals.Principal;
import dev.veil.catalog.Purposes;
import dev.veil.catalog.TableDef;
import dev.veil.catalog.TableName;
import dev.veil.plan.StoredTable;
import dev.veil.policy.ConsentPolicies;
import dev.veil.rewrite.ScanRules;
import dev.veil.schema.ArrowTable;
import dev.veil.schema.ForeignTable;
import java.util.Optional;

/**
 * The purpose a statement runs under and the consent and retention rules its scans obey: the
 * session's {@code SET PURPOSE} if any, else the principal's default ({@link Purposes#defaultOf}),
 * checked again when the statement runs (a purpose revoked since {@code SET PURPOSE} is refused with
 * PURPOSE_NOT_GRANTED); the statement time is that of its controls.
 */
final class StatementScanRules {
    private StatementScanRules() {}

    /** The purpose {@code principal}'s statement runs under in {@code context}; empty if none. */
    static Optional<String> purpose(StatementContext context, Principal principal) {
        Purposes purposes = new Purposes(context.warehouse().sqliteCatalog());
        Optional<String> set = context.settings().purpose();
        if (set.isPresent()) {
            if (!purposes.allowed(principal, set.get())) {
                throw notGranted(set.get());
            }
            return set;
        }
        return purposes.defaultOf(principal);
    }

    static ScanRules of(StatementContext context, Principal principal) {
        Optional<String> purpose = purpose(context, principal);
        Purposes purposes = new Purposes(context.warehouse().sqliteCatalog());
        int renewal = purpose.isEmpty()
                ? 0
                : purposes.all().stream()
                        .filter(p -> p.name().equals(purpose.get()))
                        .mapToInt(p -> p.renewalDays().orElse(0))
                        .findFirst()
                        .orElse(0);
        boolean exempt = principal.isAdmin()
                && purpose.filter(Purposes.ADMINISTRATION::equals).isPresent();
        ConsentPolicies consent = new ConsentPolicies(context.warehouse().sqliteCatalog());
        return new ScanRules(
                purpose,
                exempt,
                renewal,
                context.control().statementTime(),
                consent::of,
                name -> stored(context, name));
    }

    /**
     * The table {@code name} as stored: a foreign table for one in a remote database (never an
     * empty local table in its place, whose lookups would find no row), else the local table.
     */
    private static Optional<StoredTable> stored(StatementContext context, TableName name) {
        Optional<TableDef> def = context.warehouse().catalog().table(name);
        return def.map(d -> {
            var version = context.warehouse().catalog().currentVersion(d.id());
            Optional<ForeignTableDef> remote =
                    new ForeignTables(context.warehouse().sqliteCatalog()).foreignTable(d.id());
            return remote.isPresent()
                    ? new ForeignTable(
                            d,
                            version,
                            remote.get(),
                            context.warehouse().remotes().get(remote.get().connection()))
                    : new ArrowTable(context.warehouse(), d, version);
        });
    }

    /**
     * Refuses a non-admin statement that reads a consent source: whether a person consented to
     * what is itself personal data, for admins only (ACCESS_DENIED, whatever the data).
     */
    static void checkConsentSources(
            org.apache.calcite.rel.RelNode logical, Principal principal, StatementContext context) {
        if (principal.isAdmin()) {
            return;
        }
        java.util.Set<TableName> sources = null;
        for (org.apache.calcite.plan.RelOptTable table : org.apache.calcite.plan.RelOptUtil.findAllTables(logical)) {
            java.util.List<String> name = table.getQualifiedName();
            if (name.size() != 2) {
                continue;
            }
            if (sources == null) {
                sources = new java.util.HashSet<>();
                for (var source : new ConsentPolicies(context.warehouse().sqliteCatalog()).sources()) {
                    sources.add(source.table());
                }
            }
            TableName t = new TableName(name.get(0), name.get(1));
            if (sources.contains(t)) {
                throw new VeilException(
                        ErrorCode.ACCESS_DENIED, "Table '" + t + "' is a consent source; only admins read it");
            }
        }
    }

    /**
     * What {@code plan} reads, for the audit: {@code schema.table.column:category} for every column
     * it uses in any clause ({@code ColumnUse}), sorted, comma-separated; a table read for no column
     * (COUNT(*)) appears as {@code schema.table}.
     */
    static String reads(org.apache.calcite.rel.RelNode plan, ScanRules rules) {
        java.util.List<String> items = new java.util.ArrayList<>();
        for (var entry : dev.veil.rewrite.ColumnUse.of(plan).entrySet()) {
            if (entry.getKey().schema().equals(dev.veil.schema.SystemSchema.NAME)) {
                continue;
            }
            var consent = rules.of(entry.getKey());
            if (entry.getValue().isEmpty()) {
                items.add(entry.getKey().toString());
            }
            for (String column : entry.getValue()) {
                items.add(entry.getKey() + "." + column + ":" + consent.category(column));
            }
        }
        java.util.Collections.sort(items);
        return String.join(", ", items);
    }

    static VeilException notGranted(String purpose) {
        return new VeilException(
                ErrorCode.PURPOSE_NOT_GRANTED,
                "Purpose '" + purpose + "' is not granted to you; an admin grants it with GRANT PURPOSE " + purpose
                        + " TO USER ... (SELECT * FROM veil.purposes lists the purposes you may use)");
    }
}
