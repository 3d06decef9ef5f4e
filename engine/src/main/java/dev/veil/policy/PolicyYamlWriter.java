package dev.veil.policy;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.veil.policy.PolicyYaml.Document;
import dev.veil.policy.PolicyYaml.Entry;
import java.math.BigDecimal;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Writes a policy file ({@link PolicyYaml#write}) as a tree: version, the roles the file names,
 * then (in a complete, version 2 document) purposes and schemas, then one entry per table. Only
 * what is set is written, so that a file reads like the statements that made it.
 */
final class PolicyYamlWriter {
    private final JsonNodeFactory f = JsonNodeFactory.instance;
    private final Set<String> roles = new TreeSet<>();

    ObjectNode write(Document document) {
        ObjectNode root = f.objectNode();
        root.put("version", document.complete() ? PolicyYaml.VERSION : 1);
        ArrayNode purposes = f.arrayNode();
        for (PurposeRules p : document.purposes()) {
            purposes.add(purpose(p));
        }
        ArrayNode schemas = f.arrayNode();
        for (SchemaRules s : document.schemas()) {
            schemas.add(schema(s));
        }
        ArrayNode tables = f.arrayNode();
        for (Entry e : document.tables()) {
            tables.add(table(e.policies(), e.rules()));
        }
        // Roles go before what uses them.
        if (!roles.isEmpty()) {
            ArrayNode roleList = root.putArray("roles");
            roles.forEach(roleList::add);
        }
        if (!purposes.isEmpty()) {
            root.set("purposes", purposes);
        }
        if (!schemas.isEmpty()) {
            root.set("schemas", schemas);
        }
        root.set("tables", tables);
        return root;
    }

    private ObjectNode purpose(PurposeRules p) {
        ObjectNode node = f.objectNode();
        node.put("purpose", p.purpose().name());
        p.purpose().comment().ifPresent(c -> node.put("comment", c));
        p.purpose().renewalDays().ifPresent(d -> node.put("renewal_days", d));
        grantees(node, "granted_to", p.grantedTo());
        grantees(node, "default_for", p.defaultFor());
        return node;
    }

    private ObjectNode schema(SchemaRules s) {
        ObjectNode node = f.objectNode();
        node.put("schema", s.schema());
        if (s.restricted()) {
            node.put("access", "RESTRICTED");
        }
        if (s.consentRequired()) {
            node.put("consent_required", true);
        }
        grantees(node, "select", s.select());
        grantees(node, "create", s.create());
        return node;
    }

    private ObjectNode table(TablePolicies t, TableRules rules) {
        ObjectNode table = f.objectNode();
        table.put("table", t.table().toString());
        t.unit().ifPresent(u -> {
            ObjectNode unit = table.putObject("privacy_unit");
            if (u.via().isEmpty()) {
                unit.put("column", u.column());
            } else {
                unit.put("via", u.column());
                unit.set("references", ref(u.via().get()));
                if (rules.setNullOnErase()) {
                    unit.put("on_erase", "SET NULL");
                }
            }
        });
        if (!t.minGroupSizes().isEmpty()) {
            ArrayNode sizes = table.putArray("min_group_size");
            for (MinGroupSizePolicy p : t.minGroupSizes()) {
                ObjectNode size = sizes.addObject();
                size.put("size", p.size().k());
                size.put("mode", p.size().remainder() ? "REMAINDER" : "SUPPRESS");
                role(size, p.role());
            }
        }
        if (!t.columns().isEmpty()) {
            ArrayNode columns = table.putArray("columns");
            for (ColumnPolicy p : t.columns()) {
                ObjectNode column = columns.addObject();
                column.put("column", p.column());
                column.put("policy", p.columnClass().name().replace('_', ' '));
                p.bounds()
                        .ifPresent(b -> column.putArray("bounds").add(b.lower()).add(b.upper()));
                p.mask().ifPresent(m -> column.put("mask", m.toString()));
                role(column, p.role());
            }
        }
        if (!t.domains().isEmpty()) {
            ArrayNode domains = table.putArray("domains");
            for (DomainPolicy p : t.domains()) {
                ObjectNode domain = domains.addObject();
                domain.put("column", p.column());
                if (p.references().isPresent()) {
                    domain.set("references", ref(p.references().get()));
                } else {
                    ArrayNode values = domain.putArray("values");
                    p.values().forEach(values::add);
                }
            }
        }
        if (!t.rowFilters().isEmpty()) {
            ArrayNode filters = table.putArray("row_filters");
            for (RowFilterPolicy p : t.rowFilters()) {
                ObjectNode filter = filters.addObject();
                filter.put("predicate", p.predicate());
                role(filter, p.role());
            }
        }
        if (!t.differentialPrivacyPolicies().isEmpty()) {
            ArrayNode dpList = table.putArray("differential_privacy");
            for (DifferentialPrivacyPolicy p : t.differentialPrivacyPolicies()) {
                ObjectNode dp = dpList.addObject();
                dp.put(
                        "epsilon",
                        new BigDecimal(
                                DifferentialPrivacyPolicy.number(p.params().epsilon())));
                dp.put(
                        "delta",
                        new BigDecimal(
                                DifferentialPrivacyPolicy.number(p.params().delta())));
                dp.put("max_groups_per_unit", p.params().maxGroupsPerUnit());
                dp.put("max_rows_per_unit_per_group", p.params().maxRowsPerUnitPerGroup());
                if (p.params().autoBounds()) {
                    dp.put("contribution_bounds", "AUTO");
                }
                role(dp, p.role());
            }
        }
        if (!rules.categories().isEmpty()) {
            ObjectNode categories = table.putObject("categories");
            for (Map.Entry<String, String> e : rules.sortedCategories().entrySet()) {
                categories.put(e.getKey(), e.getValue());
            }
        }
        if (rules.consentRequired()) {
            table.put("consent_required", true);
        }
        rules.consentSource().ifPresent(s -> {
            ObjectNode source = table.putObject("consent_source");
            source.put("unit", s.unit());
            source.set("references", ref(new ColumnRef(s.unitTable(), s.unitKey())));
            source.put("purpose", s.purpose());
            source.put("category", s.category());
            source.put("granted", s.granted());
            source.put("expires", s.expires());
            s.withdrawn().ifPresent(w -> source.put("withdrawn", w));
        });
        rules.retention().ifPresent(r -> {
            ObjectNode retention = table.putObject("retention");
            retention.put("days", r.days());
            retention.put("column", r.column());
        });
        grantees(table, "select", rules.select());
        return table;
    }

    private void grantees(ObjectNode node, String key, Grantees grantees) {
        if (grantees.isEmpty()) {
            return;
        }
        ObjectNode g = node.putObject(key);
        if (!grantees.roles().isEmpty()) {
            ArrayNode list = g.putArray("roles");
            grantees.roles().forEach(r -> {
                list.add(r);
                roles.add(r);
            });
        }
        if (!grantees.users().isEmpty()) {
            ArrayNode list = g.putArray("users");
            grantees.users().forEach(list::add);
        }
    }

    private ObjectNode ref(ColumnRef ref) {
        ObjectNode node = f.objectNode();
        node.put("table", ref.table().toString());
        node.put("column", ref.column());
        return node;
    }

    private void role(ObjectNode node, Optional<String> role) {
        role.ifPresent(r -> {
            node.put("role", r);
            roles.add(r);
        });
    }
}
