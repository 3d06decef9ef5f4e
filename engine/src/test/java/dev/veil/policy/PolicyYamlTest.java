package dev.veil.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veil.ErrorCode;
import dev.veil.VeilException;
import dev.veil.catalog.TableName;
import java.math.BigDecimal;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The policy file format: what is written, that it reads back, and errors that name the entry. */
class PolicyYamlTest {
    private static final TableName CUSTOMERS = new TableName("shop", "customers");
    private static final TableName ORDERS = new TableName("shop", "orders");

    private static List<TablePolicies> sample() {
        return List.of(
                new TablePolicies(
                        CUSTOMERS,
                        Optional.of(UnitPolicy.direct(CUSTOMERS, "id")),
                        List.of(
                                new MinGroupSizePolicy(CUSTOMERS, Optional.empty(), new MinGroupSize(10, false)),
                                new MinGroupSizePolicy(CUSTOMERS, Optional.of("support"), new MinGroupSize(5, true))),
                        List.of(
                                new ColumnPolicy(
                                        CUSTOMERS,
                                        "email",
                                        Optional.empty(),
                                        ColumnClass.HIDDEN,
                                        Optional.empty(),
                                        Optional.empty()),
                                new ColumnPolicy(
                                        CUSTOMERS,
                                        "phone",
                                        Optional.of("support"),
                                        ColumnClass.MASKED,
                                        Optional.empty(),
                                        Optional.of(Mask.of(MaskKind.SHOW_LAST, new BigDecimal(4))))),
                        List.of(DomainPolicy.values(
                                CUSTOMERS, "region", List.of("EU", "yes", "1", "a: b", "it's", "Zürich"))),
                        List.of(new RowFilterPolicy(CUSTOMERS, Optional.of("eu"), "\"region\" = 'EU'"))),
                new TablePolicies(
                        ORDERS,
                        Optional.of(UnitPolicy.via(ORDERS, "customer_id", new ColumnRef(CUSTOMERS, "id"))),
                        List.of(),
                        List.of(
                                new ColumnPolicy(
                                        ORDERS,
                                        "amount",
                                        Optional.empty(),
                                        ColumnClass.AGGREGATE_ONLY,
                                        Optional.of(new Bounds(new BigDecimal("0"), new BigDecimal("1000.50"))),
                                        Optional.empty()),
                                new ColumnPolicy(
                                        ORDERS,
                                        "customer_id",
                                        Optional.empty(),
                                        ColumnClass.JOIN_ONLY,
                                        Optional.empty(),
                                        Optional.empty())),
                        List.of(DomainPolicy.references(
                                ORDERS, "status", new ColumnRef(new TableName("shop", "statuses"), "name"))),
                        List.of()));
    }

    @Test
    void writesAReadableFile() {
        assertEquals("""
                # Veil policies. Apply with: veil policy apply --warehouse DIR FILE
                # Format: docs/policy-yaml.md
                version: 1
                roles:
                  - eu
                  - support
                tables:
                  - table: shop.customers
                    privacy_unit:
                      column: id
                    min_group_size:
                      - size: 10
                        mode: SUPPRESS
                      - size: 5
                        mode: REMAINDER
                        role: support
                    columns:
                      - column: email
                        policy: HIDDEN
                      - column: phone
                        policy: MASKED
                        mask: SHOW_LAST(4)
                        role: support
                    domains:
                      - column: region
                        values:
                          - EU
                          - "yes"
                          - "1"
                          - "a: b"
                          - it's
                          - Zürich
                    row_filters:
                      - predicate: '"region" = ''EU'''
                        role: eu
                  - table: shop.orders
                    privacy_unit:
                      via: customer_id
                      references:
                        table: shop.customers
                        column: id
                    columns:
                      - column: amount
                        policy: AGGREGATE ONLY
                        bounds:
                          - 0
                          - 1000.50
                      - column: customer_id
                        policy: JOIN ONLY
                    domains:
                      - column: status
                        references:
                          table: shop.statuses
                          column: name
                """, PolicyYaml.write(sample()));
    }

