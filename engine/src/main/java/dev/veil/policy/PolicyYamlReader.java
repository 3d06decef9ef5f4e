package dev.veil.policy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.veil.ErrorCode;
import dev.veil.VeilException;
import dev.veil.catalog.Purposes;
import dev.veil.catalog.TableName;
import dev.veil.policy.PolicyYaml.Document;
import dev.veil.policy.PolicyYaml.Entry;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads one policy file ({@link PolicyYaml#read}), naming the entry at fault in every error. The
 * keys of rules beyond the table policies ({@code purposes}, {@code schemas}, and per table
 * {@code categories}, {@code consent_required}, {@code consent_source}, {@code retention},
 * {@code select}, {@code privacy_unit.on_erase}) make it a version 2 file.
 */
final class PolicyYamlReader {
    private static final Pattern MASK =
            Pattern.compile("\\s*([A-Za-z_]+)\\s*(?:\\(\\s*([-+]?[0-9]*\\.?[0-9]+)\\s*\\))?\\s*");
    private static final Pattern CATEGORY = Pattern.compile("[a-z_][a-z0-9_]*");
    private static final Set<String> RULE_KEYS =
            Set.of("categories", "consent_required", "consent_source", "retention", "select");
    private static final int MAX_RENEWAL_DAYS = 36_500;

    private final String source;
    /** Whether a version 2 key was read. */
    private boolean rules;

    PolicyYamlReader(String source) {
        this.source = source;
    }

    Document document(JsonNode root) {
        if (root == null || root.isMissingNode() || root.isNull()) {
            throw error("the file", "is empty; expected 'version' and 'tables'");
        }
        object(root, "the file", Set.of("version", "roles", "purposes", "schemas", "tables"));
        JsonNode version = root.get("version");
        if (version != null
                && !(version.isNumber()
                        && version.canConvertToInt()
                        && version.asInt() >= 1
                        && version.asInt() <= PolicyYaml.VERSION)) {
            throw error("version", "is " + version + "; this Veil reads versions 1 to " + PolicyYaml.VERSION);
        }
        List<String> roles = new ArrayList<>();
        JsonNode roleList = root.get("roles");
        if (roleList != null) {
            array(roleList, "roles");
            for (int i = 0; i < roleList.size(); i++) {
                roles.add(text(roleList.get(i), "roles[" + i + "]"));
            }
        }
        List<PurposeRules> purposes = purposes(root);
        List<SchemaRules> schemas = schemas(root);
        JsonNode tables = root.get("tables");
        if (tables == null) {
            throw error("the file", "has no 'tables' list");
        }
        array(tables, "tables");
        List<Entry> entries = new ArrayList<>();
        Set<TableName> seen = new HashSet<>();
        for (int i = 0; i < tables.size(); i++) {
            Entry entry = table(tables.get(i), "tables[" + i + "]");
            if (!seen.add(entry.policies().table())) {
                throw error(entry.name(), "names a table that an earlier entry names; a table appears once");
            }
            entries.add(entry);
        }
        if (rules && version != null && version.asInt() == 1) {
            throw error(
                    "version",
                    "is 1, but the file has keys of version 2 (purposes, schemas, categories, consent, retention,"
                            + " grants or on_erase); write version: 2");
        }
        boolean complete = rules || (version != null && version.asInt() == 2);
        return new Document(roles, purposes, schemas, entries, complete);
    }

    private List<PurposeRules> purposes(JsonNode root) {
        List<PurposeRules> result = new ArrayList<>();
        Map<String, String> defaults = new HashMap<>();
        Set<String> names = new HashSet<>();
        forEach(root, "purposes", "the file", (item, at0) -> {
            String at = at0.substring("the file.".length());
            rules = true;
            object(item, at, Set.of("purpose", "comment", "renewal_days", "granted_to", "default_for"));
            String name = text(required(item, "purpose", at), at + ".purpose");
            String label = at + " (" + name + ")";
            if (name.equals(Purposes.ADMINISTRATION)) {
                throw error(label, "is the built-in purpose, which a file does not declare");
            }
            if (!names.add(name)) {
                throw error(label, "is declared twice");
            }
            Optional<String> comment =
                    item.has("comment") ? Optional.of(text(item.get("comment"), label + ".comment")) : Optional.empty();
            OptionalInt renewal = OptionalInt.empty();
            if (item.has("renewal_days")) {
                int days = wholeNumber(item.get("renewal_days"), label + ".renewal_days");
                if (days < 1 || days > MAX_RENEWAL_DAYS) {
                    throw error(label + ".renewal_days", "must be between 1 and " + MAX_RENEWAL_DAYS);
                }
                renewal = OptionalInt.of(days);
            }
            Grantees grantedTo = grantees(item, "granted_to", label);
            Grantees defaultFor = grantees(item, "default_for", label);
            for (String role : defaultFor.roles()) {
                String other = defaults.put("role " + role, name);
                if (other != null) {
                    throw error(label + ".default_for", "names role " + role + ", whose default is already " + other);
                }
            }
            for (String user : defaultFor.users()) {
                String other = defaults.put("user " + user, name);
                if (other != null) {
                    throw error(label + ".default_for", "names user " + user + ", whose default is already " + other);
                }
            }
            try {
                result.add(new PurposeRules(new Purposes.Purpose(name, comment, renewal), grantedTo, defaultFor));
            } catch (IllegalArgumentException e) {
                throw error(label, "is invalid: " + e.getMessage());
            }
        });
        return result;
    }

    private List<SchemaRules> schemas(JsonNode root) {
        List<SchemaRules> result = new ArrayList<>();
        Set<String> names = new HashSet<>();
        forEach(root, "schemas", "the file", (item, at0) -> {
            String at = at0.substring("the file.".length());
            rules = true;
            object(item, at, Set.of("schema", "access", "consent_required", "select", "create"));
            String name = text(required(item, "schema", at), at + ".schema");
            String label = at + " (" + name + ")";
            if (!names.add(name)) {
                throw error(label, "appears twice");
            }
            boolean restricted = false;
            if (item.has("access")) {
                String access = text(item.get("access"), label + ".access").toUpperCase(Locale.ROOT);
                if (!access.equals("RESTRICTED") && !access.equals("OPEN")) {
                    throw error(label + ".access", "must be RESTRICTED or OPEN, got '" + access + "'");
                }
                restricted = access.equals("RESTRICTED");
            }
            boolean consent = bool(item, "consent_required", label);
            result.add(new SchemaRules(
                    name, restricted, consent, grantees(item, "select", label), grantees(item, "create", label)));
        });
        return result;
    }

    /** {@code key: {roles: [..], users: [..]}} of {@code item}; nobody when absent. */
    private Grantees grantees(JsonNode item, String key, String where) {
        JsonNode node = item.get(key);
        if (node == null) {
            return Grantees.none();
        }
        String at = where + "." + key;
        object(node, at, Set.of("roles", "users"));
        return new Grantees(names(node.get("roles"), at + ".roles"), names(node.get("users"), at + ".users"));
    }

    private List<String> names(JsonNode list, String where) {
        if (list == null) {
            return List.of();
        }
        array(list, where);
        List<String> names = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            names.add(text(list.get(i), where + "[" + i + "]"));
        }
        return names;
    }

    private boolean bool(JsonNode item, String key, String where) {
        JsonNode node = item.get(key);
        if (node == null) {
            return false;
        }
        if (!node.isBoolean()) {
            throw error(where + "." + key, "must be true or false, got " + describe(node));
        }
        return node.asBoolean();
    }

    private Entry table(JsonNode node, String where) {
        object(node, where, Set.of());
        TableName table = tableName(required(node, "table", where), where + ".table");
        String name = where + " (" + table + ")";
        object(
                node,
                name,
                Set.of(
                        "table",
                        "privacy_unit",
                        "min_group_size",
                        "columns",
                        "domains",
                        "row_filters",
                        "differential_privacy",
                        "categories",
                        "consent_required",
                        "consent_source",
                        "retention",
                        "select"));
        for (String key : RULE_KEYS) {
            if (node.has(key)) {
                rules = true;
            }
        }

        Optional<UnitPolicy> unit = Optional.empty();
        boolean setNullOnErase = false;
        JsonNode unitNode = node.get("privacy_unit");
        if (unitNode != null) {
            String at = name + ".privacy_unit";
            object(unitNode, at, Set.of("column", "via", "references", "on_erase"));
            if (unitNode.has("on_erase")) {
                rules = true;
                String rule = text(unitNode.get("on_erase"), at + ".on_erase")
                        .strip()
                        .toUpperCase(Locale.ROOT)
                        .replaceAll("[\\s_]+", " ");
                if (!rule.equals("DELETE") && !rule.equals("SET NULL")) {
                    throw error(at + ".on_erase", "must be DELETE or SET NULL, got '" + rule + "'");
                }
                if (rule.equals("SET NULL") && !unitNode.has("via")) {
                    throw error(at + ".on_erase", "is SET NULL, which only a 'via' unit can be");
                }
                setNullOnErase = rule.equals("SET NULL");
            }
            if (unitNode.has("column") == unitNode.has("via")) {
                throw error(at, "needs either 'column' (the unit) or 'via' with 'references' (a foreign key)");
            }
            if (unitNode.has("column")) {
                if (unitNode.has("references")) {
                    throw error(at, "has 'references', which goes with 'via', not with 'column'");
                }
                unit = Optional.of(UnitPolicy.direct(table, text(unitNode.get("column"), at + ".column")));
            } else {
                unit = Optional.of(UnitPolicy.via(
                        table,
                        text(unitNode.get("via"), at + ".via"),
                        ref(required(unitNode, "references", at), at + ".references")));
            }
        }

        List<MinGroupSizePolicy> sizes = new ArrayList<>();
        forEach(node, "min_group_size", name, (item, at) -> {
            object(item, at, Set.of("size", "mode", "role"));
            JsonNode size = required(item, "size", at);
            if (!size.canConvertToInt() || !size.isIntegralNumber()) {
                throw error(at + ".size", "must be a whole number, got " + size);
            }
            String mode =
                    item.has("mode") ? text(item.get("mode"), at + ".mode").toUpperCase(Locale.ROOT) : "SUPPRESS";
            if (!mode.equals("SUPPRESS") && !mode.equals("REMAINDER")) {
                throw error(at + ".mode", "must be SUPPRESS or REMAINDER, got '" + mode + "'");
            }
            try {
                sizes.add(new MinGroupSizePolicy(
                        table, role(item, at), new MinGroupSize(size.asInt(), mode.equals("REMAINDER"))));
            } catch (IllegalArgumentException e) {
                throw error(at, "is invalid: " + e.getMessage());
            }
        });

        List<ColumnPolicy> columns = new ArrayList<>();
        forEach(node, "columns", name, (item, at) -> {
            object(item, at, Set.of("column", "policy", "bounds", "mask", "role"));
            String column = text(required(item, "column", at), at + ".column");
            String label = at + " (" + column + ")";
            ColumnClass columnClass =
                    columnClass(text(required(item, "policy", label), label + ".policy"), label + ".policy");
            Optional<Bounds> bounds = Optional.empty();
            if (item.has("bounds")) {
                JsonNode b = item.get("bounds");
                if (!b.isArray() || b.size() != 2) {
                    throw error(label + ".bounds", "must be a list of two numbers [lower, upper]");
                }
                try {
                    bounds = Optional.of(
                            new Bounds(number(b.get(0), label + ".bounds[0]"), number(b.get(1), label + ".bounds[1]")));
                } catch (IllegalArgumentException e) {
                    throw error(label + ".bounds", "is invalid: " + e.getMessage());
                }
            }
            Optional<Mask> mask = item.has("mask")
                    ? Optional.of(mask(text(item.get("mask"), label + ".mask"), label + ".mask"))
                    : Optional.empty();
            Optional<String> role = role(item, label);
            if (columnClass == ColumnClass.PUBLIC) {
                if (bounds.isPresent() || mask.isPresent()) {
                    throw error(label, "is PUBLIC, which takes no bounds and no mask");
                }
                return; // PUBLIC is the absence of a policy
            }
            try {
                columns.add(new ColumnPolicy(table, column, role, columnClass, bounds, mask));
            } catch (IllegalArgumentException e) {
                throw error(label, "is invalid: " + e.getMessage());
            }
        });

        List<DomainPolicy> domains = new ArrayList<>();
        forEach(node, "domains", name, (item, at) -> {
            object(item, at, Set.of("column", "values", "references"));
            String column = text(required(item, "column", at), at + ".column");
            String label = at + " (" + column + ")";
            if (item.has("values") == item.has("references")) {
                throw error(label, "needs either 'values' or 'references'");
            }
            if (item.has("references")) {
                domains.add(DomainPolicy.references(table, column, ref(item.get("references"), label + ".references")));
                return;
            }
            JsonNode values = item.get("values");
            array(values, label + ".values");
            if (values.isEmpty()) {
                throw error(label + ".values", "is empty");
            }
            List<String> list = new ArrayList<>();
            for (int i = 0; i < values.size(); i++) {
                list.add(scalar(values.get(i), label + ".values[" + i + "]"));
            }
            domains.add(DomainPolicy.values(table, column, list));
        });

        List<RowFilterPolicy> filters = new ArrayList<>();
        forEach(node, "row_filters", name, (item, at) -> {
            object(item, at, Set.of("predicate", "role"));
            String predicate = text(required(item, "predicate", at), at + ".predicate");
            if (predicate.isBlank()) {
                throw error(at + ".predicate", "is empty");
            }
            filters.add(new RowFilterPolicy(table, role(item, at), predicate));
        });

        List<DifferentialPrivacyPolicy> dp = new ArrayList<>();
        forEach(node, "differential_privacy", name, (item, at) -> {
            object(
                    item,
                    at,
                    Set.of(
                            "epsilon",
                            "delta",
                            "max_groups_per_unit",
                            "max_rows_per_unit_per_group",
                            "contribution_bounds",
                            "role"));
            double epsilon =
                    number(required(item, "epsilon", at), at + ".epsilon").doubleValue();
            double delta = item.has("delta")
                    ? number(item.get("delta"), at + ".delta").doubleValue()
                    : DifferentialPrivacy.DEFAULT_DELTA;
            int groups = item.has("max_groups_per_unit")
                    ? wholeNumber(item.get("max_groups_per_unit"), at + ".max_groups_per_unit")
                    : DifferentialPrivacy.DEFAULT_MAX_GROUPS_PER_UNIT;
            int rows = item.has("max_rows_per_unit_per_group")
                    ? wholeNumber(item.get("max_rows_per_unit_per_group"), at + ".max_rows_per_unit_per_group")
                    : DifferentialPrivacy.DEFAULT_MAX_ROWS_PER_UNIT_PER_GROUP;
            boolean auto = false;
            if (item.has("contribution_bounds")) {
                String mode = item.get("contribution_bounds").asText("");
                if (!mode.equals("AUTO") && !mode.equals("FIXED")) {
                    throw error(at + ".contribution_bounds", "must be AUTO or FIXED");
                }
                auto = mode.equals("AUTO");
            }
            Optional<String> role = role(item, at);
            try {
                dp.add(new DifferentialPrivacyPolicy(
                        table, role, new DifferentialPrivacy(epsilon, delta, groups, rows, auto)));
            } catch (IllegalArgumentException e) {
                throw error(at, "is invalid: " + e.getMessage());
            }
        });

        TableRules tableRules = tableRules(node, table, name, setNullOnErase);
        try {
            return new Entry(name, new TablePolicies(table, unit, sizes, columns, domains, filters, dp), tableRules);
        } catch (IllegalArgumentException e) {
            throw error(name, "is invalid: " + e.getMessage());
        }
    }

    private TableRules tableRules(JsonNode node, TableName table, String name, boolean setNullOnErase) {
        Map<String, String> categories = new LinkedHashMap<>();
        JsonNode categoryNode = node.get("categories");
        if (categoryNode != null) {
            String at = name + ".categories";
            object(categoryNode, at, Set.of());
            for (Iterator<Map.Entry<String, JsonNode>> it = categoryNode.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                String category = text(field.getValue(), at + "." + field.getKey());
                if (!CATEGORY.matcher(category).matches()) {
                    throw error(
                            at + "." + field.getKey(),
                            "is '" + category + "'; a category is a lower-case name: a letter or '_' then letters,"
                                    + " digits or '_'");
                }
                if (!category.equals(TableConsent.GENERAL)) {
                    categories.put(field.getKey(), category);
                }
            }
        }
        Optional<ConsentSource> source = Optional.empty();
        JsonNode sourceNode = node.get("consent_source");
        if (sourceNode != null) {
            String at = name + ".consent_source";
            object(
                    sourceNode,
                    at,
                    Set.of("unit", "references", "purpose", "category", "granted", "expires", "withdrawn"));
            ColumnRef unit = ref(required(sourceNode, "references", at), at + ".references");
            source = Optional.of(new ConsentSource(
                    table,
                    text(required(sourceNode, "unit", at), at + ".unit"),
                    unit.table(),
                    unit.column(),
                    text(required(sourceNode, "purpose", at), at + ".purpose"),
                    text(required(sourceNode, "category", at), at + ".category"),
                    text(required(sourceNode, "granted", at), at + ".granted"),
                    text(required(sourceNode, "expires", at), at + ".expires"),
                    sourceNode.has("withdrawn")
                            ? Optional.of(text(sourceNode.get("withdrawn"), at + ".withdrawn"))
                            : Optional.empty()));
        }
        Optional<Retention> retention = Optional.empty();
        JsonNode retentionNode = node.get("retention");
        if (retentionNode != null) {
            String at = name + ".retention";
            object(retentionNode, at, Set.of("days", "column"));
            int days = wholeNumber(required(retentionNode, "days", at), at + ".days");
            if (days < 1 || days > Retention.MAX_DAYS) {
                throw error(at + ".days", "must be between 1 and " + Retention.MAX_DAYS);
            }
            retention = Optional.of(new Retention(days, text(required(retentionNode, "column", at), at + ".column")));
        }
        return new TableRules(
                table,
                setNullOnErase,
                categories,
                bool(node, "consent_required", name),
                source,
                retention,
                grantees(node, "select", name));
    }

    private interface ItemReader {
        void read(JsonNode item, String where);
    }

    private void forEach(JsonNode node, String key, String where, ItemReader reader) {
        JsonNode list = node.get(key);
        if (list == null) {
            return;
        }
        String at = where + "." + key;
        array(list, at);
        for (int i = 0; i < list.size(); i++) {
            reader.read(list.get(i), at + "[" + i + "]");
        }
    }

    private ColumnClass columnClass(String text, String where) {
        String normalized = text.strip().toUpperCase(Locale.ROOT).replaceAll("[\\s_]+", "_");
        for (ColumnClass c : ColumnClass.values()) {
            if (c.name().equals(normalized)) {
                return c;
            }
        }
        throw error(
                where,
                "names an unknown policy '" + text + "'; expected PUBLIC, HIDDEN, JOIN ONLY, AGGREGATE ONLY or MASKED");
    }

    private Mask mask(String text, String where) {
        Matcher m = MASK.matcher(text);
        if (!m.matches()) {
            throw error(where, "is not a mask: '" + text + "'; write e.g. HASH, TRUNCATE(3) or SHOW_LAST(4)");
        }
        MaskKind kind;
        try {
            kind = MaskKind.valueOf(m.group(1).toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw error(
                    where,
                    "names an unknown mask '" + m.group(1) + "'; expected REDACT, NULLIFY, HASH, TRUNCATE(n), "
                            + "YEAR, MONTH, BUCKET(w) or SHOW_LAST(n)");
        }
        try {
            return new Mask(kind, Optional.ofNullable(m.group(2)).map(BigDecimal::new));
        } catch (IllegalArgumentException e) {
            throw error(where, "is invalid: " + e.getMessage());
        }
    }

    private ColumnRef ref(JsonNode node, String where) {
        object(node, where, Set.of("table", "column"));
        return new ColumnRef(
                tableName(required(node, "table", where), where + ".table"),
                text(required(node, "column", where), where + ".column"));
    }

    private TableName tableName(JsonNode node, String where) {
        String text = text(node, where);
        String[] parts = text.split("\\.", -1);
        if (parts.length == 1 && !parts[0].isEmpty()) {
            return new TableName("public", parts[0]);
        }
        if (parts.length == 2 && !parts[0].isEmpty() && !parts[1].isEmpty()) {
            return new TableName(parts[0], parts[1]);
        }
        throw error(where, "is not a table name: '" + text + "'; write schema.table");
    }

    private Optional<String> role(JsonNode item, String where) {
        return item.has("role") ? Optional.of(text(item.get("role"), where + ".role")) : Optional.empty();
    }

    private BigDecimal number(JsonNode node, String where) {
        try {
            if (node.isNumber()) {
                return node.decimalValue();
            }
            if (node.isTextual()) {
                return new BigDecimal(node.asText().strip());
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw error(where, "must be a number, got " + node);
    }

    private int wholeNumber(JsonNode node, String where) {
        if (!node.canConvertToInt() || !node.isIntegralNumber()) {
            throw error(where, "must be a whole number, got " + node);
        }
        return node.asInt();
    }

    private void object(JsonNode node, String where, Set<String> keys) {
        if (!node.isObject()) {
            throw error(where, "must be a mapping of keys to values, got " + describe(node));
        }
        if (keys.isEmpty()) {
            return;
        }
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!keys.contains(key)) {
                throw error(
                        where,
                        "has an unknown key '" + key + "'; expected one of " + String.join(", ", new TreeSet<>(keys)));
            }
        }
    }

    private void array(JsonNode node, String where) {
        if (!node.isArray()) {
            throw error(where, "must be a list, got " + describe(node));
        }
    }

    private JsonNode required(JsonNode node, String key, String where) {
        JsonNode value = node.get(key);
        if (value == null || value.isNull()) {
            throw error(where, "has no '" + key + "'");
        }
        return value;
    }

    private String text(JsonNode node, String where) {
        if (!node.isTextual() || node.asText().isEmpty()) {
            throw error(where, "must be a non-empty string, got " + describe(node));
        }
        return node.asText();
    }

    /** A scalar (string, number or boolean) as text, for domain values. */
    private String scalar(JsonNode node, String where) {
        if (node.isNumber()) {
            return node.decimalValue().toPlainString();
        }
        if (node.isTextual() || node.isBoolean()) {
            return node.asText();
        }
        throw error(where, "must be a single value, got " + describe(node));
    }

    private static String describe(JsonNode node) {
        if (node.isObject()) {
            return "a mapping";
        }
        if (node.isArray()) {
            return "a list";
        }
        if (node.isNull()) {
            return "nothing";
        }
        return node.isTextual() ? "'" + node.asText() + "'" : node.toString();
    }

    private VeilException error(String where, String problem) {
        return new VeilException(ErrorCode.INVALID_POLICY, source + ": " + where + " " + problem);
    }
}
