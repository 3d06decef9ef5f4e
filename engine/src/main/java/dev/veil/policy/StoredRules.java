package dev.veil.policy;

import static java.util.Objects.requireNonNull;

import dev.veil.catalog.Purposes;
import dev.veil.catalog.SchemaGrants;
import dev.veil.catalog.SqliteCatalog;
import dev.veil.catalog.TableDef;
import dev.veil.catalog.TableGrants;
import dev.veil.catalog.ViewDef;
import dev.veil.catalog.Views;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads the rules a policy file holds besides {@link TablePolicies}, as stored: per table and
 * view ({@link TableRules}), per schema ({@link SchemaRules}) and per purpose ({@link
 * PurposeRules}). Only those that say something are listed, tables and schemas in name order.
 */
public final class StoredRules {
    private final SqliteCatalog catalog;

    public StoredRules(SqliteCatalog catalog) {
        this.catalog = requireNonNull(catalog, "catalog is null");
    }

    /** The rules of every table and view that has any. */
    public List<TableRules> tables() {
        ConsentPolicies consent = new ConsentPolicies(catalog);
        SqlitePolicyStore policies = new SqlitePolicyStore(catalog);
        TableGrants tableGrants = new TableGrants(catalog);
        Views views = new Views(catalog);
        List<TableRules> result = new ArrayList<>();
        for (String schema : catalog.schemas()) {
            Map<String, Set<String>> grants = tableGrants.grantees(schema);
            for (TableDef def : catalog.tables(schema)) {
                TableRules declared = consent.declared(def.name());
                TableRules rules = new TableRules(
                        def.name(),
                        policies.setsNullOnErase(def.name()),
                        declared.categories(),
                        declared.consentRequired(),
                        declared.consentSource(),
                        declared.retention(),
                        Grantees.ofKeys(grants.getOrDefault(def.name().table(), Set.of())));
                if (!rules.isEmpty()) {
                    result.add(rules);
                }
            }
            Map<String, Set<String>> viewGrants = views.grantees(schema);
            for (ViewDef view : views.views(schema)) {
                Set<String> keys = viewGrants.getOrDefault(view.name().table(), Set.of());
                if (!keys.isEmpty()) {
                    TableRules none = TableRules.none(view.name());
                    result.add(new TableRules(
                            view.name(),
                            false,
                            none.categories(),
                            false,
                            none.consentSource(),
                            none.retention(),
                            Grantees.ofKeys(keys)));
                }
            }
        }
        result.sort(Comparator.comparing(r -> r.table().toString()));
        return result;
    }

    /** The rules of every schema that has any. */
    public List<SchemaRules> schemas() {
        ConsentPolicies consent = new ConsentPolicies(catalog);
        SchemaGrants grants = new SchemaGrants(catalog);
        List<SchemaRules> result = new ArrayList<>();
        for (String schema : catalog.schemas()) {
            SchemaRules rules = new SchemaRules(
                    schema,
                    grants.restricted(schema),
                    consent.schemaRequired(schema),
                    Grantees.ofKeys(grants.grantees(schema, SchemaGrants.Privilege.SELECT)),
                    Grantees.ofKeys(grants.grantees(schema, SchemaGrants.Privilege.CREATE)));
            if (!rules.isEmpty()) {
                result.add(rules);
            }
        }
        result.sort(Comparator.comparing(SchemaRules::schema));
        return result;
    }

    /** Every declared purpose but the built-in one, by name. */
    public List<PurposeRules> purposes() {
        Purposes purposes = new Purposes(catalog);
        List<PurposeRules> result = new ArrayList<>();
        for (Purposes.Purpose purpose : purposes.all()) {
            if (purpose.name().equals(Purposes.ADMINISTRATION)) {
                continue;
            }
            result.add(new PurposeRules(
                    purpose,
                    grantees(purposes.grantees(purpose.name())),
                    grantees(purposes.defaultFor(purpose.name()))));
        }
        return result;
    }

    private static Grantees grantees(Map<Purposes.Grantee, List<String>> names) {
        return new Grantees(
                names.getOrDefault(Purposes.Grantee.ROLE, List.of()),
                names.getOrDefault(Purposes.Grantee.USER, List.of()));
    }
}