    @Test
    void whatIsWrittenReadsBackUnchanged() {
        PolicyYaml.Document document = PolicyYaml.read(PolicyYaml.write(sample()), "p.yaml");
        assertEquals(sample(), document.policies());
        assertEquals(List.of("eu", "support"), document.roles());
        assertEquals(
                List.of("tables[0] (shop.customers)", "tables[1] (shop.orders)"),
                document.tables().stream().map(PolicyYaml.Entry::name).toList());
    }

    @Test
    void handWrittenSpellingsAreAccepted() {
        PolicyYaml.Document document = PolicyYaml.read("""
                tables:
                  - table: people
                    privacy_unit: {column: id}
                    min_group_size: [{size: 3}]
                    columns:
                      - {column: a, policy: join_only}
                      - {column: b, policy: "aggregate   only", bounds: ["-1.5", 2]}
                      - {column: c, policy: masked, mask: " truncate ( 3 ) "}
                      - {column: d, policy: PUBLIC}
                    domains:
                      - {column: e, values: [1, 2.50, true]}
                """, "hand.yaml");
        TableName people = new TableName("public", "people");
        assertEquals(
                List.of(new TablePolicies(
                        people,
                        Optional.of(UnitPolicy.direct(people, "id")),
                        List.of(new MinGroupSizePolicy(people, Optional.empty(), new MinGroupSize(3, false))),
                        List.of(
                                new ColumnPolicy(
                                        people,
                                        "a",
                                        Optional.empty(),
                                        ColumnClass.JOIN_ONLY,
                                        Optional.empty(),
                                        Optional.empty()),
                                new ColumnPolicy(
                                        people,
                                        "b",
                                        Optional.empty(),
                                        ColumnClass.AGGREGATE_ONLY,
                                        Optional.of(new Bounds(new BigDecimal("-1.5"), new BigDecimal("2"))),
                                        Optional.empty()),
                                new ColumnPolicy(
                                        people,
                                        "c",
                                        Optional.empty(),
                                        ColumnClass.MASKED,
                                        Optional.empty(),
                                        Optional.of(Mask.of(MaskKind.TRUNCATE, new BigDecimal("3"))))),
                        List.of(DomainPolicy.values(people, "e", List.of("1", "2.50", "true"))),
                        List.of())),
                document.policies());
    }

    @Test
    void theExampleInTheDocsReads() throws Exception {
        String doc = java.nio.file.Files.readString(java.nio.file.Path.of("..", "docs", "policy-yaml.md"));
        int start = doc.indexOf("```yaml\n") + "```yaml\n".length();
        String yaml = doc.substring(start, doc.indexOf("```", start));
        PolicyYaml.Document document = PolicyYaml.read(yaml, "policy-yaml.md");
        assertEquals(List.of("eu", "support"), document.roles());
        assertEquals(
                List.of(CUSTOMERS, ORDERS, new TableName("shop", "lines")),
                document.policies().stream().map(TablePolicies::table).toList());
        assertEquals(
                PolicyYaml.read(PolicyYaml.write(document.policies()), "again").policies(), document.policies());
    }

    /** A file that must not read, and the words its error must hold. */
    private record Bad(String yaml, ErrorCode code, String expected) {}

