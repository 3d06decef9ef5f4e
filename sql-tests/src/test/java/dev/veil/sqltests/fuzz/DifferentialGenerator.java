package dev.veil.sqltests.fuzz;

import static java.util.Objects.requireNonNull;

import dev.veil.sqltests.RowOrder;
import dev.veil.sqltests.fuzz.DifferentialSchema.Column;
import dev.veil.sqltests.fuzz.DifferentialSchema.Edge;
import dev.veil.sqltests.fuzz.DifferentialSchema.Kind;
import dev.veil.sqltests.fuzz.DifferentialSchema.Table;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Generates random, valid SQL over {@link DifferentialSchema}'s tables, in the dialect Veil and
 * DuckDB share, for an administrator (raw data): filters (comparisons, ranges, BETWEEN, IN lists,
 * LIKE, IS NULL, AND/OR/NOT, scalar sub-queries; selective and empty), projections with
 * arithmetic, CASE, CAST and COALESCE, inner and left joins along the foreign keys, semi-joins
 * ({@code IN}, {@code EXISTS}) and anti-joins ({@code NOT IN}, {@code NOT EXISTS}), GROUP BY one to
 * three keys with COUNT, COUNT(DISTINCT), SUM, AVG, MIN and MAX (of expressions too), HAVING,
 * ORDER BY with LIMIT (always a total order, so that the rows kept are determined), correlated
 * scalar sub-queries and global aggregates.
 *
 * <p>Every query is a function of the {@link Random} it is given, so a query's seed replays it.
 */
final class DifferentialGenerator {
    /** A table in a FROM clause: its alias, and whether an outer join may make its columns NULL. */
    private record Ref(String alias, Table table) {}

    /** A column as the query spells it. */
    private record ColumnRef(String sql, Column column) {}

    /** An expression and the kind of its value. */
    private record Expr(String sql, Kind kind) {}

    private static final List<String> WORDS = List.of(
            "furious",
            "quick",
            "special",
            "requests",
            "deposits",
            "carefully",
            "ironic",
            "pending",
            "final",
            "Customer#00000001",
            "Clerk#0000001",
            "green",
            "STEEL",
            "PROMO",
            "a",
            "");

    private static final List<String> SMALL_TABLES = List.of("tpch.supplier", "tpch.nation", "tpch.region", "fz.edge");

    private final DifferentialSchema schema;
    private Random random;
    private int aliases;

    DifferentialGenerator(DifferentialSchema schema) {
        this.schema = requireNonNull(schema, "schema is null");
    }

    /** A new query, drawn from {@code random}. */
    DifferentialQuery next(Random random) {
        this.random = requireNonNull(random, "random is null");
        this.aliases = 0;
        int shape = random.nextInt(100);
        if (shape < 40) {
            return grouped();
        }
        if (shape < 62) {
            return global();
        }
        return projection();
    }

    // ---- query shapes

