package dev.veil.bench.tpch;

import java.util.Map;

/**
 * The versions of the timed TPC-H queries that the analyst runs under differential privacy. Q3, Q10
 * and Q18 as written list single orders or customers (Q3 groups by order, Q10 and Q18 by customer),
 * which DP does not release: their DP versions are their count/sum variants, the number of join
 * results and the sum of the query's measure over them, without grouping, as in the DP join-query
 * literature (R2T). Every other query runs as written.
 */
final class DpQueries {
    static final String Q3_FROM = " from tpch.customer, tpch.orders, tpch.lineitem where c_mktsegment = "
            + "'BUILDING' and c_custkey = o_custkey and l_orderkey = o_orderkey and o_orderdate < date '1995-03-15' "
            + "and l_shipdate > date '1995-03-15'";
    static final String Q10_FROM = " from tpch.customer, tpch.orders, tpch.lineitem, tpch.nation where "
            + "c_custkey = o_custkey and l_orderkey = o_orderkey and o_orderdate >= date '1993-10-01' and "
            + "o_orderdate < date '1994-01-01' and l_returnflag = 'R' and c_nationkey = n_nationkey";
    static final String Q18_FROM = " from tpch.customer, tpch.orders, tpch.lineitem where o_orderkey in "
            + "(select l_orderkey from tpch.lineitem group by l_orderkey having sum(l_quantity) > 300) and "
            + "c_custkey = o_custkey and o_orderkey = l_orderkey";
    /**
     * R2T's Q18 (its artifact's {@code Query/Q18.txt}): every line item of every customer's orders,
     * without Q18's filter on large orders. Q18's own filter leaves 57 orders of 57 customers at SF 1,
     * a different question whose answer is a few thousand units of quantity.
     */
    static final String R2T_Q18_FROM =
            " from tpch.customer, tpch.orders, tpch.lineitem where c_custkey = o_custkey and o_orderkey = l_orderkey";
    /** R2T's Q3 (its artifact's {@code TestSystem/Q3.txt}): Q3's joins with other dates and no market segment. */
    static final String R2T_Q3_FROM = " from tpch.customer, tpch.orders, tpch.lineitem where c_custkey = o_custkey "
            + "and l_orderkey = o_orderkey and o_orderdate < date '1997-01-01' and l_shipdate > date '1994-01-01'";
    /** R2T's Q10 (its artifact's {@code Query/Q10.txt}): every order, with its customer and nation. */
    static final String R2T_Q10_FROM =
            " from tpch.orders, tpch.customer, tpch.nation where c_custkey = o_custkey and c_nationkey = n_nationkey";
    /** R2T's Q12 (its artifact's {@code Query/Q12.txt}): every line item with its order, the order as the unit. */
    static final String R2T_Q12_FROM = " from " + DpPolicies.ORDERS_SCHEMA + ".orders, " + DpPolicies.ORDERS_SCHEMA
            + ".lineitem where o_orderkey = l_orderkey";

    static final String Q5_FROM = " from tpch.customer, tpch.orders, tpch.lineitem, tpch.supplier, tpch.nation, "
            + "tpch.region where c_custkey = o_custkey and l_orderkey = o_orderkey and l_suppkey = s_suppkey and "
            + "c_nationkey = s_nationkey and s_nationkey = n_nationkey and n_regionkey = r_regionkey and "
            + "r_name = 'ASIA' and o_orderdate >= date '1994-01-01' and o_orderdate < date '1995-01-01'";
    static final String Q7_FROM = " from tpch.supplier, tpch.lineitem, tpch.orders, tpch.customer, tpch.nation n1, "
            + "tpch.nation n2 where s_suppkey = l_suppkey and o_orderkey = l_orderkey and c_custkey = o_custkey and "
            + "s_nationkey = n1.n_nationkey and c_nationkey = n2.n_nationkey and ((n1.n_name = 'FRANCE' and "
            + "n2.n_name = 'GERMANY') or (n1.n_name = 'GERMANY' and n2.n_name = 'FRANCE')) and "
            + "l_shipdate between date '1995-01-01' and date '1996-12-31'";
    /** Q12 with customer as the unit (its orders and lines reach the customer through the foreign keys). */
    static final String Q12_FROM = " from tpch.orders, tpch.lineitem where o_orderkey = l_orderkey and "
            + "l_shipmode in ('MAIL', 'SHIP') and l_commitdate < l_receiptdate and l_shipdate < l_commitdate and "
            + "l_receiptdate >= date '1994-01-01' and l_receiptdate < date '1995-01-01'";
    /** Q12 over the order-as-unit copy in {@value DpPolicies#ORDERS_SCHEMA}. */
    static final String Q12_ORDERS_FROM = " from " + DpPolicies.ORDERS_SCHEMA + ".orders, "
            + DpPolicies.ORDERS_SCHEMA + ".lineitem where o_orderkey = l_orderkey and l_shipmode in ('MAIL', 'SHIP') "
            + "and l_commitdate < l_receiptdate and l_shipdate < l_commitdate and l_receiptdate >= date '1994-01-01' "
            + "and l_receiptdate < date '1995-01-01'";

    /** The revenue measure of Q3 and Q10. */
    static final String REVENUE = "sum(l_extendedprice * (1 - l_discount))";

    private static final Map<String, String> VARIANTS = Map.of(
            "q03", "select count(*) as lines, " + REVENUE + " as revenue" + Q3_FROM,
            "q10", "select count(*) as lines, " + REVENUE + " as revenue" + Q10_FROM,
            "q18", "select count(*) as lines, sum(l_quantity) as quantity" + Q18_FROM);

    private DpQueries() {}

    /** The DP version of {@code query}, under the same name: its count/sum variant, or the query itself. */
    static MeasuredQuery of(MeasuredQuery query) {
        String variant = VARIANTS.get(query.name());
        return variant == null ? query : new MeasuredQuery(query.name(), variant);
    }

    /** Whether the DP version of the query named {@code name} is a count/sum variant rather than the query itself. */
    static boolean variant(String name) {
        return VARIANTS.containsKey(name);
    }
}
