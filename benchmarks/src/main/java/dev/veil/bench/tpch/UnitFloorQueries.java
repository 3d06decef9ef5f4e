package dev.veil.bench.tpch;

import java.util.Map;
import java.util.Objects;

/**
 * The least work any per-unit contribution bounding needs for each DP version of the federation
 * benchmark ({@link DpQueries}): the DP version's rows joined to their customer (the privacy unit)
 * and summed per (group, customer), which a design that bounds contributions and then adds noise
 * to the groups must compute before it can clamp or cap anything. The per-customer rows are summed
 * again in the engine that runs them (each per-customer aggregate feeds an outer one, so none is
 * pruned), so the figure is the engine's work without the transfer. Q1 and Q6 read only line items
 * as written; their floor adds the join to orders that finds each line's customer.
 */
final class UnitFloorQueries {
    private static final String Q1_SUMS = "count(*) as n, sum(l_quantity) as qty, sum(l_extendedprice) as price, "
            + "sum(l_extendedprice * (1 - l_discount)) as disc_price, "
            + "sum(l_extendedprice * (1 - l_discount) * (1 + l_tax)) as charge, sum(l_discount) as disc";
    private static final String REVENUE = "count(*) as n, sum(l_extendedprice * (1 - l_discount)) as r";

    private static final Map<String, String> FLOORS = Map.of(
            "q01",
            "select count(*), sum(n), sum(qty), sum(price), sum(disc_price), sum(charge), sum(disc) from (select "
                    + "l_returnflag, l_linestatus, o_custkey, " + Q1_SUMS + " from tpch.lineitem, tpch.orders where "
                    + "l_orderkey = o_orderkey and l_shipdate <= date '1998-12-01' - interval '90' day "
                    + "group by l_returnflag, l_linestatus, o_custkey) as t",
            "q03",
            "select count(*), sum(n), sum(r) from (select o_custkey, " + REVENUE + DpQueries.Q3_FROM
                    + " group by o_custkey) as t",
            "q05",
            "select count(*), sum(n), sum(r) from (select n_name, o_custkey, " + REVENUE + DpQueries.Q5_FROM
                    + " group by n_name, o_custkey) as t",
            "q06",
            "select count(*), sum(n), sum(r) from (select o_custkey, count(*) as n, "
                    + "sum(l_extendedprice * l_discount) as r from tpch.lineitem, tpch.orders where "
                    + "l_orderkey = o_orderkey and l_shipdate >= date '1994-01-01' and "
                    + "l_shipdate < date '1994-01-01' + interval '1' year and l_discount between 0.06 - 0.01 and "
                    + "0.06 + 0.01 and l_quantity < 24 group by o_custkey) as t",
            "q10",
            "select count(*), sum(n), sum(r) from (select o_custkey, " + REVENUE + DpQueries.Q10_FROM
                    + " group by o_custkey) as t",
            "q12",
            "select count(*), sum(high), sum(low) from (select l_shipmode, o_custkey, sum(case when o_orderpriority "
                    + "= '1-URGENT' or o_orderpriority = '2-HIGH' then 1 else 0 end) as high, sum(case when "
                    + "o_orderpriority <> '1-URGENT' and o_orderpriority <> '2-HIGH' then 1 else 0 end) as low"
                    + DpQueries.Q12_FROM + " group by l_shipmode, o_custkey) as t",
            "q18",
            "select count(*), sum(n), sum(q) from (select o_custkey, count(*) as n, sum(l_quantity) as q"
                    + DpQueries.Q18_FROM + " group by o_custkey) as t");

    private UnitFloorQueries() {}

    /** The floor query of the federation benchmark's query {@code name} (q01, q03, ... q18). */
    static String of(String name) {
        return Objects.requireNonNull(FLOORS.get(name), () -> "no floor query for " + name);
    }
}