    private DifferentialQuery grouped() {
        List<Ref> from = new ArrayList<>();
        String fromSql = from(from);
        List<ColumnRef> columns = columns(from);
        int keyCount = 1 + random.nextInt(random.nextInt(4) == 0 ? 3 : 2);
        List<Expr> keys = new ArrayList<>();
        boolean highCardinality = false;
        for (int i = 0; i < keyCount; i++) {
            Expr key = groupKey(columns);
            if (keys.stream().noneMatch(k -> k.sql().equals(key.sql()))) {
                keys.add(key);
            }
        }
        for (Expr key : keys) {
            highCardinality |= !isLowCardinality(key, columns);
        }
        List<String> select = new ArrayList<>();
        for (Expr key : keys) {
            select.add(key.sql());
        }
        int aggregateCount = 1 + random.nextInt(4);
        int countColumn = -1;
        for (int i = 0; i < aggregateCount; i++) {
            String aggregate = aggregate(columns);
            if (aggregate.equals("COUNT(*)") && countColumn < 0) {
                countColumn = select.size() + 1;
            }
            select.add(aggregate);
        }
        StringBuilder sql = new StringBuilder("SELECT ")
                .append(aliased(select))
                .append(" FROM ")
                .append(fromSql);
        where(sql, from, columns);
        sql.append(" GROUP BY ");
        for (int i = 0; i < keys.size(); i++) {
            sql.append(i == 0 ? "" : ", ").append(keys.get(i).sql());
        }
        if (random.nextInt(4) == 0) {
            sql.append(" HAVING ").append(havingPredicate(columns));
        }
        boolean limit = highCardinality || random.nextInt(3) == 0;
        if (!limit) {
            return new DifferentialQuery(sql.toString(), RowOrder.UNORDERED);
        }
        List<Integer> orderKeys = new ArrayList<>();
        sql.append(" ORDER BY ");
        if (countColumn > 0 && random.nextBoolean()) {
            orderKeys.add(countColumn);
            sql.append("c").append(countColumn).append(random.nextBoolean() ? " DESC, " : ", ");
        }
        for (int i = 0; i < keys.size(); i++) {
            orderKeys.add(i + 1);
            sql.append(i == 0 ? "" : ", ").append("c").append(i + 1).append(direction());
        }
        sql.append(" LIMIT ").append(1 + random.nextInt(30));
        return new DifferentialQuery(sql.toString(), new RowOrder(orderKeys));
    }

    private DifferentialQuery global() {
        List<Ref> from = new ArrayList<>();
        String fromSql = from(from);
        List<ColumnRef> columns = columns(from);
        List<String> select = new ArrayList<>();
        int aggregateCount = 1 + random.nextInt(4);
        for (int i = 0; i < aggregateCount; i++) {
            select.add(aggregate(columns));
        }
        StringBuilder sql = new StringBuilder("SELECT ")
                .append(aliased(select))
                .append(" FROM ")
                .append(fromSql);
        where(sql, from, columns);
        return new DifferentialQuery(sql.toString(), RowOrder.UNORDERED);
    }

    private DifferentialQuery projection() {
        List<Ref> from = new ArrayList<>();
        String fromSql = from(from);
        List<ColumnRef> columns = columns(from);
        List<String> select = new ArrayList<>();
        int count = 1 + random.nextInt(4);
        for (int i = 0; i < count; i++) {
            int kind = random.nextInt(10);
            if (kind < 4) {
                select.add(pick(columns).sql());
            } else if (kind < 7) {
                select.add(numeric(columns, 1).sql());
            } else if (kind < 8) {
                select.add(correlatedScalar(from));
            } else {
                select.add(anyExpression(columns).sql());
            }
        }
        boolean distinct = random.nextInt(5) == 0;
        StringBuilder sql = new StringBuilder("SELECT ")
                .append(distinct ? "DISTINCT " : "")
                .append(aliased(select))
                .append(" FROM ")
                .append(fromSql);
        where(sql, from, columns);
        List<Integer> orderKeys = new ArrayList<>();
        sql.append(" ORDER BY ");
        for (int i = 0; i < select.size(); i++) {
            orderKeys.add(i + 1);
            sql.append(i == 0 ? "" : ", ").append("c").append(i + 1).append(direction());
        }
        sql.append(" LIMIT ").append(1 + random.nextInt(40));
        if (random.nextInt(6) == 0) {
            sql.append(" OFFSET ").append(random.nextInt(20));
        }
        return new DifferentialQuery(sql.toString(), new RowOrder(orderKeys));
    }

    // ---- FROM, WHERE

