package dev.veil.policy;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.veil.ErrorCode;
import dev.veil.VeilException;
import java.util.List;

/**
 * The policy file format of {@code veil policy export|apply} (documented in
 * {@code docs/policy-yaml.md}): policies grouped by table, in YAML. Version 1 holds the tables'
 * policies; version 2 also the rules that apply to every principal alike (purposes, schema access
 * and grants, table grants, data categories, consent, retention, {@code ON ERASE}), so that a
 * version 2 file describes the whole access and privacy set-up of the tables it lists. Reading
 * ({@link PolicyYamlReader}) checks the file's shape and names the entry at fault
 * ({@code tables[2] (shop.orders).columns[0]}); whether the policies fit the warehouse is checked
 * when they are applied.
 */
public final class PolicyYaml {
    /** The newest format version, which this Veil writes; it reads every version up to it. */
    public static final int VERSION = 2;

    private static final String HEADER =
            "# Veil policies. Apply with: veil policy apply --warehouse DIR FILE\n" + "# Format: docs/policy-yaml.md\n";

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
     * @param purposes purposes to declare, with their grants and defaults
     * @param schemas schemas whose access, consent and grants the file sets
     * @param tables one entry per table, in file order
     * @param complete whether the file is of version 2: applying it replaces the listed tables'
     *     rules ({@link Entry#rules}) too; a version 1 file leaves them as they are
     */
    public record Document(
            List<String> roles,
            List<PurposeRules> purposes,
            List<SchemaRules> schemas,
            List<Entry> tables,
            boolean complete) {
        public Document {
            roles = List.copyOf(requireNonNull(roles, "roles is null"));
            purposes = List.copyOf(requireNonNull(purposes, "purposes is null"));
            schemas = List.copyOf(requireNonNull(schemas, "schemas is null"));
            tables = List.copyOf(requireNonNull(tables, "tables is null"));
            if (!complete && !(purposes.isEmpty() && schemas.isEmpty())) {
                throw new IllegalArgumentException("purposes and schemas need a complete (version 2) document");
            }
        }

        /** A version 1 document: the tables' policies only. */
        public static Document ofPolicies(List<TablePolicies> tables) {
            requireNonNull(tables, "tables is null");
            return new Document(
                    List.of(),
                    List.of(),
                    List.of(),
                    tables.stream()
                            .map(t -> new Entry(t.table().toString(), t, TableRules.none(t.table())))
                            .toList(),
                    false);
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
     * @param rules its other rules (none in a version 1 file)
     */
    public record Entry(String name, TablePolicies policies, TableRules rules) {
        public Entry {
            requireNonNull(name, "name is null");
            requireNonNull(policies, "policies is null");
            requireNonNull(rules, "rules is null");
            if (!rules.table().equals(policies.table())) {
                throw new IllegalArgumentException(
                        "the rules of " + rules.table() + " with the policies of " + policies.table());
            }
        }
    }

    /** The version 1 policy file for {@code tables}; the roles listed are those the policies are scoped to. */
    public static String write(List<TablePolicies> tables) {
        return write(Document.ofPolicies(tables));
    }

    /** The policy file of {@code document}; the roles listed are those its policies and grants name. */
    public static String write(Document document) {
        requireNonNull(document, "document is null");
        try {
            return HEADER + MAPPER.writeValueAsString(new PolicyYamlWriter().write(document));
        } catch (JsonProcessingException e) {
            throw VeilException.internal("Cannot write the policy file: " + e.getOriginalMessage(), e);
        }
    }

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
        return new PolicyYamlReader(source).document(root);
    }
}