    @Test
    void badFilesFailNamingTheEntry() {
        List<Bad> cases = List.of(
                new Bad("tables: [", ErrorCode.BAD_INPUT_FILE, "bad.yaml line 1, column 10: not valid YAML"),
                new Bad("", ErrorCode.INVALID_POLICY, "bad.yaml: the file is empty"),
                new Bad(
                        "version: 2\ntables: []",
                        ErrorCode.INVALID_POLICY,
                        "bad.yaml: version is 2; this Veil reads version 1"),
                new Bad("tabels: []", ErrorCode.INVALID_POLICY, "bad.yaml: the file has an unknown key 'tabels'"),
                new Bad("version: 1", ErrorCode.INVALID_POLICY, "bad.yaml: the file has no 'tables' list"),
                new Bad(
                        "tables: {table: x}",
                        ErrorCode.INVALID_POLICY,
                        "bad.yaml: tables must be a list, got a mapping"),
                new Bad(
                        "tables:\n  - privacy_unit: {column: id}",
                        ErrorCode.INVALID_POLICY,
                        "bad.yaml: tables[0] has no 'table'"),
                new Bad(
                        "tables:\n  - table: a.b.c",
                        ErrorCode.INVALID_POLICY,
                        "bad.yaml: tables[0].table is not a table name: 'a.b.c'"),
                new Bad(
                        "tables:\n  - table: s.t\n    privacy_unit: {column: id, via: fk}",
                        ErrorCode.INVALID_POLICY,
                        "bad.yaml: tables[0] (s.t).privacy_unit needs either 'column'"),
                new Bad(
                        "tables:\n  - table: s.t\n    privacy_unit: {via: fk, references: {table: s.p}}",
                        ErrorCode.INVALID_POLICY,
                        "bad.yaml: tables[0] (s.t).privacy_unit.references has no 'column'"),
                new Bad(
                        "tables:\n  - table: s.t\n  - table: s.u\n    columns:\n      - {column: a, policy: HIDEN}",
                        ErrorCode.INVALID_POLICY,
                        "bad.yaml: tables[1] (s.u).columns[0] (a).policy names an unknown policy 'HIDEN'"),
                new Bad(
                        "tables:\n  - table: s.t\n    columns:\n      - {column: a, policy: MASKED, mask: FOO(1)}",
                        ErrorCode.INVALID_POLICY,
                        "bad.yaml: tables[0] (s.t).columns[0] (a).mask names an unknown mask 'FOO'"),
                new Bad(
                        "tables:\n  - table: s.t\n    columns:\n      - {column: a, policy: MASKED, mask: YEAR(4)}",
                        ErrorCode.INVALID_POLICY,
                        "bad.yaml: tables[0] (s.t).columns[0] (a).mask is invalid: YEAR takes no argument"),
                new Bad(
                        "tables:\n  - table: s.t\n    columns:\n      - {column: a, policy: MASKED}",
                        ErrorCode.INVALID_POLICY,
                        "bad.yaml: tables[0] (s.t).columns[0] (a) is invalid: a mask goes with MASKED"),
                new Bad(
                        "tables:\n  - table: s.t\n    columns:\n      - {column: a, policy: AGGREGATE ONLY, bounds: [5, 1]}",
                        ErrorCode.INVALID_POLICY,
                        "bad.yaml: tables[0] (s.t).columns[0] (a).bounds is invalid: lower bound 5"),
                new Bad(
                        "tables:\n  - table: s.t\n    columns:\n      - {column: a, policy: HIDDEN, bounds: [1]}",
                        ErrorCode.INVALID_POLICY,
                        "bad.yaml: tables[0] (s.t).columns[0] (a).bounds must be a list of two numbers"),
                new Bad(
                        "tables:\n  - table: s.t\n    columns:\n      - {column: a, policy: HIDDEN, clas: x}",
                        ErrorCode.INVALID_POLICY,
                        "bad.yaml: tables[0] (s.t).columns[0] has an unknown key 'clas'"),
                new Bad(
                        "tables:\n  - table: s.t\n    min_group_size: [{size: 1}]",
                        ErrorCode.INVALID_POLICY,
                        "bad.yaml: tables[0] (s.t).min_group_size[0] is invalid: a minimum group size must be at least 2"),
                new Bad(
                        "tables:\n  - table: s.t\n    min_group_size: [{size: 5, mode: DROP}]",
                        ErrorCode.INVALID_POLICY,
                        "bad.yaml: tables[0] (s.t).min_group_size[0].mode must be SUPPRESS or REMAINDER"),
                new Bad(
                        "tables:\n  - table: s.t\n    domains: [{column: a, values: []}]",
                        ErrorCode.INVALID_POLICY,
                        "bad.yaml: tables[0] (s.t).domains[0] (a).values is empty"),
                new Bad(
                        "tables:\n  - table: s.t\n    row_filters: [{predicate: 3}]",
                        ErrorCode.INVALID_POLICY,
                        "bad.yaml: tables[0] (s.t).row_filters[0].predicate must be a non-empty string, got 3"));
        for (Bad c : cases) {
            VeilException e = assertThrows(VeilException.class, () -> PolicyYaml.read(c.yaml(), "bad.yaml"), c.yaml());
            assertEquals(c.code(), e.errorCode(), c.yaml() + " -> " + e.getMessage());
            assertTrue(e.getMessage().startsWith(c.expected()), c.yaml() + " -> " + e.getMessage());
        }
    }
}
