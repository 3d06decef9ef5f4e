package dev.veil.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veil.catalog.Column;
import dev.veil.catalog.ColumnType;
import dev.veil.catalog.Principals;
import dev.veil.catalog.Principals.Principal;
import dev.veil.catalog.SqliteCatalog;
import dev.veil.catalog.TableName;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How stored policies resolve for users with different roles: the rules of {@link StoredPolicyResolver}. */
class StoredPolicyResolverTest {
    private static final TableName PEOPLE = new TableName("s", "people");
    private static final Principal ADMIN = new Principal("root", Set.of("admin", "support"));
    private static final Principal ANALYST = new Principal("ana", Set.of("analyst"));
    private static final Principal SUPPORT = new Principal("sam", Set.of("analyst", "support"));
    private static final Principal EU = new Principal("eve", Set.of("eu"));
    private static final Principal BOTH = new Principal("bo", Set.of("support", "eu"));

    @TempDir
    Path dir;

    private SqliteCatalog catalog;
    private SqlitePolicyStore store;
    private StoredPolicyResolver resolver;

    @BeforeEach
    void open() {
        catalog = SqliteCatalog.open(dir.resolve(SqliteCatalog.FILE_NAME));
        catalog.createSchema("s", false);
        catalog.createTable(
                PEOPLE,
                List.of(
                        column("id", "BIGINT"),
                        column("name", "VARCHAR"),
                        column("phone", "VARCHAR"),
                        column("born", "DATE"),
                        column("income", "DECIMAL(10,2)"),
                        column("score", "DOUBLE"),
                        column("region", "VARCHAR")),
                false);
        Principals principals = new Principals(catalog);
        principals.createRole("support", false);
        principals.createRole("eu", false);
        store = new SqlitePolicyStore(catalog);
        resolver = new StoredPolicyResolver(catalog);
    }

    @AfterEach
    void close() {
        catalog.close();
    }

    private static Column column(String name, String type) {
        return new Column(name, ColumnType.parse(type), true);
    }

    private void column(String column, Optional<String> role, ColumnClass c, Bounds bounds, Mask mask) {
        store.setColumnPolicy(
                new ColumnPolicy(PEOPLE, column, role, c, Optional.ofNullable(bounds), Optional.ofNullable(mask)));
    }

    private static Mask mask(MaskKind kind, String argument) {
        return argument == null ? Mask.of(kind) : Mask.of(kind, new BigDecimal(argument));
    }

    private static Bounds bounds(String lower, String upper) {
        return new Bounds(new BigDecimal(lower), new BigDecimal(upper));
    }

    /** A column's resolved class, mask and bounds, compared as text. */
    private String access(String column, Principal principal) {
        ColumnAccess a = resolver.access(PEOPLE, principal).column(column);
        return a.columnClass()
                + a.mask().map(m -> " " + m).orElse("")
                + a.bounds().map(b -> " " + b).orElse("");
    }

    @Test
    void adminsAreUnrestrictedWhateverElseTheyHold() {
        store.setUnit(UnitPolicy.direct(PEOPLE, "id"));
        column("phone", Optional.empty(), ColumnClass.HIDDEN, null, null);
        column("phone", Optional.of("support"), ColumnClass.HIDDEN, null, null);
        store.setRowFilter(new RowFilterPolicy(PEOPLE, Optional.empty(), "\"region\" = 'EU'"));
        assertEquals(TableAccess.unrestricted(PEOPLE), resolver.access(PEOPLE, ADMIN));
    }

    @Test
    void aTableWithoutPoliciesIsUnrestrictedForEveryone() {
        TableAccess access = resolver.access(PEOPLE, ANALYST);
        assertEquals(TableAccess.unrestricted(PEOPLE), access);
        assertEquals(ColumnClass.PUBLIC, access.column("phone").columnClass());
        assertEquals(
                TableAccess.unrestricted(new TableName("s", "nowhere")),
                resolver.access(new TableName("s", "nowhere"), ANALYST));
    }