    /** A FROM clause of one to three tables joined along foreign keys; fills {@code refs}. */
    private String from(List<Ref> refs) {
        Table first = firstTable();
        Ref ref = new Ref(alias(), first);
        refs.add(ref);
        StringBuilder sql = new StringBuilder(first.name()).append(' ').append(ref.alias());
        int joins = random.nextInt(10) < 5 ? 0 : random.nextInt(10) < 7 ? 1 : 2;
        for (int j = 0; j < joins; j++) {
            List<Edge> candidates = new ArrayList<>();
            List<Boolean> flipped = new ArrayList<>();
            for (Edge edge : schema.edges) {
                if (contains(refs, edge.left().table())
                        && !contains(refs, edge.right().table())) {
                    candidates.add(edge);
                    flipped.add(false);
                } else if (contains(refs, edge.right().table())
                        && !contains(refs, edge.left().table())) {
                    candidates.add(edge);
                    flipped.add(true);
                }
            }
            if (candidates.isEmpty()) {
                break;
            }
            int choice = random.nextInt(candidates.size());
            Edge edge = candidates.get(choice);
            Column mine = flipped.get(choice) ? edge.right() : edge.left();
            Column theirs = flipped.get(choice) ? edge.left() : edge.right();
            Ref joined = new Ref(alias(), table(theirs.table()));
            Ref existing = refFor(refs, mine.table());
            boolean left = random.nextInt(10) < 3;
            sql.append(left ? " LEFT JOIN " : " JOIN ")
                    .append(joined.table().name())
                    .append(' ')
                    .append(joined.alias())
                    .append(" ON ")
                    .append(existing.alias())
                    .append('.')
                    .append(mine.name())
                    .append(" = ")
                    .append(joined.alias())
                    .append('.')
                    .append(theirs.name());
            if (random.nextInt(5) == 0) {
                sql.append(" AND ").append(predicate(columns(List.of(joined)), 0));
            }
            refs.add(joined);
        }
        return sql.toString();
    }

    private void where(StringBuilder sql, List<Ref> from, List<ColumnRef> columns) {
        List<String> conjuncts = new ArrayList<>();
        if (random.nextInt(10) < 7) {
            conjuncts.add(predicate(columns, random.nextInt(3)));
        }
        if (random.nextInt(10) < 3) {
            conjuncts.add(semiJoin(from));
        }
        // An uncorrelated scalar sub-query is the inner side of a nested-loop join, computed again
        // for each outer row: over TPC-H's 60,000 lines that takes tens of seconds a path, so only
        // queries of small tables get one.
        if (random.nextInt(12) == 0
                && from.stream().allMatch(r -> SMALL_TABLES.contains(r.table().name()))) {
            conjuncts.add(scalarComparison(columns));
        }
        if (conjuncts.isEmpty()) {
            return;
        }
        sql.append(" WHERE ").append(String.join(" AND ", conjuncts));
    }

    /** {@code [NOT] EXISTS (...)} or {@code x [NOT] IN (SELECT ...)} along a foreign key of a table in {@code from}. */
    private String semiJoin(List<Ref> from) {
        List<Edge> candidates = new ArrayList<>();
        List<Boolean> flipped = new ArrayList<>();
        for (Edge edge : schema.edges) {
            if (contains(from, edge.left().table())) {
                candidates.add(edge);
                flipped.add(false);
            }
            if (contains(from, edge.right().table())) {
                candidates.add(edge);
                flipped.add(true);
            }
        }
        int choice = random.nextInt(candidates.size());
        Edge edge = candidates.get(choice);
        Column mine = flipped.get(choice) ? edge.right() : edge.left();
        Column theirs = flipped.get(choice) ? edge.left() : edge.right();
        String outer = refFor(from, mine.table()).alias() + "." + mine.name();
        Ref inner = new Ref(alias(), table(theirs.table()));
        String innerFilter = random.nextInt(3) == 0 ? "" : predicate(columns(List.of(inner)), random.nextInt(2));
        String innerTable = inner.table().name() + " " + inner.alias();
        String innerKey = inner.alias() + "." + theirs.name();
        boolean negated = random.nextBoolean();
        // NOT IN becomes a join with the sub-query's row counts, a nested-loop join whose inner side
        // is computed again for each outer row (see scalarComparison): over large tables, NOT EXISTS.
        boolean small =
                from.stream().allMatch(r -> SMALL_TABLES.contains(r.table().name()));
        if (random.nextBoolean() || (negated && !small)) {
            return (negated ? "NOT " : "") + "EXISTS (SELECT 1 FROM " + innerTable + " WHERE " + innerKey + " = "
                    + outer + (innerFilter.isEmpty() ? "" : " AND " + innerFilter) + ")";
        }
        return outer + (negated ? " NOT IN " : " IN ") + "(SELECT " + innerKey + " FROM " + innerTable
                + (innerFilter.isEmpty() ? "" : " WHERE " + innerFilter) + ")";
    }

