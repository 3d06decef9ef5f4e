package dev.veil.rewrite;

import dev.veil.catalog.Column;
import dev.veil.catalog.ColumnType;
import dev.veil.catalog.Principals;
import dev.veil.catalog.Principals.Principal;
import dev.veil.catalog.TableName;
import dev.veil.exec.Optimizer;
import dev.veil.policy.Mask;
import dev.veil.policy.MaskKind;
import dev.veil.policy.PolicyResolver;
import dev.veil.sql.PlannerContext;
import dev.veil.sql.parser.VeilParser;
import dev.veil.storage.Warehouse;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.RelRoot;
import org.apache.calcite.sql.SqlNode;

/**
 * Measures the planning time the privacy rewrite adds on TPC-H Q3 and Q10: the median over 100
 * plans (after 300 warm-up plans, so that the JIT has compiled the planner) of validation + conversion + normalization, of the rewrite alone,
 * and of the optimizer, for an analyst without policies and with them. Not a test (nothing is
 * asserted; timings depend on the machine): run its {@code main} from the test classpath.
 */
public final class RewriteOverhead {
    private static final int WARMUP = Integer.getInteger("warmup", 300);
    private static final int RUNS = Integer.getInteger("runs", 100);

    private static final String Q3 = """
            select l_orderkey, sum(l_extendedprice * (1 - l_discount)) as revenue, o_orderdate, o_shippriority
            from tpch.customer, tpch.orders, tpch.lineitem
            where c_mktsegment = 'BUILDING' and c_custkey = o_custkey and l_orderkey = o_orderkey
              and o_orderdate < date '1995-03-15' and l_shipdate > date '1995-03-15'
            group by l_orderkey, o_orderdate, o_shippriority
            order by revenue desc, o_orderdate
            limit 10""";

    private static final String Q10 = """
            select c_custkey, c_name, sum(l_extendedprice * (1 - l_discount)) as revenue, c_acctbal, n_name,
              c_address, c_phone, c_comment
            from tpch.customer, tpch.orders, tpch.lineitem, tpch.nation
            where c_custkey = o_custkey and l_orderkey = o_orderkey and o_orderdate >= date '1993-10-01'
              and o_orderdate < date '1993-10-01' + interval '3' month and l_returnflag = 'R'
              and c_nationkey = n_nationkey
            group by c_custkey, c_name, c_acctbal, c_phone, n_name, c_address, c_comment
            order by revenue desc
            limit 20""";

    /** Q3 and Q10 grouped above the customer, as a privacy unit policy needs. */
    private static final String Q3_BY_DATE =
            Q3.replace("select l_orderkey, ", "select ").replace("group by l_orderkey, ", "group by ");

    private static final String Q10_BY_NATION = """
            select n_name, sum(l_extendedprice * (1 - l_discount)) as revenue, count(distinct c_custkey) as customers
            from tpch.customer, tpch.orders, tpch.lineitem, tpch.nation
            where c_custkey = o_custkey and l_orderkey = o_orderkey and o_orderdate >= date '1993-10-01'
              and o_orderdate < date '1993-10-01' + interval '3' month and l_returnflag = 'R'
              and c_nationkey = n_nationkey
            group by n_name
            order by revenue desc
            limit 20""";

    private RewriteOverhead() {}

    public static void main(String[] args) throws Exception {
        Path dir = Files.createTempDirectory("veil-rewrite-overhead");
        Warehouse warehouse = Warehouse.create(dir);
        try {
            createTables(warehouse);
            Principal analyst = new Principal("analyst1", Set.of(Principals.ANALYST));
            PolicyResolver none = UnrestrictedPolicies.INSTANCE;
            PolicyResolver columnsAndRows = new TestPolicies()
                    .masked("tpch.customer", "c_phone", Mask.of(MaskKind.SHOW_LAST, BigDecimal.valueOf(4)), null)
                    .masked("tpch.customer", "c_name", Mask.of(MaskKind.HASH), null)
                    .masked("tpch.customer", "c_address", Mask.of(MaskKind.REDACT), null)
                    .masked("tpch.customer", "c_comment", Mask.of(MaskKind.NULLIFY), null)
                    .aggregateOnly("tpch.lineitem", "l_extendedprice", "0", "100000", null)
                    .rowFilter("tpch.orders", "o_orderstatus <> 'X'", null);
            PolicyResolver units = new TestPolicies()
                    .unit("tpch.customer", "c_custkey")
                    .unitVia("tpch.orders", "o_custkey", "tpch.customer", "c_custkey")
                    .unitVia("tpch.lineitem", "l_orderkey", "tpch.orders", "o_orderkey")
                    .minGroupSize("tpch.customer", 10)
                    .minGroupSize("tpch.orders", 10)
                    .minGroupSize("tpch.lineitem", 10)
                    .masked("tpch.customer", "c_phone", Mask.of(MaskKind.SHOW_LAST, BigDecimal.valueOf(4)), null)
                    .aggregateOnly("tpch.lineitem", "l_extendedprice", "0", "100000", null)
                    .rowFilter("tpch.orders", "o_orderstatus <> 'X'", null);
            PrivacyRewriter rewriter = new PrivacyRewriter(MaskKey.of(dir));
            System.out.println("median of " + RUNS + " plans, milliseconds: front (validate, convert, normalize) "
                    + "| rewrite | optimize | total");
            measure("Q3, no policies", Q3, warehouse, analyst, none, rewriter);
            measure("Q3, masks + bounds + row filter", Q3, warehouse, analyst, columnsAndRows, rewriter);
            measure("Q10, no policies", Q10, warehouse, analyst, none, rewriter);
            measure("Q10, masks + bounds + row filter", Q10, warehouse, analyst, columnsAndRows, rewriter);
            measure("Q3 by date, no policies", Q3_BY_DATE, warehouse, analyst, none, rewriter);
            measure(
                    "Q3 by date, customer unit k=10 + column policies",
                    Q3_BY_DATE,
                    warehouse,
                    analyst,
                    units,
                    rewriter);
            measure("Q10 by nation, no policies", Q10_BY_NATION, warehouse, analyst, none, rewriter);
            measure(
                    "Q10 by nation, customer unit k=10 + column policies",
                    Q10_BY_NATION,
                    warehouse,
                    analyst,
                    units,
                    rewriter);
            measure("Q3 (per order), customer unit: all groups of 1 unit", Q3, warehouse, analyst, units, rewriter);
            measure("Q10 (per customer), customer unit", Q10, warehouse, analyst, units, rewriter);
        } finally {
            warehouse.close();
        }
    }

