package dev.veil.policy;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.veil.ErrorCode;
import dev.veil.VeilException;
import dev.veil.catalog.TableName;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The policy file format of {@code veil policy export|apply} (documented in
 * {@code docs/policy-yaml.md}): policies grouped by table, in YAML. Reading checks the file's
 * shape and names the entry at fault ({@code tables[2] (shop.orders).columns[0]}); whether the
 * policies fit the warehouse is checked when they are applied.
 */
public final class PolicyYaml {
    /** The format version this Veil writes and reads. */
    public static final int VERSION = 1;

    private static final String HEADER =
            "# Veil policies. Apply with: veil policy apply --warehouse DIR FILE\n" + "# Format: docs/policy-yaml.md\n";

    private static final Pattern MASK =
            Pattern.compile("\\s*([A-Za-z_]+)\\s*(?:\\(\\s*([-+]?[0-9]*\\.?[0-9]+)\\s*\\))?\\s*");

    private static final YAMLMapper MAPPER = YAMLMapper.builder(YAMLFactory.builder()
                    .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                    .disable(YAMLGenerator.Feature.SPLIT_LINES)
                    .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
                    .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
                    .enable(YAMLGenerator.Feature.INDENT_ARRAYS_WITH_INDICATOR)
                    .build())
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            // Keep 1000.50 as written: bounds compare with their scale.
            .nodeFactory(JsonNodeFactory.withExactBigDecimals(true))
            .build();

    private PolicyYaml() {}

    /**
     * A policy file's content.
     *
     * @param roles roles the policies are scoped to; applying creates those that do not exist
     * @param tables one entry per table, in file order
     */
    public record Document(List<String> roles, List<Entry> tables) {
        public Document {
            roles = List.copyOf(requireNonNull(roles, "roles is null"));
            tables = List.copyOf(requireNonNull(tables, "tables is null"));
        }

        /** The tables' policies, in file order. */
        public List<TablePolicies> policies() {
            return tables.stream().map(Entry::policies).toList();
        }
    }

    /**
     * One table's entry.
     *
     * @param name where it is in the file, e.g. {@code tables[2] (shop.orders)}, for errors
     * @param policies its policies
     */
    public record Entry(String name, TablePolicies policies) {
        public Entry {
            requireNonNull(name, "name is null");
            requireNonNull(policies, "policies is null");
        }
    }

    // ---------------------------------------------------------------- writing

    /** The policy file for {@code tables}; the roles listed are those the policies are scoped to. */
    public static String write(List<TablePolicies> tables) {
        requireNonNull(tables, "tables is null");
        JsonNodeFactory f = JsonNodeFactory.instance;
        ObjectNode root = f.objectNode();
        root.put("version", VERSION);
        Set<String> roles = new TreeSet<>();
        ArrayNode list = root.putArray("tables");
        for (TablePolicies t : tables) {
            ObjectNode table = list.addObject();
            table.put("table", t.table().toString());
            t.unit().ifPresent(u -> {
                ObjectNode unit = table.putObject("privacy_unit");
                if (u.via().isEmpty()) {
                    unit.put("column", u.column());
                } else {
                    unit.put("via", u.column());
                    unit.set("references", ref(u.via().get()));
                }
            });
            if (!t.minGroupSizes().isEmpty()) {
                ArrayNode sizes = table.putArray("min_group_size");
                for (MinGroupSizePolicy p : t.minGroupSizes()) {
                    ObjectNode size = sizes.addObject();
                    size.put("size", p.size().k());
                    size.put("mode", p.size().remainder() ? "REMAINDER" : "SUPPRESS");
                    role(size, p.role(), roles);
                }
            }
            if (!t.columns().isEmpty()) {
                ArrayNode columns = table.putArray("columns");
                for (ColumnPolicy p : t.columns()) {
                    ObjectNode column = columns.addObject();
                    column.put("column", p.column());
                    column.put("policy", p.columnClass().name().replace('_', ' '));
                    p.bounds()
                            .ifPresent(b ->
                                    column.putArray("bounds").add(b.lower()).add(b.upper()));
                    p.mask().ifPresent(m -> column.put("mask", m.toString()));
                    role(column, p.role(), roles);
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
                    role(filter, p.role(), roles);
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
                    role(dp, p.role(), roles);
                }
            }
        }
        if (!roles.isEmpty()) {
            ArrayNode roleList = f.arrayNode();
            roles.forEach(roleList::add);
            // Roles go before the tables that use them.
            ObjectNode ordered = f.objectNode();
            ordered.set("version", root.get("version"));
            ordered.set("roles", roleList);
            ordered.set("tables", root.get("tables"));
            root = ordered;
        }
        try {
            return HEADER + MAPPER.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw VeilException.internal("Cannot write the policy file: " + e.getOriginalMessage(), e);
        }
    }