    /** A column compared with an uncorrelated scalar sub-query's MIN, MAX, SUM or COUNT. */
    private String scalarComparison(List<ColumnRef> columns) {
        List<ColumnRef> numeric =
                columns.stream().filter(c -> c.column().kind().numeric()).toList();
        if (numeric.isEmpty()) {
            return "TRUE";
        }
        ColumnRef column = pick(numeric);
        Table table = table(column.column().table());
        Ref inner = new Ref(alias(), table);
        String function = pick(List.of("MIN", "MAX", "SUM", "COUNT"));
        String filter = random.nextBoolean() ? "" : " WHERE " + predicate(columns(List.of(inner)), 0);
        return column.sql() + " " + pick(List.of("<", ">", "<=", ">=", "=", "<>")) + " (SELECT " + function + "("
                + inner.alias() + "." + column.column().name() + ") FROM " + table.name() + " " + inner.alias() + filter
                + ")";
    }

    /** A correlated scalar sub-query: how many rows of a table joined along a foreign key match this row. */
    private String correlatedScalar(List<Ref> from) {
        List<Edge> candidates = new ArrayList<>();
        List<Boolean> flipped = new ArrayList<>();
        for (Edge edge : schema.edges) {
            if (contains(from, edge.left().table())) {
                candidates.add(edge);
                flipped.add(false);
            }
            if (contains(from, edge.right().table())) {
                candidates.add(edge);
                flipped.add(true);
            }
        }
        int choice = random.nextInt(candidates.size());
        Edge edge = candidates.get(choice);
        Column mine = flipped.get(choice) ? edge.right() : edge.left();
        Column theirs = flipped.get(choice) ? edge.left() : edge.right();
        Ref inner = new Ref(alias(), table(theirs.table()));
        String function = random.nextBoolean() ? "COUNT(*)" : "MAX(" + inner.alias() + "." + theirs.name() + ")";
        return "(SELECT " + function + " FROM " + inner.table().name() + " " + inner.alias() + " WHERE "
                + inner.alias() + "." + theirs.name() + " = "
                + refFor(from, mine.table()).alias() + "." + mine.name()
                + ")";
    }

    // ---- predicates

    private String predicate(List<ColumnRef> columns, int depth) {
        if (depth > 0) {
            int kind = random.nextInt(10);
            if (kind < 4) {
                return "(" + predicate(columns, depth - 1) + " AND " + predicate(columns, depth - 1) + ")";
            }
            if (kind < 8) {
                return "(" + predicate(columns, depth - 1) + " OR " + predicate(columns, depth - 1) + ")";
            }
            return "NOT (" + predicate(columns, depth - 1) + ")";
        }
        ColumnRef column = pick(columns);
        Column c = column.column();
        String sql = column.sql();
        int kind = random.nextInt(10);
        if (kind == 0) {
            return sql + (random.nextBoolean() ? " IS NULL" : " IS NOT NULL");
        }
        switch (c.kind()) {
            case BOOL:
                return pick(List.of(sql, "NOT " + sql, sql + " = TRUE", sql + " <> FALSE"));
            case STR:
                if (c.values().isEmpty() || kind < 3) {
                    String word = pick(WORDS);
                    String pattern = pick(List.of("%" + word + "%", word + "%", "%" + word, "%_" + word + "%"));
                    return sql + (random.nextInt(4) == 0 ? " NOT LIKE " : " LIKE ") + quote(pattern);
                }
                return comparison(column);
            default:
                if (kind < 3 && c.kind().numeric()) {
                    Expr expression = numeric(columnsOf(columns, c.table()), 0);
                    return expression.sql() + " " + operator() + " " + literal(c);
                }
                if (kind < 4) {
                    List<ColumnRef> same = columns.stream()
                            .filter(o -> o.column().kind() == c.kind()
                                    || (o.column().kind().numeric() && c.kind().numeric()))
                            .toList();
                    return sql + " " + operator() + " " + pick(same).sql();
                }
                return comparison(column);
        }
    }