    @Test
    void policiesForEveryRoleAndForOneRoleApplyToWhomTheyShould() {
        column("phone", Optional.empty(), ColumnClass.MASKED, null, mask(MaskKind.SHOW_LAST, "4"));
        column("name", Optional.of("support"), ColumnClass.HIDDEN, null, null);
        column("born", Optional.of("eu"), ColumnClass.MASKED, null, mask(MaskKind.YEAR, null));
        // principal -> {phone, name, born}
        Map<Principal, List<String>> expected = Map.of(
                ANALYST,
                List.of("MASKED SHOW_LAST(4)", "PUBLIC", "PUBLIC"),
                SUPPORT,
                List.of("MASKED SHOW_LAST(4)", "HIDDEN", "PUBLIC"),
                EU,
                List.of("MASKED SHOW_LAST(4)", "PUBLIC", "MASKED YEAR"),
                BOTH,
                List.of("MASKED SHOW_LAST(4)", "HIDDEN", "MASKED YEAR"),
                new Principal("nobody", Set.of()),
                List.of("MASKED SHOW_LAST(4)", "PUBLIC", "PUBLIC"));
        expected.forEach((principal, classes) -> assertEquals(
                classes,
                List.of(access("phone", principal), access("name", principal), access("born", principal)),
                principal.name()));
    }

    /** Two column policies for one user (every role, then support) and the access that results. */
    private record Pair(
            ColumnClass all,
            Mask allMask,
            Bounds allBounds,
            ColumnClass support,
            Mask supportMask,
            Bounds supportBounds,
            String expected) {}

    @Test
    void theMostRestrictiveColumnPolicyWins() {
        List<Pair> pairs = List.of(
                new Pair(ColumnClass.PUBLIC, null, null, ColumnClass.HIDDEN, null, null, "HIDDEN"),
                new Pair(ColumnClass.HIDDEN, null, null, ColumnClass.JOIN_ONLY, null, null, "HIDDEN"),
                new Pair(ColumnClass.AGGREGATE_ONLY, null, null, ColumnClass.JOIN_ONLY, null, null, "JOIN_ONLY"),
                new Pair(
                        ColumnClass.MASKED,
                        mask(MaskKind.BUCKET, "10"),
                        null,
                        ColumnClass.AGGREGATE_ONLY,
                        null,
                        bounds("0", "5"),
                        "AGGREGATE_ONLY (0, 5)"),
                new Pair(
                        ColumnClass.AGGREGATE_ONLY,
                        null,
                        null,
                        ColumnClass.AGGREGATE_ONLY,
                        null,
                        bounds("0", "100"),
                        "AGGREGATE_ONLY (0, 100)"),
                new Pair(
                        ColumnClass.AGGREGATE_ONLY,
                        null,
                        bounds("0", "100"),
                        ColumnClass.AGGREGATE_ONLY,
                        null,
                        bounds("50", "500"),
                        "AGGREGATE_ONLY (50, 100)"),
                new Pair(
                        ColumnClass.AGGREGATE_ONLY,
                        null,
                        bounds("0", "10"),
                        ColumnClass.AGGREGATE_ONLY,
                        null,
                        bounds("20", "30"),
                        "AGGREGATE_ONLY (10, 10)"),
                new Pair(
                        ColumnClass.MASKED,
                        mask(MaskKind.BUCKET, "10"),
                        null,
                        ColumnClass.MASKED,
                        mask(MaskKind.BUCKET, "100"),
                        null,
                        "MASKED BUCKET(100)"),
                new Pair(
                        ColumnClass.MASKED,
                        mask(MaskKind.BUCKET, "10"),
                        null,
                        ColumnClass.MASKED,
                        mask(MaskKind.BUCKET, "15"),
                        null,
                        "MASKED REDACT"),
                new Pair(
                        ColumnClass.MASKED,
                        mask(MaskKind.TRUNCATE, "1"),
                        null,
                        ColumnClass.MASKED,
                        mask(MaskKind.TRUNCATE, "0"),
                        null,
                        "MASKED TRUNCATE(0)"),
                new Pair(
                        ColumnClass.MASKED,
                        mask(MaskKind.HASH, null),
                        null,
                        ColumnClass.MASKED,
                        mask(MaskKind.TRUNCATE, "1"),
                        null,
                        "MASKED REDACT"),
                new Pair(
                        ColumnClass.MASKED,
                        mask(MaskKind.REDACT, null),
                        null,
                        ColumnClass.MASKED,
                        mask(MaskKind.NULLIFY, null),
                        null,
                        "MASKED NULLIFY"),
                new Pair(
                        ColumnClass.MASKED,
                        mask(MaskKind.HASH, null),
                        null,
                        ColumnClass.MASKED,
                        mask(MaskKind.HASH, null),
                        null,
                        "MASKED HASH"));
        for (Pair p : pairs) {
            store.setColumnPublic(PEOPLE, "score", Optional.empty());
            store.setColumnPublic(PEOPLE, "score", Optional.of("support"));
            if (p.all() != ColumnClass.PUBLIC) {
                column("score", Optional.empty(), p.all(), p.allBounds(), p.allMask());
            }
            column("score", Optional.of("support"), p.support(), p.supportBounds(), p.supportMask());
            assertEquals(p.expected(), access("score", SUPPORT), p.toString());
        }
    }

