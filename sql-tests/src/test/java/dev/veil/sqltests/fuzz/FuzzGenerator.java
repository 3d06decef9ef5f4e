package dev.veil.sqltests.fuzz;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * Generates random, valid SQL over the demo schema ({@code shop.customers, products, orders,
 * order_lines, web_events} with the demo's policies): projections, filters (comparisons, IN,
 * BETWEEN, LIKE), GROUP BY combinations, aggregates, joins along the foreign-key paths, HAVING,
 * ORDER BY / LIMIT and sub-queries; and statements that must be rejected (hidden or aggregate-only
 * columns projected, raw rows, MIN/MAX over protected rows, the unit singled out, joins off the
 * path, set operations over protected rows).
 *
 * <p>Every group key and aggregate comes as a pair: what the analyst writes, and what an admin
 * writes to get the same value from the raw data (a masked column's mask spelled out), so that
 * an oracle query run as admin can recompute each released group and its distinct units.
 */
public final class FuzzGenerator {
    /** A value the analyst writes as {@code analyst} and an admin as {@code admin}. */
    record Expr(String analyst, String admin) {
        static Expr same(String sql) {
            return new Expr(sql, sql);
        }
    }

    /** A FROM clause: the analyst's, the oracle's (which may look the unit up), the unit, the aliases in it. */
    record Shape(String name, String from, String oracleFrom, String unit, List<String> aliases) {
        boolean isPublic() {
            return unit == null;
        }

        /** Whether the demo makes queries over it differentially private (orders, lines and events are). */
        boolean isDp() {
            return aliases.contains("o") || aliases.contains("l") || aliases.contains("w");
        }
    }

    private static final String LINES_UNIT_LOOKUP = " LEFT JOIN shop.orders ou ON ou.order_id = l.order_id";

    private static final List<Shape> SHAPES = List.of(
            new Shape("customers", "shop.customers c", "shop.customers c", "c.customer_id", List.of("c")),
            new Shape("orders", "shop.orders o", "shop.orders o", "o.customer_id", List.of("o")),
            new Shape(
                    "orders+customers",
                    "shop.orders o JOIN shop.customers c ON o.customer_id = c.customer_id",
                    "shop.orders o JOIN shop.customers c ON o.customer_id = c.customer_id",
                    "o.customer_id",
                    List.of("o", "c")),
            new Shape(
                    "lines",
                    "shop.order_lines l",
                    "shop.order_lines l" + LINES_UNIT_LOOKUP,
                    "ou.customer_id",
                    List.of("l")),
            new Shape(
                    "lines+orders",
                    "shop.order_lines l JOIN shop.orders o ON l.order_id = o.order_id",
                    "shop.order_lines l JOIN shop.orders o ON l.order_id = o.order_id",
                    "o.customer_id",
                    List.of("l", "o")),
            new Shape(
                    "lines+orders+customers",
                    "shop.order_lines l JOIN shop.orders o ON l.order_id = o.order_id"
                            + " JOIN shop.customers c ON c.customer_id = o.customer_id",
                    "shop.order_lines l JOIN shop.orders o ON l.order_id = o.order_id"
                            + " JOIN shop.customers c ON c.customer_id = o.customer_id",
                    "o.customer_id",
                    List.of("l", "o", "c")),
            new Shape(
                    "lines+products",
                    "shop.order_lines l JOIN shop.products p ON p.product_id = l.product_id",
                    "shop.order_lines l JOIN shop.products p ON p.product_id = l.product_id" + LINES_UNIT_LOOKUP,
                    "ou.customer_id",
                    List.of("l", "p")),
            new Shape("events", "shop.web_events w", "shop.web_events w", "w.customer_id", List.of("w")),
            new Shape(
                    "events+customers",
                    "shop.web_events w JOIN shop.customers c ON w.customer_id = c.customer_id",
                    "shop.web_events w JOIN shop.customers c ON w.customer_id = c.customer_id",
                    "w.customer_id",
                    List.of("w", "c")),
            new Shape("products", "shop.products p", "shop.products p", null, List.of("p")));

    private static final String[] CITIES = {
        "Lyon", "Porto", "Ghent", "Graz", "Turku", "Malmo", "Bilbao", "Brno", "Aarhus", "Bergen", "Cork", "Delft",
        "Esch", "Faro", "Gozo", "Hvar"
    };
    private static final String[] STATUSES = {"delivered", "shipped", "returned", "cancelled"};
    private static final String[] CHANNELS = {"web", "app", "store"};
    private static final String[] CATEGORIES = {
        "lighting", "seating", "tables", "storage", "textiles", "decor", "kitchen", "outdoor"
    };
    private static final String[] PAGES = {"/", "/search", "/product", "/cart", "/checkout", "/account", "/help"};
    private static final String[] DEVICES = {"mobile", "desktop", "tablet"};

    private final SplittableRandom random;

    public FuzzGenerator(long seed) {
        this.random = new SplittableRandom(seed);
    }

    private static List<Expr> keys(String alias) {
        return switch (alias) {
            case "c" ->
                List.of(
                        Expr.same("c.city"),
                        Expr.same("c.signup_date"),
                        Expr.same("EXTRACT(YEAR FROM c.signup_date)"),
                        new Expr("c.name", "CASE WHEN c.name IS NULL THEN NULL ELSE '***' END"),
                        new Expr("c.zip", "SUBSTRING(c.zip FROM 1 FOR 3)"),
                        Expr.same("EXTRACT(YEAR FROM c.birth_date)"),
                        Expr.same("SUBSTRING(c.phone FROM CHAR_LENGTH(c.phone) - 1)"));
            case "o" ->
                List.of(
                        Expr.same("o.status"),
                        Expr.same("o.channel"),
                        Expr.same("EXTRACT(MONTH FROM o.order_date)"),
                        Expr.same("o.order_date"));
            case "l" -> List.of(Expr.same("l.line_no"), Expr.same("l.product_id"));
            case "p" -> List.of(Expr.same("p.category"), Expr.same("p.product_id"), Expr.same("p.name"));
            case "w" ->
                List.of(
                        Expr.same("w.page"),
                        Expr.same("w.device"),
                        Expr.same("w.city"),
                        Expr.same("EXTRACT(MONTH FROM w.event_time)"));
            default -> throw new IllegalArgumentException(alias);
        };
    }

    private static List<String> measures(String alias) {
        return switch (alias) {
            case "c" -> List.of("COUNT(c.phone)", "COUNT(DISTINCT c.city)", "COUNT(DISTINCT c.customer_id)");
            case "o" -> List.of("COUNT(DISTINCT o.customer_id)", "COUNT(o.order_id)", "COUNT(DISTINCT o.status)");
            case "l" ->
                List.of(
                        "SUM(l.quantity)",
                        "AVG(l.quantity)",
                        "SUM(l.unit_price)",
                        "AVG(l.unit_price)",
                        "SUM(l.quantity * l.unit_price)",
                        "STDDEV_POP(l.quantity)");
            case "p" -> List.of("SUM(p.price)", "AVG(p.price)", "COUNT(DISTINCT p.category)");
            case "w" -> List.of("COUNT(w.customer_id)", "COUNT(DISTINCT w.page)");
            default -> throw new IllegalArgumentException(alias);
        };
    }

    private String filter(String alias) {
        return switch (alias) {
            case "c" ->
                pick(List.of(
                        "c.city = '" + pick(CITIES) + "'",
                        "c.city IN ('" + pick(CITIES) + "', '" + pick(CITIES) + "', '" + pick(CITIES) + "')",
                        "c.city <> '" + pick(CITIES) + "'",
                        "c.signup_date BETWEEN DATE '2019-0" + (1 + random.nextInt(9)) + "-01' AND DATE '202"
                                + (1 + random.nextInt(4)) + "-06-30'",
                        "c.city LIKE '" + pick(CITIES).substring(0, 1) + "%'"));
            case "o" ->
                pick(List.of(
                        "o.status = '" + pick(STATUSES) + "'",
                        "o.status <> '" + pick(STATUSES) + "'",
                        "o.channel IN ('" + pick(CHANNELS) + "', '" + pick(CHANNELS) + "')",
                        "o.order_date >= DATE '2024-" + String.format("%02d", 1 + random.nextInt(12)) + "-01'",
                        "o.order_date BETWEEN DATE '2024-03-01' AND DATE '2025-0" + (1 + random.nextInt(9)) + "-15'"));
            case "l" ->
                pick(List.of(
                        "l.quantity > " + random.nextInt(3),
                        "l.quantity IN (1, " + (1 + random.nextInt(3)) + ")",
                        "l.unit_price BETWEEN " + random.nextInt(500) + " AND " + (500 + random.nextInt(500)),
                        "l.unit_price > " + random.nextInt(1000),
                        "l.line_no = " + (1 + random.nextInt(4))));
            case "p" ->
                pick(List.of(
                        "p.category = '" + pick(CATEGORIES) + "'",
                        "p.category LIKE '" + pick(CATEGORIES).substring(0, 2) + "%'",
                        "p.price < " + (50 + random.nextInt(900)),
                        "p.product_id BETWEEN " + random.nextInt(30) + " AND " + (30 + random.nextInt(60))));
            case "w" ->
                pick(List.of(
                        "w.device = '" + pick(DEVICES) + "'",
                        "w.page LIKE '/" + pick(new String[] {"s", "p", "c", "ca", "he", "ac"}) + "%'",
                        "w.page IN ('" + pick(PAGES) + "', '" + pick(PAGES) + "')",
                        "w.city = '" + pick(CITIES) + "'"));
            default -> throw new IllegalArgumentException(alias);
        };
    }

    /** The next statement. */
    public FuzzQuery next() {
        Shape shape = pick(SHAPES);
        int dice = random.nextInt(100);
        if (!shape.isPublic() && dice < 25) {
            return mustReject(shape);
        }
        return grouped(shape);
    }

    private FuzzQuery grouped(Shape shape) {
        List<String> tags = new ArrayList<>();
        tags.add(shape.name());
        List<Expr> keys = new ArrayList<>();
        int keyCount = random.nextInt(4) == 0 ? 0 : 1 + random.nextInt(2);
        for (int i = 0; i < keyCount; i++) {
            Expr key = pick(keys(pick(shape.aliases())));
            if (!keys.contains(key)) {
                keys.add(key);
            }
        }
        List<String> aggregates = new ArrayList<>();
        aggregates.add("COUNT(*)");
        int more = random.nextInt(3);
        for (int i = 0; i < more; i++) {
            String measure = pick(measures(pick(shape.aliases())));
            if (!aggregates.contains(measure)) {
                aggregates.add(measure);
            }
        }
        if (shape.isPublic() && random.nextBoolean()) {
            aggregates.add(random.nextBoolean() ? "MIN(p.price)" : "MAX(p.name)");
        }
        List<String> filters = new ArrayList<>();
        int filterCount = random.nextInt(3);
        for (int i = 0; i < filterCount; i++) {
            filters.add(filter(pick(shape.aliases())));
        }
        boolean semiJoin = !shape.isPublic() && shape.aliases().contains("o") && random.nextInt(8) == 0;
        if (semiJoin) {
            filters.add("o.customer_id IN (SELECT c2.customer_id FROM shop.customers c2 WHERE c2.city = '"
                    + pick(CITIES) + "')");
            tags.add("in-subquery");
        }
        String where = filters.isEmpty() ? "" : " WHERE " + String.join(" AND ", filters);
        String having = "";
        if (!keys.isEmpty() && random.nextInt(4) == 0) {
            having = " HAVING COUNT(*) > " + random.nextInt(40);
            tags.add("having");
        }
        StringBuilder select = new StringBuilder("SELECT ");
        StringBuilder oracle = new StringBuilder("SELECT ");
        for (int i = 0; i < keys.size(); i++) {
            select.append(keys.get(i).analyst()).append(" AS k").append(i).append(", ");
            oracle.append(keys.get(i).admin()).append(" AS k").append(i).append(", ");
        }
        for (int i = 0; i < aggregates.size(); i++) {
            select.append(i == 0 ? "" : ", ")
                    .append(aggregates.get(i))
                    .append(" AS m")
                    .append(i);
            oracle.append(i == 0 ? "" : ", ")
                    .append(aggregates.get(i))
                    .append(" AS m")
                    .append(i);
        }
        String groupBy = keys.isEmpty()
                ? ""
                : " GROUP BY "
                        + String.join(", ", keys.stream().map(Expr::analyst).toList());
        String oracleGroupBy = keys.isEmpty()
                ? ""
                : " GROUP BY "
                        + String.join(", ", keys.stream().map(Expr::admin).toList());
        String sql = select + " FROM " + shape.from() + where + groupBy + having;
        boolean exact = true;
        int shapeDice = random.nextInt(10);
        if (shapeDice == 0) {
            sql = "SELECT * FROM (" + sql + ") t WHERE t.m0 > " + random.nextInt(20);
            exact = false;
            tags.add("outer-filter");
        } else if (shapeDice == 1 && !keys.isEmpty()) {
            sql = sql + " ORDER BY m0 DESC LIMIT " + (1 + random.nextInt(5));
            exact = false;
            tags.add("limit");
        } else if (shapeDice == 2) {
            sql = "WITH q AS (" + sql + ") SELECT * FROM q ORDER BY 1";
            tags.add("cte");
        }
        if (shape.isPublic()) {
            return new FuzzQuery(sql, Optional.empty(), Optional.empty(), keys.size(), exact, true, false, tags);
        }
        oracle.append(", COUNT(DISTINCT ")
                .append(shape.unit())
                .append(") AS units FROM ")
                .append(shape.oracleFrom())
                .append(where)
                .append(oracleGroupBy)
                .append(having);
        if (shape.isDp()) {
            tags.add("dp");
        }
        return new FuzzQuery(
                sql, Optional.of(oracle.toString()), Optional.empty(), keys.size(), exact, false, shape.isDp(), tags);
    }

    private FuzzQuery mustReject(Shape shape) {
        String alias = pick(shape.aliases());
        Expr key = pick(keys(alias));
        String from = " FROM " + shape.from();
        int kind = random.nextInt(8);
        String sql;
        String reason;
        switch (kind) {
            case 0 -> {
                sql = "SELECT " + key.analyst() + ", " + pick(List.of("1", "'x'")) + from
                        + (random.nextBoolean() ? "" : " WHERE " + filter(alias));
                reason = "raw rows of a protected table";
            }
            case 1 -> {
                String hidden = shape.aliases().contains("c")
                        ? "c.email"
                        : shape.aliases().contains("l") ? pick(List.of("l.unit_price", "l.quantity")) : null;
                if (hidden == null) {
                    sql = "SELECT " + key.analyst() + ", MAX(" + key.analyst() + ")" + from + " GROUP BY "
                            + key.analyst();
                    reason = "MAX over protected rows";
                } else {
                    sql = "SELECT " + hidden + ", COUNT(*)" + from + " GROUP BY " + hidden;
                    reason = "a hidden or aggregate-only column projected";
                }
            }
            case 2 -> {
                sql = "SELECT " + key.analyst() + ", " + pick(List.of("MIN", "MAX")) + "("
                        + pick(keys(alias)).analyst() + ")" + from + " GROUP BY " + key.analyst();
                reason = "MIN/MAX over protected rows";
            }
            case 3 -> {
                sql = "SELECT COUNT(*)" + from + " WHERE "
                        + shape.unit().replace("ou.", "l.").replace("l.customer_id", "l.order_id") + " = "
                        + (1 + random.nextInt(500));
                reason = "the unit compared with a constant";
            }
            case 4 -> {
                sql = "SELECT " + shape.unit().replace("ou.customer_id", "l.order_id") + ", COUNT(*)" + from
                        + " GROUP BY " + shape.unit().replace("ou.customer_id", "l.order_id");
                reason = "per-unit rows released";
            }
            case 5 -> {
                sql = "SELECT COUNT(*) FROM shop.orders o JOIN shop.customers c ON o.order_id = c.customer_id";
                reason = "protected tables joined off the path";
            }
            case 6 -> {
                sql = "SELECT " + key.analyst() + from + " UNION SELECT " + key.analyst() + from;
                reason = "UNION of protected rows";
            }
            default -> {
                sql = "SELECT COUNT(*) FROM (SELECT " + key.analyst() + from + " LIMIT " + (1 + random.nextInt(3))
                        + ") t";
                reason = "LIMIT below the boundary";
            }
        }
        return new FuzzQuery(
                sql,
                Optional.empty(),
                Optional.of(reason),
                0,
                false,
                false,
                shape.isDp(),
                List.of(shape.name(), "reject"));
    }

    private <T> T pick(List<T> items) {
        return items.get(random.nextInt(items.size()));
    }

    private String pick(String[] items) {
        return items[random.nextInt(items.length)];
    }
}