    /** A comparison of a column with literals: an operator, BETWEEN, or an IN list. */
    private String comparison(ColumnRef column) {
        Column c = column.column();
        int kind = random.nextInt(10);
        if (kind < 5) {
            return column.sql() + " " + operator() + " " + literal(c);
        }
        if (kind < 7) {
            String low = literal(c);
            String high = literal(c);
            return column.sql() + (random.nextInt(5) == 0 ? " NOT BETWEEN " : " BETWEEN ") + low + " AND " + high;
        }
        List<String> values = new ArrayList<>();
        int n = 1 + random.nextInt(5);
        for (int i = 0; i < n; i++) {
            values.add(literal(c));
        }
        return column.sql() + (random.nextInt(4) == 0 ? " NOT IN (" : " IN (") + String.join(", ", values) + ")";
    }

    private String havingPredicate(List<ColumnRef> columns) {
        if (random.nextBoolean()) {
            return "COUNT(*) " + operator() + " " + random.nextInt(random.nextBoolean() ? 5 : 2000);
        }
        List<ColumnRef> numeric =
                columns.stream().filter(c -> c.column().kind().numeric()).toList();
        if (numeric.isEmpty()) {
            return "COUNT(*) > 1";
        }
        ColumnRef column = pick(numeric);
        return pick(List.of("SUM", "MIN", "MAX")) + "(" + column.sql() + ") " + operator() + " "
                + literal(column.column());
    }

    // ---- expressions

    private Expr groupKey(List<ColumnRef> columns) {
        List<ColumnRef> low =
                columns.stream().filter(c -> c.column().lowCardinality()).toList();
        int kind = random.nextInt(10);
        if (kind < 6 && !low.isEmpty()) {
            ColumnRef column = pick(low);
            return new Expr(column.sql(), column.column().kind());
        }
        List<ColumnRef> dates =
                columns.stream().filter(c -> c.column().kind() == Kind.DATE).toList();
        if (kind < 7 && !dates.isEmpty()) {
            return new Expr("EXTRACT(YEAR FROM " + pick(dates).sql() + ")", Kind.BIGINT);
        }
        if (kind < 8) {
            return new Expr("CASE WHEN " + predicate(columns, 0) + " THEN 'yes' ELSE 'no' END", Kind.STR);
        }
        ColumnRef column = pick(columns);
        return new Expr(column.sql(), column.column().kind());
    }

    private boolean isLowCardinality(Expr key, List<ColumnRef> columns) {
        for (ColumnRef column : columns) {
            if (column.sql().equals(key.sql())) {
                return column.column().lowCardinality();
            }
        }
        return key.sql().startsWith("EXTRACT") || key.sql().startsWith("CASE");
    }

    private String aggregate(List<ColumnRef> columns) {
        int kind = random.nextInt(12);
        switch (kind) {
            case 0:
            case 1:
                return "COUNT(*)";
            case 2:
                return "COUNT(" + pick(columns).sql() + ")";
            case 3:
                return "COUNT(DISTINCT " + pick(columns).sql() + ")";
            case 4:
            case 5:
            case 6:
                return "SUM(" + numeric(columns, random.nextInt(2)).sql() + ")";
            case 7:
                return "AVG(" + numeric(columns, random.nextInt(2)).sql() + ")";
            case 8:
                return "SUM(CASE WHEN " + predicate(columns, 0) + " THEN 1 ELSE 0 END)";
            default:
                String function = random.nextBoolean() ? "MIN" : "MAX";
                Expr argument = random.nextBoolean() ? numeric(columns, random.nextInt(2)) : anyExpression(columns);
                return function + "(" + argument.sql() + ")";
        }
    }

