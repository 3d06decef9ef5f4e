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
        assertEquals(List.of("eu", "marketers", "support"), document.roles());
        assertTrue(document.complete());
        assertEquals(
                List.of(
                        CUSTOMERS,
                        ORDERS,
                        new TableName("shop", "lines"),
                        new TableName("crm", "consents"),
                        new TableName("web", "events"),
                        new TableName("hr", "salaries")),
                document.policies().stream().map(TablePolicies::table).toList());
        PolicyYaml.Document again = PolicyYaml.read(PolicyYaml.write(document), "again");
        assertEquals(document.policies(), again.policies());
        assertEquals(document.purposes(), again.purposes());
        assertEquals(document.schemas(), again.schemas());
        assertEquals(
                document.tables().stream().map(PolicyYaml.Entry::rules).toList(),
                again.tables().stream().map(PolicyYaml.Entry::rules).toList());
    }

    @Test
    void versionTwoCarriesEveryRuleAndReadsBack() {
        TableName events = new TableName("web", "events");
        TableName consents = new TableName("crm", "consents");
        PolicyYaml.Document document = new PolicyYaml.Document(
                List.of(),
                List.of(new PurposeRules(
                        new dev.veil.catalog.Purposes.Purpose(
                                "marketing", Optional.of("newsletters: it's opt-in"), java.util.OptionalInt.of(365)),
                        new Grantees(List.of("marketers"), List.of("bob")),
                        new Grantees(List.of("marketers"), List.of()))),
                List.of(new SchemaRules(
                        "hr",
                        true,
                        true,
                        new Grantees(List.of("hr_team"), List.of()),
                        new Grantees(List.of(), List.of("ann")))),
                List.of(
                        new PolicyYaml.Entry(
                                "crm.consents",
                                TablePolicies.none(consents),
                                new TableRules(
                                        consents,
                                        false,
                                        java.util.Map.of(),
                                        false,
                                        Optional.of(new ConsentSource(
                                                consents,
                                                "customer_id",
                                                CUSTOMERS,
                                                "id",
                                                "purpose",
                                                "category",
                                                "granted_at",
                                                "expires_at",
                                                Optional.of("withdrawn_at"))),
                                        Optional.empty(),
                                        Grantees.none())),
                        new PolicyYaml.Entry(
                                "shop.orders",
                                new TablePolicies(
                                        ORDERS,
                                        Optional.of(
                                                UnitPolicy.via(ORDERS, "customer_id", new ColumnRef(CUSTOMERS, "id"))),
                                        List.of(),
                                        List.of(),
                                        List.of(),
                                        List.of()),
                                new TableRules(
                                        ORDERS,
                                        true,
                                        java.util.Map.of("phone", "contact", "address", "location"),
                                        true,
                                        Optional.empty(),
                                        Optional.empty(),
                                        new Grantees(List.of("support"), List.of("carol")))),
                        new PolicyYaml.Entry(
                                "web.events",
                                TablePolicies.none(events),
                                new TableRules(
                                        events,
                                        false,
                                        java.util.Map.of(),
                                        false,
                                        Optional.empty(),
                                        Optional.of(new Retention(400, "event_time")),
                                        Grantees.none()))),
                true);
        String yaml = PolicyYaml.write(document);
        assertEquals("""
                # Veil policies. Apply with: veil policy apply --warehouse DIR FILE
                # Format: docs/policy-yaml.md
                version: 2
                roles:
                  - hr_team
                  - marketers
                  - support
                purposes:
                  - purpose: marketing
                    comment: "newsletters: it's opt-in"
                    renewal_days: 365
                    granted_to:
                      roles:
                        - marketers
                      users:
                        - bob
                    default_for:
                      roles:
                        - marketers
                schemas:
                  - schema: hr
                    access: RESTRICTED
                    consent_required: true
                    select:
                      roles:
                        - hr_team
                    create:
                      users:
                        - ann
                tables:
                  - table: crm.consents
                    consent_source:
                      unit: customer_id
                      references:
                        table: shop.customers
                        column: id
                      purpose: purpose
                      category: category
                      granted: granted_at
                      expires: expires_at
                      withdrawn: withdrawn_at
                  - table: shop.orders
                    privacy_unit:
                      via: customer_id
                      references:
                        table: shop.customers
                        column: id
                      on_erase: SET NULL
                    categories:
                      address: location
                      phone: contact
                    consent_required: true
                    select:
                      roles:
                        - support
                      users:
                        - carol
                  - table: web.events
                    retention:
                      days: 400
                      column: event_time
                """, yaml);
        PolicyYaml.Document read = PolicyYaml.read(yaml, "policies.yaml");
        assertTrue(read.complete());
        assertEquals(List.of("hr_team", "marketers", "support"), read.roles());
        assertEquals(document.purposes(), read.purposes());
        assertEquals(document.schemas(), read.schemas());
        assertEquals(document.policies(), read.policies());
        assertEquals(
                document.tables().stream().map(PolicyYaml.Entry::rules).toList(),
                read.tables().stream().map(PolicyYaml.Entry::rules).toList());
        assertEquals(yaml, PolicyYaml.write(read));
    }

    @Test
    void aVersionOneFileLeavesTheRulesAlone() {
        assertTrue(!PolicyYaml.read("tables:\n  - table: s.t\n    privacy_unit: {column: id}", "f")
                .complete());
        assertTrue(!PolicyYaml.read("version: 1\ntables: []", "f").complete());
        assertTrue(PolicyYaml.read("version: 2\ntables: []", "f").complete());
        // A rule key alone makes a file without a version complete.
        assertTrue(PolicyYaml.read("tables:\n  - table: s.t\n    consent_required: false", "f")
                .complete());
    }

    /** A file that must not read, and the words its error must hold. */
    private record Bad(String yaml, ErrorCode code, String expected) {}

    @Test
    void badFilesFailNamingTheEntry() {
        List<Bad> cases = List.of(
                new Bad("tables: [", ErrorCode.BAD_INPUT_FILE, "bad.yaml line 1, column 10: not valid YAML"),
                new Bad("", ErrorCode.INVALID_POLICY, "bad.yaml: the file is empty"),
                new Bad(
                        "version: 3\ntables: []",
                        ErrorCode.INVALID_POLICY,
                        "bad.yaml: version is 3; this Veil reads versions 1 to 2"),
                new Bad(
                        "version: 1\ntables:\n  - table: s.t\n    consent_required: true",
                        ErrorCode.INVALID_POLICY,
                        "bad.yaml: version is 1, but the file has keys of version 2"),
                new Bad(
                        "version: 1\nschemas: [{schema: s, access: RESTRICTED}]\ntables: []",
                        ErrorCode.INVALID_POLICY,
                        "bad.yaml: version is 1, but the file has keys of version 2"),
                new Bad(
                        "tables:\n  - table: s.t\n  - table: s.t",
                        ErrorCode.INVALID_POLICY,
                        "bad.yaml: tables[1] (s.t) names a table that an earlier entry names"),
                new Bad(
                        "tables:\n  - table: s.t\n    privacy_unit: {column: id, on_erase: SET NULL}",
                        ErrorCode.INVALID_POLICY,
                        "bad.yaml: tables[0] (s.t).privacy_unit.on_erase is SET NULL, which only a 'via' unit can be"),
                new Bad(
                        "tables:\n  - table: s.t\n    privacy_unit: {via: a, references: {table: s.p, column: id},"
                                + " on_erase: KEEP}",
                        ErrorCode.INVALID_POLICY,
                        "bad.yaml: tables[0] (s.t).privacy_unit.on_erase must be DELETE or SET NULL, got 'KEEP'"),
                new Bad(
                        "tables:\n  - table: s.t\n    categories: {email: Contact}",
                        ErrorCode.INVALID_POLICY,
                        "bad.yaml: tables[0] (s.t).categories.email is 'Contact'; a category is a lower-case name"),
                new Bad(
                        "tables:\n  - table: s.t\n    consent_required: yes please",
                        ErrorCode.INVALID_POLICY,
                        "bad.yaml: tables[0] (s.t).consent_required must be true or false"),
                new Bad(
                        "tables:\n  - table: s.t\n    retention: {days: 0, column: t}",
                        ErrorCode.INVALID_POLICY,
                        "bad.yaml: tables[0] (s.t).retention.days must be between 1 and 365000"),
                new Bad(
                        "tables:\n  - table: s.t\n    consent_source: {unit: u, purpose: p, category: c, granted: g,"
                                + " expires: e}",
                        ErrorCode.INVALID_POLICY,
                        "bad.yaml: tables[0] (s.t).consent_source has no 'references'"),
                new Bad(
                        "tables:\n  - table: s.t\n    select: {roles: [a], groups: [b]}",
                        ErrorCode.INVALID_POLICY,
                        "bad.yaml: tables[0] (s.t).select has an unknown key 'groups'"),
                new Bad(
                        "schemas: [{schema: s, access: CLOSED}]\ntables: []",
                        ErrorCode.INVALID_POLICY,
                        "bad.yaml: schemas[0] (s).access must be RESTRICTED or OPEN, got 'CLOSED'"),
                new Bad(
                        "purposes: [{purpose: administration}]\ntables: []",
                        ErrorCode.INVALID_POLICY,
                        "bad.yaml: purposes[0] (administration) is the built-in purpose"),
                new Bad(
                        "purposes: [{purpose: m, renewal_days: 40000}]\ntables: []",
                        ErrorCode.INVALID_POLICY,
                        "bad.yaml: purposes[0] (m).renewal_days must be between 1 and 36500"),
                new Bad(
                        "purposes:\n  - {purpose: a, default_for: {roles: [r]}}\n  - {purpose: b, default_for: {roles:"
                                + " [r]}}\ntables: []",
                        ErrorCode.INVALID_POLICY,
                        "bad.yaml: purposes[1] (b).default_for names role r, whose default is already a"),
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