    private static void measure(
            String name,
            String sql,
            Warehouse warehouse,
            Principal principal,
            PolicyResolver policies,
            PrivacyRewriter rewriter) {
        long[] front = new long[RUNS];
        long[] rewrite = new long[RUNS];
        long[] optimize = new long[RUNS];
        long[] total = new long[RUNS];
        String outcome = "planned";
        for (int i = -WARMUP; i < RUNS; i++) {
            long t0 = System.nanoTime();
            PlannerContext planner = new PlannerContext(warehouse, principal, policies);
            SqlNode validated = planner.validate(VeilParser.parse(sql));
            RelRoot root = planner.toRel(validated);
            RelNode normalized = Optimizer.normalize(root.project());
            long t1 = System.nanoTime();
            RelNode rewritten = null;
            try {
                rewritten = rewriter.rewrite(normalized, principal).plan();
            } catch (RuntimeException e) {
                outcome = "rejected: "
                        + e.getMessage()
                                .substring(0, Math.min(60, e.getMessage().length())) + "...";
            }
            long t2 = System.nanoTime();
            if (rewritten != null) {
                Optimizer.optimize(rewritten);
            }
            long t3 = System.nanoTime();
            if (i >= 0) {
                front[i] = t1 - t0;
                rewrite[i] = t2 - t1;
                optimize[i] = t3 - t2;
                total[i] = t3 - t0;
            }
        }
        System.out.printf(
                Locale.ROOT,
                "%-55s %8.2f | %7.2f | %8.2f | %8.2f   (%s)%n",
                name,
                median(front),
                median(rewrite),
                median(optimize),
                median(total),
                outcome);
    }

    private static double median(long[] nanos) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2] / 1e6;
    }

    private static void createTables(Warehouse warehouse) {
        warehouse.catalog().createSchema("public", true);
        warehouse.catalog().createSchema("tpch", true);
        table(warehouse, "nation", "n_nationkey BIGINT", "n_name VARCHAR", "n_regionkey BIGINT", "n_comment VARCHAR");
        table(
                warehouse,
                "customer",
                "c_custkey BIGINT",
                "c_name VARCHAR",
                "c_address VARCHAR",
                "c_nationkey BIGINT",
                "c_phone VARCHAR",
                "c_acctbal DECIMAL(15,2)",
                "c_mktsegment VARCHAR",
                "c_comment VARCHAR");
        table(
                warehouse,
                "orders",
                "o_orderkey BIGINT",
                "o_custkey BIGINT",
                "o_orderstatus VARCHAR",
                "o_totalprice DECIMAL(15,2)",
                "o_orderdate DATE",
                "o_orderpriority VARCHAR",
                "o_clerk VARCHAR",
                "o_shippriority INTEGER",
                "o_comment VARCHAR");
        table(
                warehouse,
                "lineitem",
                "l_orderkey BIGINT",
                "l_partkey BIGINT",
                "l_suppkey BIGINT",
                "l_linenumber INTEGER",
                "l_quantity DECIMAL(15,2)",
                "l_extendedprice DECIMAL(15,2)",
                "l_discount DECIMAL(15,2)",
                "l_tax DECIMAL(15,2)",
                "l_returnflag VARCHAR",
                "l_linestatus VARCHAR",
                "l_shipdate DATE",
                "l_commitdate DATE",
                "l_receiptdate DATE",
                "l_shipinstruct VARCHAR",
                "l_shipmode VARCHAR",
                "l_comment VARCHAR");
    }

    private static void table(Warehouse warehouse, String name, String... columns) {
        List<Column> list = new ArrayList<>();
        for (String c : columns) {
            String[] parts = c.split(" ", 2);
            list.add(new Column(parts[0], ColumnType.parse(parts[1]), false));
        }
        warehouse.catalog().createTable(new TableName("tpch", name), list, false);
    }
}