    /** A column, or a string, date or boolean expression. */
    private Expr anyExpression(List<ColumnRef> columns) {
        ColumnRef column = pick(columns);
        Column c = column.column();
        int kind = random.nextInt(6);
        if (kind == 0) {
            return new Expr("COALESCE(" + column.sql() + ", " + literal(c) + ")", c.kind());
        }
        if (kind == 1 && c.kind() == Kind.STR) {
            return new Expr("UPPER(" + column.sql() + ")", Kind.STR);
        }
        // Not DOUBLE or DECIMAL (their text differs between engines), nor BOOLEAN (Veil writes
        // TRUE, as the standard says; DuckDB true).
        if (kind == 2 && c.kind() != Kind.DOUBLE && c.kind() != Kind.DEC && c.kind() != Kind.BOOL) {
            return new Expr("CAST(" + column.sql() + " AS VARCHAR)", Kind.STR);
        }
        if (kind == 3) {
            return new Expr(
                    "CASE WHEN " + predicate(columns, 0) + " THEN " + column.sql() + " ELSE " + literal(c) + " END",
                    c.kind());
        }
        return new Expr(column.sql(), c.kind());
    }

    /** A numeric expression over numeric columns of {@code columns}. */
    private Expr numeric(List<ColumnRef> columns, int depth) {
        List<ColumnRef> numeric =
                columns.stream().filter(c -> c.column().kind().numeric()).toList();
        if (numeric.isEmpty()) {
            return new Expr("CAST(" + random.nextInt(5) + " AS BIGINT)", Kind.BIGINT);
        }
        ColumnRef column = pick(numeric);
        Kind kind = column.column().kind();
        int shape = random.nextInt(depth > 0 ? 11 : 8);
        switch (shape) {
            case 0:
            case 1:
                return new Expr(column.sql(), kind);
            case 2: {
                String literal = smallLiteral();
                return new Expr(
                        "(" + column.sql() + " " + pick(List.of("+", "-", "*")) + " " + literal + ")",
                        combine(kind, literal.contains(".") ? Kind.DEC : Kind.INT));
            }
            case 3: {
                ColumnRef other = pick(numeric);
                return new Expr(
                        "(" + column.sql() + " " + pick(List.of("+", "-", "*")) + " " + other.sql() + ")",
                        combine(kind, other.column().kind()));
            }
            case 4:
                return new Expr("COALESCE(" + column.sql() + ", " + literal(column.column()) + ")", kind);
            case 5:
                return new Expr("ABS(" + column.sql() + ")", kind);
            case 6:
                if (kind == Kind.INT || kind == Kind.BIGINT) {
                    String target = pick(List.of("BIGINT", "DECIMAL(18,2)", "DOUBLE"));
                    return new Expr(
                            "CAST(" + column.sql() + " AS " + target + ")",
                            target.equals("BIGINT") ? Kind.BIGINT : target.equals("DOUBLE") ? Kind.DOUBLE : Kind.DEC);
                }
                return new Expr("CAST(" + column.sql() + " AS DOUBLE)", Kind.DOUBLE);
            case 7:
                return new Expr(
                        column.sql() + " * (1 - " + pick(List.of("0.05", "0.10", "0.5")) + ")",
                        combine(kind, Kind.DEC));
            default: {
                Expr then = numeric(columns, depth - 1);
                Expr otherwise = random.nextInt(3) == 0 ? new Expr("NULL", then.kind()) : numeric(columns, depth - 1);
                return new Expr(
                        "CASE WHEN " + predicate(columns, 0) + " THEN " + then.sql() + " ELSE " + otherwise.sql()
                                + " END",
                        combine(then.kind(), otherwise.kind()));
            }
        }
    }