    @Test
    void yearIsCoarserThanMonthAndShowLastKeepsTheFewest() {
        column("born", Optional.empty(), ColumnClass.MASKED, null, mask(MaskKind.MONTH, null));
        column("born", Optional.of("support"), ColumnClass.MASKED, null, mask(MaskKind.YEAR, null));
        column("phone", Optional.empty(), ColumnClass.MASKED, null, mask(MaskKind.SHOW_LAST, "2"));
        column("phone", Optional.of("support"), ColumnClass.MASKED, null, mask(MaskKind.SHOW_LAST, "4"));
        assertEquals("MASKED YEAR", access("born", SUPPORT));
        assertEquals("MASKED MONTH", access("born", ANALYST));
        assertEquals("MASKED SHOW_LAST(2)", access("phone", SUPPORT));
        ColumnAccess born = resolver.access(PEOPLE, SUPPORT).column("born");
        assertTrue(born.policy().contains("MASKED USING YEAR on s.people.born for role 'support'"), born.policy());
    }

    @Test
    void everyApplicableRowFilterApplies() {
        store.setRowFilter(new RowFilterPolicy(PEOPLE, Optional.empty(), "\"score\" > 0"));
        store.setRowFilter(new RowFilterPolicy(PEOPLE, Optional.of("eu"), "\"region\" = 'EU'"));
        store.setRowFilter(new RowFilterPolicy(PEOPLE, Optional.of("support"), "\"name\" IS NOT NULL"));
        Map<Principal, Optional<String>> expected = Map.of(
                ANALYST, Optional.of("\"score\" > 0"),
                EU, Optional.of("(\"score\" > 0) AND (\"region\" = 'EU')"),
                BOTH, Optional.of("(\"score\" > 0) AND (\"region\" = 'EU') AND (\"name\" IS NOT NULL)"),
                ADMIN, Optional.empty());
        expected.forEach((principal, filter) ->
                assertEquals(filter, resolver.access(PEOPLE, principal).rowFilter(), principal.name()));
    }

    @Test
    void theLargestMinimumGroupSizeWinsAndSuppressBeatsRemainder() {
        store.setUnit(UnitPolicy.direct(PEOPLE, "id"));
        store.setMinGroupSize(new MinGroupSizePolicy(PEOPLE, Optional.empty(), new MinGroupSize(10, true)));
        store.setMinGroupSize(new MinGroupSizePolicy(PEOPLE, Optional.of("support"), new MinGroupSize(25, true)));
        store.setMinGroupSize(new MinGroupSizePolicy(PEOPLE, Optional.of("eu"), new MinGroupSize(10, false)));
        Map<Principal, Optional<MinGroupSize>> expected = Map.of(
                ANALYST, Optional.of(new MinGroupSize(10, true)),
                SUPPORT, Optional.of(new MinGroupSize(25, true)),
                EU, Optional.of(new MinGroupSize(10, false)),
                BOTH, Optional.of(new MinGroupSize(25, true)),
                ADMIN, Optional.empty());
        expected.forEach((principal, size) ->
                assertEquals(size, resolver.access(PEOPLE, principal).minGroupSize(), principal.name()));
    }

    @Test
    void appliedListsEveryPolicyThatApplies() {
        store.setUnit(UnitPolicy.direct(PEOPLE, "id"));
        store.setMinGroupSize(new MinGroupSizePolicy(PEOPLE, Optional.empty(), new MinGroupSize(5, false)));
        column("phone", Optional.of("eu"), ColumnClass.HIDDEN, null, null);
        column("income", Optional.empty(), ColumnClass.AGGREGATE_ONLY, bounds("0", "1e6"), null);
        store.setDomain(DomainPolicy.values(PEOPLE, "region", List.of("EU", "US")));
        TableAccess access = resolver.access(PEOPLE, ANALYST);
        assertEquals(
                List.of(
                        "PRIVACY UNIT (id) on s.people",
                        "MIN GROUP SIZE 5 SUPPRESS on s.people for every non-admin role",
                        "AGGREGATE ONLY BOUNDS (0, 1000000) on s.people.income for every non-admin role",
                        "DOMAIN IN ('EU', 'US') on s.people.region"),
                access.applied());
        assertEquals(Optional.of(new UnitPath(List.of(), PEOPLE, "id")), access.unit());
        assertTrue(access.isProtected());
    }
}