    private static ObjectNode ref(ColumnRef ref) {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("table", ref.table().toString());
        node.put("column", ref.column());
        return node;
    }

    private static void role(ObjectNode node, Optional<String> role, Set<String> roles) {
        role.ifPresent(r -> {
            node.put("role", r);
            roles.add(r);
        });
    }

    // ---------------------------------------------------------------- reading

    /**
     * Reads a policy file. {@code source} names it in errors. A file that is not YAML fails with
     * BAD_INPUT_FILE and its line and column; a file of the wrong shape with INVALID_POLICY naming
     * the entry.
     */
    public static Document read(String yaml, String source) {
        requireNonNull(yaml, "yaml is null");
        requireNonNull(source, "source is null");
        JsonNode root;
        try {
            root = MAPPER.readTree(yaml);
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            String where = at == null ? source : source + " line " + at.getLineNr() + ", column " + at.getColumnNr();
            throw new VeilException(ErrorCode.BAD_INPUT_FILE, where + ": not valid YAML: " + e.getOriginalMessage());
        }
        return new Reader(source).document(root);
    }

    /** Reads one file, naming the entry at fault in every error. */
    private static final class Reader {
        private final String source;

        Reader(String source) {
            this.source = source;
        }

        Document document(JsonNode root) {
            if (root == null || root.isMissingNode() || root.isNull()) {
                throw error("the file", "is empty; expected 'version' and 'tables'");
            }
            object(root, "the file", Set.of("version", "roles", "tables"));
            JsonNode version = root.get("version");
            if (version != null && !(version.canConvertToInt() && version.asInt() == VERSION && version.isNumber())) {
                throw error("version", "is " + version + "; this Veil reads version " + VERSION);
            }
            List<String> roles = new ArrayList<>();
            JsonNode roleList = root.get("roles");
            if (roleList != null) {
                array(roleList, "roles");
                for (int i = 0; i < roleList.size(); i++) {
                    roles.add(text(roleList.get(i), "roles[" + i + "]"));
                }
            }
            JsonNode tables = root.get("tables");
            if (tables == null) {
                throw error("the file", "has no 'tables' list");
            }
            array(tables, "tables");
            List<Entry> entries = new ArrayList<>();
            for (int i = 0; i < tables.size(); i++) {
                entries.add(table(tables.get(i), "tables[" + i + "]"));
            }
            return new Document(roles, entries);
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
                            "differential_privacy"));

            Optional<UnitPolicy> unit = Optional.empty();
            JsonNode unitNode = node.get("privacy_unit");
            if (unitNode != null) {
                String at = name + ".privacy_unit";
                object(unitNode, at, Set.of("column", "via", "references"));
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
                        bounds = Optional.of(new Bounds(
                                number(b.get(0), label + ".bounds[0]"), number(b.get(1), label + ".bounds[1]")));
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
                    domains.add(
                            DomainPolicy.references(table, column, ref(item.get("references"), label + ".references")));
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

            try {
                return new Entry(name, new TablePolicies(table, unit, sizes, columns, domains, filters, dp));
            } catch (IllegalArgumentException e) {
                throw error(name, "is invalid: " + e.getMessage());
            }
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
                    "names an unknown policy '" + text
                            + "'; expected PUBLIC, HIDDEN, JOIN ONLY, AGGREGATE ONLY or MASKED");
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
                            "has an unknown key '" + key + "'; expected one of "
                                    + String.join(", ", new TreeSet<>(keys)));
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
}