    private static Kind combine(Kind left, Kind right) {
        if (left == Kind.DOUBLE || right == Kind.DOUBLE) {
            return Kind.DOUBLE;
        }
        if (left == Kind.DEC || right == Kind.DEC) {
            return Kind.DEC;
        }
        return left == Kind.BIGINT || right == Kind.BIGINT ? Kind.BIGINT : Kind.INT;
    }

    // ---- literals

    private String smallLiteral() {
        return random.nextBoolean()
                ? String.valueOf(1 + random.nextInt(10))
                : pick(List.of("0.5", "1.25", "2.00", "0.01"));
    }

    /** A literal of {@code column}'s type, usually in its range, sometimes outside (an empty filter). */
    private String literal(Column column) {
        boolean outside = random.nextInt(12) == 0;
        switch (column.kind()) {
            case BOOL:
                return random.nextBoolean() ? "TRUE" : "FALSE";
            case STR:
                if (column.values().isEmpty() || outside) {
                    return quote(pick(WORDS) + (random.nextBoolean() ? "zz" : ""));
                }
                return quote(pick(column.values()));
            case DATE: {
                long day = outside ? column.high() + 1 + random.nextInt(1000) : between(column.low(), column.high());
                return "DATE '" + LocalDate.ofEpochDay(day) + "'";
            }
            case DEC: {
                long cents = outside ? column.high() + 1 + random.nextInt(1000) : between(column.low(), column.high());
                return BigDecimal.valueOf(cents, 2).toPlainString();
            }
            case DOUBLE: {
                long value = outside ? column.high() + 1 : between(column.low() * 4, column.high() * 4);
                return BigDecimal.valueOf(value * 25, 2).toPlainString();
            }
            default: {
                long value = outside ? column.high() + 1 + random.nextInt(1000) : between(column.low(), column.high());
                return String.valueOf(value);
            }
        }
    }

    private long between(long low, long high) {
        return low + (long) (random.nextDouble() * (high - low + 1));
    }

    // ---- helpers

    private String direction() {
        return (random.nextBoolean() ? " ASC" : " DESC") + (random.nextBoolean() ? " NULLS FIRST" : " NULLS LAST");
    }

    private String operator() {
        return pick(List.of("=", "<>", "<", "<=", ">", ">="));
    }

    private Table firstTable() {
        int choice = random.nextInt(14);
        String name = choice < 4
                ? "tpch.lineitem"
                : choice < 6
                        ? "tpch.orders"
                        : choice < 9 ? "fz.edge" : pick(schema.tables).name();
        return table(name);
    }

    private Table table(String name) {
        return schema.tables.stream()
                .filter(t -> t.name().equals(name))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException(name));
    }

    private static boolean contains(List<Ref> refs, String table) {
        return refs.stream().anyMatch(r -> r.table().name().equals(table));
    }

    private static Ref refFor(List<Ref> refs, String table) {
        return refs.stream()
                .filter(r -> r.table().name().equals(table))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException(table));
    }

    private static List<ColumnRef> columns(List<Ref> refs) {
        List<ColumnRef> columns = new ArrayList<>();
        for (Ref ref : refs) {
            for (Column column : ref.table().columns()) {
                columns.add(new ColumnRef(ref.alias() + "." + column.name(), column));
            }
        }
        return columns;
    }

    private static List<ColumnRef> columnsOf(List<ColumnRef> columns, String table) {
        return columns.stream().filter(c -> c.column().table().equals(table)).toList();
    }

    private String alias() {
        return "t" + aliases++;
    }

    private static String aliased(List<String> select) {
        StringBuilder sql = new StringBuilder();
        for (int i = 0; i < select.size(); i++) {
            sql.append(i == 0 ? "" : ", ").append(select.get(i)).append(" AS c").append(i + 1);
        }
        return sql.toString();
    }

    private <T> T pick(List<T> values) {
        return values.get(random.nextInt(values.size()));
    }

    /** {@code text} as an SQL string literal. */
    static String quote(String text) {
        return "'" + text.replace("'", "''") + "'";
    }
}
