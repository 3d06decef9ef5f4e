package dev.veil.sql;

import static java.util.Objects.requireNonNull;

import dev.veil.ErrorCode;
import dev.veil.VeilException;
import dev.veil.catalog.Purposes;
import dev.veil.catalog.SchemaGrants;
import dev.veil.catalog.SqliteCatalog;
import dev.veil.catalog.TableGrants;
import dev.veil.catalog.TableName;
import dev.veil.catalog.Views;
import dev.veil.policy.ConsentPolicies;
import dev.veil.policy.Grantees;
import dev.veil.policy.PolicyYaml;
import dev.veil.policy.PurposeRules;
import dev.veil.policy.SchemaRules;
import dev.veil.policy.SqlitePolicyStore;
import dev.veil.policy.StoredRules;
import dev.veil.policy.TablePolicies;
import dev.veil.policy.TableRules;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The part of {@link PolicyFiles} that exports and applies the rules of a version 2 policy file
 * beyond the tables' policies: purposes with their grants and defaults, schemas' access, consent
 * and grants, and per table (or view) its grants, data categories, consent and retention. Applying
 * makes each listed purpose, schema and table exactly as the file says (what is not listed keeps
 * its rules), with the checks of the statements that set the same rules; it runs inside the
 * transaction of {@link PolicyFiles#apply}.
 */
final class PolicyFileRules {
    private final SqliteCatalog catalog;
    private final String by;

    PolicyFileRules(SqliteCatalog catalog, String by) {
        this.catalog = requireNonNull(catalog, "catalog is null");
        this.by = requireNonNull(by, "by is null");
    }

    /** The complete policy file of the warehouse: every table's policies and rules, every purpose and schema. */
    static PolicyYaml.Document document(SqlitePolicyStore store, SqliteCatalog catalog) {
        StoredRules stored = new StoredRules(catalog);
        Map<String, TablePolicies> policies = new TreeMap<>();
        for (TablePolicies p : store.all()) {
            policies.put(p.table().toString(), p);
        }
        Map<String, TableRules> rules = new TreeMap<>();
        for (TableRules r : stored.tables()) {
            rules.put(r.table().toString(), r);
        }
        Map<String, PolicyYaml.Entry> entries = new TreeMap<>();
        for (String name : policies.keySet()) {
            TablePolicies p = policies.get(name);
            entries.put(name, new PolicyYaml.Entry(name, p, rules.getOrDefault(name, TableRules.none(p.table()))));
        }
        for (TableRules r : rules.values()) {
            entries.computeIfAbsent(
                    r.table().toString(), name -> new PolicyYaml.Entry(name, TablePolicies.none(r.table()), r));
        }
        // The roles the file lists are those its policies and grants name, which the writer collects.
        return new PolicyYaml.Document(
                List.of(), stored.purposes(), stored.schemas(), List.copyOf(entries.values()), true);
    }

    // ---------------------------------------------------------------- purposes

    void applyPurposes(List<PurposeRules> purposes, String source) {
        Purposes store = new Purposes(catalog);
        for (PurposeRules p : purposes) {
            String name = p.purpose().name();
            within(source, "purposes (" + name + ")", () -> {
                store.define(p.purpose());
                Map<Purposes.Grantee, List<String>> granted = store.grantees(name);
                for (Purposes.Grantee kind : Purposes.Grantee.values()) {
                    List<String> wanted = names(p.grantedTo(), kind);
                    for (String old : granted.getOrDefault(kind, List.of())) {
                        if (!wanted.contains(old)) {
                            store.grant(false, name, kind, old);
                        }
                    }
                    for (String grantee : wanted) {
                        store.grant(true, name, kind, grantee);
                    }
                }
                Map<Purposes.Grantee, List<String>> defaults = store.defaultFor(name);
                for (Purposes.Grantee kind : Purposes.Grantee.values()) {
                    List<String> wanted = names(p.defaultFor(), kind);
                    for (String old : defaults.getOrDefault(kind, List.of())) {
                        if (!wanted.contains(old)) {
                            store.setDefault(kind, old, Optional.empty());
                        }
                    }
                    for (String principal : wanted) {
                        store.setDefault(kind, principal, Optional.of(name));
                    }
                }
            });
        }
    }

    private static List<String> names(Grantees grantees, Purposes.Grantee kind) {
        return kind == Purposes.Grantee.ROLE ? grantees.roles() : grantees.users();
    }

    // ---------------------------------------------------------------- schemas

    void applySchemas(List<SchemaRules> schemas, String source) {
        SchemaGrants grants = new SchemaGrants(catalog);
        ConsentPolicies consent = new ConsentPolicies(catalog);
        for (SchemaRules s : schemas) {
            within(source, "schemas (" + s.schema() + ")", () -> {
                if (!catalog.schemaExists(s.schema())) {
                    throw new VeilException(ErrorCode.UNKNOWN_SCHEMA, "Schema '" + s.schema() + "' not found");
                }
                grants.setRestricted(s.schema(), s.restricted(), by);
                consent.setSchemaRequired(s.schema(), s.consentRequired());
                for (SchemaGrants.Privilege privilege : SchemaGrants.Privilege.values()) {
                    Grantees wanted = privilege == SchemaGrants.Privilege.SELECT ? s.select() : s.create();
                    Grantees old = Grantees.ofKeys(grants.grantees(s.schema(), privilege));
                    for (TableGrants.Grantee kind : TableGrants.Grantee.values()) {
                        for (String name : old.of(kind)) {
                            if (!wanted.of(kind).contains(name)) {
                                grants.revoke(s.schema(), privilege, kind, name);
                            }
                        }
                        for (String name : wanted.of(kind)) {
                            grants.grant(s.schema(), privilege, kind, name, by);
                        }
                    }
                }
            });
        }
    }

    // ---------------------------------------------------------------- tables and views

    boolean isView(PolicyYaml.Entry entry) {
        return new Views(catalog).view(entry.policies().table()).isPresent();
    }

    /** A view's entry may only grant SELECT: the policies of its base tables apply through it. */
    void checkView(PolicyYaml.Entry entry) {
        TableRules rules = entry.rules();
        TableRules grantsOnly = new TableRules(
                rules.table(), false, Map.of(), false, Optional.empty(), Optional.empty(), rules.select());
        if (!entry.policies().isEmpty() || !rules.equals(grantsOnly)) {
            throw new VeilException(
                    ErrorCode.INVALID_POLICY,
                    entry.policies().table() + " is a view, which has no policies of its own (the policies of its"
                            + " base tables apply through it); its entry may only have 'select'");
        }
    }

    /** Removes a table's rules (its grants, categories, consent and retention), before {@link #apply}. */
    void clear(TableRules rules) {
        TableName table = rules.table();
        new ConsentPolicies(catalog).clear(table);
        TableGrants grants = new TableGrants(catalog);
        Set<String> keys = grants.grantees(table.schema()).getOrDefault(table.table(), Set.of());
        Grantees old = Grantees.ofKeys(keys);
        for (TableGrants.Grantee kind : TableGrants.Grantee.values()) {
            for (String name : old.of(kind)) {
                grants.revoke(table, kind, name);
            }
        }
    }

    /** Sets a table's or view's rules, once the units of the file's tables are set. */
    void apply(TableRules rules) {
        TableName table = rules.table();
        Views views = new Views(catalog);
        if (views.view(table).isPresent()) {
            Grantees old = Grantees.ofKeys(views.grantees(table.schema()).getOrDefault(table.table(), Set.of()));
            for (TableGrants.Grantee kind : TableGrants.Grantee.values()) {
                for (String name : old.of(kind)) {
                    if (!rules.select().of(kind).contains(name)) {
                        views.revoke(table, kind, name);
                    }
                }
                for (String name : rules.select().of(kind)) {
                    views.grant(table, kind, name, by);
                }
            }
            return;
        }
        ConsentPolicies consent = new ConsentPolicies(catalog);
        for (Map.Entry<String, String> e : rules.sortedCategories().entrySet()) {
            consent.setCategory(table, e.getKey(), e.getValue());
        }
        rules.consentSource().ifPresent(consent::setSource);
        if (rules.consentRequired()) {
            consent.setRequired(table, true);
        }
        rules.retention().ifPresent(r -> consent.setRetention(table, Optional.of(r)));
        TableGrants grants = new TableGrants(catalog);
        for (TableGrants.Grantee kind : TableGrants.Grantee.values()) {
            for (String name : rules.select().of(kind)) {
                grants.grant(table, kind, name, by);
            }
        }
    }

    private static void within(String source, String where, Runnable step) {
        try {
            step.run();
        } catch (VeilException e) {
            throw new VeilException(e.errorCode(), source + ": " + where + ": " + e.getMessage(), e);
        }
    }
}
