package dev.veil.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veil.ErrorCode;
import dev.veil.VeilException;
import dev.veil.catalog.Column;
import dev.veil.catalog.ColumnType;
import dev.veil.catalog.Principals.Principal;
import dev.veil.catalog.SqliteCatalog;
import dev.veil.catalog.TableName;
import dev.veil.policy.UnitPath.Hop;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Privacy units reached through chains of foreign keys ({@code VIA ... REFERENCES}), of any length. */
class UnitPathTest {
    private static final TableName REGION = new TableName("t", "region");
    private static final TableName CUSTOMER = new TableName("t", "customer");
    private static final TableName ORDERS = new TableName("t", "orders");
    private static final TableName LINEITEM = new TableName("t", "lineitem");
    private static final TableName SHIPMENT = new TableName("t", "shipment");
    private static final Principal ANALYST = new Principal("ana", Set.of("analyst"));

    @TempDir
    Path dir;

    private SqliteCatalog catalog;
    private SqlitePolicyStore store;

    @BeforeEach
    void open() {
        catalog = SqliteCatalog.open(dir.resolve(SqliteCatalog.FILE_NAME));
        catalog.createSchema("t", false);
        table(REGION, "r_key");
        table(CUSTOMER, "c_custkey", "c_regionkey");
        table(ORDERS, "o_orderkey", "o_custkey");
        table(LINEITEM, "l_linenumber", "l_orderkey");
        table(SHIPMENT, "s_id", "s_linenumber");
        store = new SqlitePolicyStore(catalog);
    }

    @AfterEach
    void close() {
        catalog.close();
    }

    private void table(TableName name, String... columns) {
        catalog.createTable(
                name,
                java.util.Arrays.stream(columns)
                        .map(c -> new Column(c, ColumnType.parse("BIGINT"), true))
                        .toList(),
                false);
    }

    private void via(TableName table, String fk, TableName parent, String pk) {
        store.setUnit(UnitPolicy.via(table, fk, new ColumnRef(parent, pk)));
    }

    @Test
    void aChainOfForeignKeysEndsAtTheUnitColumn() {
        store.setUnit(UnitPolicy.direct(CUSTOMER, "c_custkey"));
        via(ORDERS, "o_custkey", CUSTOMER, "c_custkey");
        via(LINEITEM, "l_orderkey", ORDERS, "o_orderkey");
        via(SHIPMENT, "s_linenumber", LINEITEM, "l_linenumber");
        assertEquals(Optional.of(new UnitPath(List.of(), CUSTOMER, "c_custkey")), store.unitPath(CUSTOMER));
        assertEquals(
                Optional.of(new UnitPath(
                        List.of(
                                new Hop(SHIPMENT, "s_linenumber", LINEITEM, "l_linenumber"),
                                new Hop(LINEITEM, "l_orderkey", ORDERS, "o_orderkey"),
                                new Hop(ORDERS, "o_custkey", CUSTOMER, "c_custkey")),
                        CUSTOMER,
                        "c_custkey")),
                store.unitPath(SHIPMENT));
        assertEquals(
                store.unitPath(SHIPMENT),
                new StoredPolicyResolver(catalog).access(SHIPMENT, ANALYST).unit());
        assertEquals(Optional.empty(), store.unitPath(REGION));
    }

    @Test
    void theUnitNeedNotBeTheReferencedKey() {
        // orders' unit is its customer column; lineitem reaches orders by the order key.
        store.setUnit(UnitPolicy.direct(ORDERS, "o_custkey"));
        via(LINEITEM, "l_orderkey", ORDERS, "o_orderkey");
        assertEquals(
                Optional.of(new UnitPath(
                        List.of(new Hop(LINEITEM, "l_orderkey", ORDERS, "o_orderkey")), ORDERS, "o_custkey")),
                store.unitPath(LINEITEM));
    }

    @Test
    void changingAParentsUnitMovesItsChildrenAlong() {
        store.setUnit(UnitPolicy.direct(CUSTOMER, "c_custkey"));
        via(ORDERS, "o_custkey", CUSTOMER, "c_custkey");
        store.setUnit(UnitPolicy.direct(REGION, "r_key"));
        via(CUSTOMER, "c_regionkey", REGION, "r_key");
        assertEquals(
                new UnitPath(
                        List.of(
                                new Hop(ORDERS, "o_custkey", CUSTOMER, "c_custkey"),
                                new Hop(CUSTOMER, "c_regionkey", REGION, "r_key")),
                        REGION,
                        "r_key"),
                store.unitPath(ORDERS).get());
    }

    @Test
    void aParentWithoutUnitIsRefusedWhenTheChildIsSet() {
        VeilException e = assertThrows(VeilException.class, () -> via(ORDERS, "o_custkey", CUSTOMER, "c_custkey"));
        assertEquals(ErrorCode.INVALID_POLICY, e.errorCode());
        assertEquals(
                "Policy PRIVACY UNIT VIA (o_custkey) REFERENCES t.customer (c_custkey) on 't.orders' is invalid: "
                        + "the parent table 't.customer' has no privacy unit; set one first",
                e.getMessage());
        assertEquals(Optional.empty(), store.unitPath(ORDERS));
    }

    @Test
    void cyclesOfAnyLengthAreRefused() {
        store.setUnit(UnitPolicy.direct(CUSTOMER, "c_custkey"));
        via(ORDERS, "o_custkey", CUSTOMER, "c_custkey");
        via(LINEITEM, "l_orderkey", ORDERS, "o_orderkey");
        VeilException e = assertThrows(VeilException.class, () -> via(CUSTOMER, "c_custkey", LINEITEM, "l_linenumber"));
        assertTrue(
                e.getMessage().contains("the VIA path t.customer -> t.lineitem -> t.orders -> t.customer is a cycle"),
                e.getMessage());
        assertEquals(Optional.of(new UnitPath(List.of(), CUSTOMER, "c_custkey")), store.unitPath(CUSTOMER));
    }

    @Test
    void aDroppedParentBreaksThePathAndTheResolverFailsClosed() {
        store.setUnit(UnitPolicy.direct(CUSTOMER, "c_custkey"));
        via(ORDERS, "o_custkey", CUSTOMER, "c_custkey");
        via(LINEITEM, "l_orderkey", ORDERS, "o_orderkey");
        catalog.dropTable(ORDERS, false);
        VeilException e =
                assertThrows(VeilException.class, () -> new StoredPolicyResolver(catalog).access(LINEITEM, ANALYST));
        assertEquals(ErrorCode.INVALID_POLICY, e.errorCode());
        assertEquals(
                "The privacy unit of 't.lineitem' cannot be resolved: its parent table 't.orders' no longer "
                        + "exists; an admin must repair the policy",
                e.getMessage());
        VeilException check = assertThrows(VeilException.class, store::checkPaths);
        assertTrue(check.getMessage().contains("'t.lineitem'"), check.getMessage());
        // A new table of the same name has no unit, which still fails closed.
        table(ORDERS, "o_orderkey", "o_custkey");
        assertThrows(VeilException.class, () -> store.unitPath(LINEITEM));
    }
}
