package dev.veil.exec.scan;

import com.google.common.collect.BoundType;
import com.google.common.collect.Range;
import dev.veil.catalog.ColumnType;
import dev.veil.catalog.TableDef;
import dev.veil.catalog.VeilType;
import dev.veil.plan.ConsentCall;
import dev.veil.plan.ConsentKeys;
import dev.veil.plan.ConsentSpec;
import dev.veil.plan.RetentionCall;
import dev.veil.plan.SafeOperator;
import dev.veil.plan.StatementTime;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexLiteral;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexUnknownAs;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlOperator;
import org.apache.calcite.sql.fun.SqlLikeOperator;
import org.apache.calcite.util.DateString;
import org.apache.calcite.util.NlsString;
import org.apache.calcite.util.Sarg;
import org.apache.calcite.util.TimestampString;

/**
 * Compiles the predicates a scan can evaluate on Arrow vectors: comparisons of a column with a
 * literal or of two integer-like columns of one type, {@code IS [NOT] NULL}, {@code SEARCH} (ranges and IN-lists), boolean columns,
 * {@code [NOT] LIKE} of a VARCHAR column and a literal pattern ({@link LikeLeaf}), and AND/OR of
 * these. A row passes only when the SQL predicate is TRUE, which is exactly what a WHERE clause
 * keeps; so AND/OR may treat UNKNOWN as FALSE, and NOT is accepted only on a boolean column or
 * directly on a LIKE (whose leaf fails a NULL either way).
 */
public final class ScanPredicates {
    private ScanPredicates() {}

    /** Whether {@code node}, whose input references are table columns, can run inside the scan. */
    static boolean supports(RexNode node, TableDef table) {
        try {
            compile(node, table);
            return true;
        } catch (Unsupported e) {
            return false;
        }
    }

    /** Compiles a supported predicate; input references are table column positions. */
    public static ScanPredicate compile(RexNode node, TableDef table) {
        if (node instanceof RexInputRef ref) {
            requireType(table, ref.getIndex(), VeilType.BOOLEAN);
            return new RangeLeaf(
                    ref.getIndex(),
                    table.columns().get(ref.getIndex()).type(),
                    single(Bound.closed(1L), Bound.closed(1L)),
                    false,
                    node);
        }
        if (!(node instanceof RexCall call)) {
            throw new Unsupported();
        }
        SqlKind kind = call.getKind();
        switch (kind) {
            case AND:
            case OR: {
                List<ScanPredicate> parts = new ArrayList<>();
                for (RexNode operand : call.getOperands()) {
                    parts.add(compile(operand, table));
                }
                return new Junction(kind == SqlKind.AND, parts, node);
            }
            case NOT: {
                RexNode operand = call.getOperands().get(0);
                if (operand instanceof RexInputRef ref) {
                    requireType(table, ref.getIndex(), VeilType.BOOLEAN);
                    return new RangeLeaf(
                            ref.getIndex(),
                            table.columns().get(ref.getIndex()).type(),
                            single(Bound.closed(0L), Bound.closed(0L)),
                            false,
                            node);
                }
                if (operand.getKind() == SqlKind.LIKE || isSafeLike(operand)) {
                    LikeLeaf like = compileLike((RexCall) operand, table);
                    return new LikeLeaf(like.column(), like.pattern(), !like.negated(), node);
                }
                throw new Unsupported();
            }
            case IS_NULL:
            case IS_NOT_NULL: {
                if (call.getOperands().get(0) instanceof RexInputRef ref) {
                    return new NullLeaf(ref.getIndex(), kind == SqlKind.IS_NULL, node);
                }
                throw new Unsupported();
            }
            case SEARCH:
                return compileSearch(call, table);
            case LIKE:
                return compileLike(call, table);
            case EQUALS:
            case NOT_EQUALS:
            case LESS_THAN:
            case LESS_THAN_OR_EQUAL:
            case GREATER_THAN:
            case GREATER_THAN_OR_EQUAL:
                return compileComparison(call, table);
            default:
                if (isSafeLike(call)) {
                    return compileLike(call, table);
                }
                if (call.getOperator() instanceof ConsentCall consent
                        && call.getOperands().get(0) instanceof RexInputRef key) {
                    return new ConsentLeaf(
                            key.getIndex(), table.columns().get(key.getIndex()).type(), consent.spec(), node);
                }
                if (call.getOperator() instanceof RetentionCall retention
                        && call.getOperands().get(0) instanceof RexInputRef column) {
                    VeilType type =
                            table.columns().get(column.getIndex()).type().type();
                    if (type == VeilType.DATE || type == VeilType.TIMESTAMP) {
                        return new RetentionLeaf(column.getIndex(), type == VeilType.DATE, retention.days(), node);
                    }
                }
                throw new Unsupported();
        }
    }

    private static ScanPredicate compileComparison(RexCall call, TableDef table) {
        RexNode left = call.getOperands().get(0);
        RexNode right = call.getOperands().get(1);
        SqlKind kind = call.getKind();
        if (left instanceof RexLiteral && right instanceof RexInputRef) {
            RexNode t = left;
            left = right;
            right = t;
            kind = kind.reverse();
        }
        if (left instanceof RexInputRef a && right instanceof RexInputRef b) {
            return compileColumnComparison(a.getIndex(), b.getIndex(), kind, call, table);
        }
        if (!(left instanceof RexInputRef ref) || !(right instanceof RexLiteral literal) || literal.isNull()) {
            throw new Unsupported();
        }
        int column = ref.getIndex();
        ColumnType type = table.columns().get(column).type();
        Comparable<?> v = literalValue(literal.getValueAs(Comparable.class), type);
        List<Bound[]> ranges = switch (kind) {
            case EQUALS -> single(Bound.closed(v), Bound.closed(v));
            case NOT_EQUALS -> List.of(new Bound[] {null, Bound.open(v)}, new Bound[] {Bound.open(v), null});
            case LESS_THAN -> single(null, Bound.open(v));
            case LESS_THAN_OR_EQUAL -> single(null, Bound.closed(v));
            case GREATER_THAN -> single(Bound.open(v), null);
            case GREATER_THAN_OR_EQUAL -> single(Bound.closed(v), null);
            default -> throw new Unsupported();
        };
        return new RangeLeaf(column, type, ranges, false, call);
    }

    /** A comparison of two columns whose values are longs of the same meaning (Q12's {@code l_shipdate < l_commitdate}). */
    private static ScanPredicate compileColumnComparison(
            int left, int right, SqlKind kind, RexNode source, TableDef table) {
        ColumnType a = table.columns().get(left).type();
        ColumnType b = table.columns().get(right).type();
        boolean comparable = switch (a.type()) {
            case INTEGER, BIGINT, DATE, TIMESTAMP -> a.type() == b.type();
            case DECIMAL ->
                b.type() == VeilType.DECIMAL && a.precision() <= 18 && b.precision() <= 18 && a.scale() == b.scale();
            default -> false;
        };
        if (!comparable || left == right) {
            throw new Unsupported();
        }
        return new ColumnComparison(left, right, kind, source);
    }

    /**
     * {@code column [NOT] LIKE 'pattern' [ESCAPE 'c']}, case-sensitive, on a VARCHAR column; a
     * pattern Calcite would reject at run time stays in the Filter, which reports it.
     */
    private static LikeLeaf compileLike(RexCall call, TableDef table) {
        SqlOperator operator = call.getOperator() instanceof SafeOperator safe ? safe.inner() : call.getOperator();
        if (!(operator instanceof SqlLikeOperator like)
                || !like.isCaseSensitive()
                || !(call.getOperands().get(0) instanceof RexInputRef ref)) {
            throw new Unsupported();
        }
        requireType(table, ref.getIndex(), VeilType.VARCHAR);
        String pattern = stringLiteral(call.getOperands().get(1));
        String escape =
                call.getOperands().size() > 2 ? stringLiteral(call.getOperands().get(2)) : null;
        try {
            return new LikeLeaf(ref.getIndex(), LikePattern.compile(pattern, escape), like.isNegated(), call);
        } catch (IllegalArgumentException e) {
            throw new Unsupported();
        }
    }

    /**
     * Whether {@code node} is the privacy rewrite's null-on-error LIKE ({@link SafeOperator}). With a
     * literal pattern that {@link LikePattern} compiles (one Calcite accepts), LIKE cannot fail on
     * any row's value, so its null-on-error form is LIKE itself and runs as its leaf; any other
     * pattern is {@link Unsupported} and stays in the Filter, safe form and all.
     */
    private static boolean isSafeLike(RexNode node) {
        return node instanceof RexCall call
                && call.getOperator() instanceof SafeOperator safe
                && safe.inner().getKind() == SqlKind.LIKE;
    }

    private static String stringLiteral(RexNode node) {
        if (!(node instanceof RexLiteral literal) || literal.isNull()) {
            throw new Unsupported();
        }
        String value = literal.getValueAs(String.class);
        if (value == null) {
            throw new Unsupported();
        }
        return value;
    }

    @SuppressWarnings({"rawtypes", "unchecked"})
    private static ScanPredicate compileSearch(RexCall call, TableDef table) {
        if (!(call.getOperands().get(0) instanceof RexInputRef ref)
                || !(call.getOperands().get(1) instanceof RexLiteral literal)) {
            throw new Unsupported();
        }
        int column = ref.getIndex();
        ColumnType type = table.columns().get(column).type();
        Sarg sarg = literal.getValueAs(Sarg.class);
        if (sarg == null) {
            throw new Unsupported();
        }
        List<Bound[]> ranges = new ArrayList<>();
        for (Object o : sarg.rangeSet.asRanges()) {
            Range r = (Range) o;
            Bound lower = r.hasLowerBound()
                    ? new Bound(literalValue(r.lowerEndpoint(), type), r.lowerBoundType() == BoundType.CLOSED)
                    : null;
            Bound upper = r.hasUpperBound()
                    ? new Bound(literalValue(r.upperEndpoint(), type), r.upperBoundType() == BoundType.CLOSED)
                    : null;
            ranges.add(new Bound[] {lower, upper});
        }
        return new RangeLeaf(column, type, ranges, sarg.nullAs == RexUnknownAs.TRUE, call);
    }

    private static void requireType(TableDef table, int column, VeilType type) {
        if (table.columns().get(column).type().type() != type) {
            throw new Unsupported();
        }
    }

    /** A literal as a value comparable with the column's values: BigDecimal, Double, String, or Long. */
    private static Comparable<?> literalValue(Object literal, ColumnType type) {
        switch (type.type()) {
            case INTEGER, BIGINT, DECIMAL, DOUBLE -> {
                if (literal instanceof BigDecimal d) {
                    return d;
                }
                if (literal instanceof Number n) {
                    return new BigDecimal(n.toString());
                }
            }
            case VARCHAR -> {
                if (literal instanceof NlsString s) {
                    return s.getValue();
                }
                if (literal instanceof String s) {
                    return s;
                }
            }
            case DATE -> {
                if (literal instanceof DateString d) {
                    return (long) d.getDaysSinceEpoch();
                }
            }
            case TIMESTAMP -> {
                if (literal instanceof TimestampString t) {
                    return t.getMillisSinceEpoch();
                }
            }
            case BOOLEAN -> {
                if (literal instanceof Boolean b) {
                    return b ? 1L : 0L;
                }
            }
        }
        throw new Unsupported();
    }

    /** Signals a predicate the scan cannot evaluate; it stays in a Filter above the scan. */
    private static final class Unsupported extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Unsupported() {
            super(null, null, false, false);
        }
    }

    /** One end of a range. */
    private record Bound(Comparable<?> value, boolean inclusive) {
        static Bound closed(Comparable<?> v) {
            return new Bound(v, true);
        }

        static Bound open(Comparable<?> v) {
            return new Bound(v, false);
        }
    }

    /**
     * A consent condition ({@link ConsentCall}) on a key column: the row passes when the execution's
     * {@link ConsentKeys} for the condition let its key through; a NULL key never passes.
     */
    private record ConsentLeaf(int column, ColumnType type, ConsentSpec spec, RexNode source) implements ScanPredicate {
        @Override
        public int[] columns() {
            return new int[] {column};
        }

        @Override
        public RowTest bind(VectorLookup vectors) {
            ConsentKeys keys = ConsentCall.keys(vectors.context(), spec);
            FieldVector vector = vectors.vector(column);
            switch (type.type()) {
                case INTEGER, BIGINT, DATE, TIMESTAMP -> {
                    long[] values = vectors.longs(column);
                    return new RowTest() {
                        @Override
                        public boolean test(int row) {
                            return !vector.isNull(row) && keys.containsLong(values[row]);
                        }

                        @Override
                        public int filter(int[] rows, int count) {
                            if (Validity.hasNulls(vector)) {
                                return RowTest.super.filter(rows, count);
                            }
                            return keys.filter(values, rows, count);
                        }
                    };
                }
                default -> {
                    VectorValues.Reader reader = VectorValues.reader(vector, type);
                    return row -> keys.contains(reader.read(row));
                }
            }
        }

        @Override
        public String toString() {
            return source.toString();
        }
    }

    /**
     * A retention condition ({@link RetentionCall}) on a DATE or TIMESTAMP column: the row passes
     * when its value is after the execution's statement time minus the period; NULL never passes.
     */
    private record RetentionLeaf(int column, boolean date, int days, RexNode source) implements ScanPredicate {
        @Override
        public int[] columns() {
            return new int[] {column};
        }

        @Override
        public RowTest bind(VectorLookup vectors) {
            long cutoff = RetentionCall.cutoff(StatementTime.of(vectors.context()), days);
            FieldVector vector = vectors.vector(column);
            long[] values = vectors.longs(column);
            // A date is after the cutoff when its midnight is: days * 86_400_000 > cutoff.
            long bound = date ? Math.floorDiv(cutoff, 86_400_000L) : cutoff;
            return row -> !vector.isNull(row) && values[row] > bound;
        }

        @Override
        public String toString() {
            return source.toString();
        }
    }

    /** AND or OR of predicates. */
    private record Junction(boolean and, List<ScanPredicate> parts, RexNode source) implements ScanPredicate {
        @Override
        public int[] columns() {
            return parts.stream()
                    .flatMapToInt(p -> Arrays.stream(p.columns()))
                    .distinct()
                    .toArray();
        }

        @Override
        public RowTest bind(VectorLookup vectors) {
            RowTest[] tests = parts.stream().map(p -> p.bind(vectors)).toArray(RowTest[]::new);
            if (and) {
                // Tests over decoded longs first: they are cheap, and the costlier ones then see fewer rows.
                java.util.Arrays.sort(
                        tests,
                        java.util.Comparator.comparingInt(
                                t -> t instanceof LongRangeTest || t instanceof LongPairTest ? 0 : 1));
                return new RowTest() {
                    @Override
                    public boolean test(int row) {
                        for (RowTest t : tests) {
                            if (!t.test(row)) {
                                return false;
                            }
                        }
                        return true;
                    }

                    @Override
                    public int filter(int[] rows, int count) {
                        int kept = count;
                        for (RowTest t : tests) {
                            kept = t.filter(rows, kept);
                        }
                        return kept;
                    }
                };
            }
            return row -> {
                for (RowTest t : tests) {
                    if (t.test(row)) {
                        return true;
                    }
                }
                return false;
            };
        }

        @Override
        public String toString() {
            return source.toString();
        }
    }

    /** A comparison of two integer-like columns; a NULL on either side fails it. */
    private record ColumnComparison(int left, int right, SqlKind kind, RexNode source) implements ScanPredicate {
        @Override
        public int[] columns() {
            return new int[] {left, right};
        }

        @Override
        public RowTest bind(VectorLookup vectors) {
            FieldVector lv = vectors.vector(left);
            FieldVector rv = vectors.vector(right);
            return new LongPairTest(lv, rv, vectors.longs(left), vectors.longs(right), kind);
        }

        private static boolean holds(SqlKind kind, int c) {
            return switch (kind) {
                case EQUALS -> c == 0;
                case NOT_EQUALS -> c != 0;
                case LESS_THAN -> c < 0;
                case LESS_THAN_OR_EQUAL -> c <= 0;
                case GREATER_THAN -> c > 0;
                case GREATER_THAN_OR_EQUAL -> c >= 0;
                default -> throw new IllegalStateException("not a comparison: " + kind);
            };
        }

        @Override
        public String toString() {
            return source.toString();
        }
    }

    /** Two columns' decoded values compared row by row. */
    private record LongPairTest(FieldVector lv, FieldVector rv, long[] x, long[] y, SqlKind kind)
            implements ScanPredicate.RowTest {
        @Override
        public boolean test(int row) {
            return !lv.isNull(row) && !rv.isNull(row) && ColumnComparison.holds(kind, Long.compare(x[row], y[row]));
        }

        @Override
        public int filter(int[] rows, int count) {
            if (Validity.hasNulls(lv) || Validity.hasNulls(rv)) {
                return ScanPredicate.RowTest.super.filter(rows, count);
            }
            int kept = 0;
            switch (kind) {
                case LESS_THAN -> {
                    for (int i = 0; i < count; i++) {
                        int row = rows[i];
                        rows[kept] = row;
                        kept += x[row] < y[row] ? 1 : 0;
                    }
                }
                case LESS_THAN_OR_EQUAL -> {
                    for (int i = 0; i < count; i++) {
                        int row = rows[i];
                        rows[kept] = row;
                        kept += x[row] <= y[row] ? 1 : 0;
                    }
                }
                default -> {
                    for (int i = 0; i < count; i++) {
                        int row = rows[i];
                        rows[kept] = row;
                        kept += ColumnComparison.holds(kind, Long.compare(x[row], y[row])) ? 1 : 0;
                    }
                }
            }
            return kept;
        }
    }

    /** {@code IS NULL} or {@code IS NOT NULL}. */
    private record NullLeaf(int column, boolean isNull, RexNode source) implements ScanPredicate {
        @Override
        public int[] columns() {
            return new int[] {column};
        }

        @Override
        public RowTest bind(VectorLookup vectors) {
            FieldVector v = vectors.vector(column);
            return isNull ? v::isNull : row -> !v.isNull(row);
        }

        @Override
        public String toString() {
            return source.toString();
        }
    }

    /** A column value within any of a list of ranges (NULL passes only when {@code nullMatches}). */
    private static final class RangeLeaf implements ScanPredicate {
        private final int column;
        private final ColumnType type;
        private final boolean nullMatches;
        private final RexNode source;
        // Exactly one of these representations is used, chosen by the column's type.
        private long[] longLows;
        private long[] longHighs;
        private Bound[][] objectRanges;

        RangeLeaf(int column, ColumnType type, List<Bound[]> ranges, boolean nullMatches, RexNode source) {
            this.column = column;
            this.type = type;
            this.nullMatches = nullMatches;
            this.source = source;
            if (usesLongs(type)) {
                List<long[]> intervals = new ArrayList<>();
                for (Bound[] r : ranges) {
                    long lo = r[0] == null ? Long.MIN_VALUE : lowerLong(r[0]);
                    long hi = r[1] == null ? Long.MAX_VALUE : upperLong(r[1]);
                    if (lo <= hi) {
                        intervals.add(new long[] {lo, hi});
                    }
                }
                longLows = intervals.stream().mapToLong(i -> i[0]).toArray();
                longHighs = intervals.stream().mapToLong(i -> i[1]).toArray();
            } else {
                objectRanges = new Bound[ranges.size()][];
                for (int i = 0; i < ranges.size(); i++) {
                    objectRanges[i] = new Bound[] {normalize(ranges.get(i)[0]), normalize(ranges.get(i)[1])};
                }
            }
        }

        private static boolean usesLongs(ColumnType type) {
            return switch (type.type()) {
                case BOOLEAN, INTEGER, BIGINT, DATE, TIMESTAMP -> true;
                case DECIMAL -> type.precision() <= 18;
                default -> false;
            };
        }

        /** The value in the column's long units: unscaled for DECIMAL, as-is for the others. */
        private BigDecimal units(Comparable<?> v) {
            BigDecimal d = v instanceof BigDecimal b ? b : BigDecimal.valueOf((Long) v);
            return type.type() == VeilType.DECIMAL ? d.movePointRight(type.scale()) : d;
        }

        private long lowerLong(Bound b) {
            BigDecimal u = units(b.value());
            BigDecimal lo = b.inclusive()
                    ? u.setScale(0, RoundingMode.CEILING)
                    : u.setScale(0, RoundingMode.FLOOR).add(BigDecimal.ONE);
            return clamp(lo);
        }

        private long upperLong(Bound b) {
            BigDecimal u = units(b.value());
            BigDecimal hi = b.inclusive()
                    ? u.setScale(0, RoundingMode.FLOOR)
                    : u.setScale(0, RoundingMode.CEILING).subtract(BigDecimal.ONE);
            return clamp(hi);
        }

        private static long clamp(BigDecimal d) {
            if (d.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) >= 0) {
                return Long.MAX_VALUE;
            }
            if (d.compareTo(BigDecimal.valueOf(Long.MIN_VALUE)) <= 0) {
                return Long.MIN_VALUE;
            }
            return d.longValueExact();
        }

        /** Bounds of DOUBLE columns compare as doubles; the rest keep BigDecimal or String. */
        private Bound normalize(Bound b) {
            if (b == null || type.type() != VeilType.DOUBLE) {
                return b;
            }
            return new Bound(((BigDecimal) b.value()).doubleValue(), b.inclusive());
        }

        @Override
        public int[] columns() {
            return new int[] {column};
        }

        @Override
        public RowTest bind(VectorLookup vectors) {
            FieldVector v = vectors.vector(column);
            if (longLows != null) {
                return new LongRangeTest(v, vectors, column, longLows, longHighs, nullMatches);
            }
            if (v instanceof VarCharVector strings) {
                RowTest bytes = Utf8RangeTest.of(strings, objectRanges, nullMatches);
                if (bytes != null) {
                    return bytes;
                }
            }
            ObjectGetter g = objectGetter(v);
            Bound[][] ranges = objectRanges;
            return row -> {
                if (v.isNull(row)) {
                    return nullMatches;
                }
                Comparable<Object> x = g.get(row);
                for (Bound[] r : ranges) {
                    if (within(x, r[0], true) && within(x, r[1], false)) {
                        return true;
                    }
                }
                return false;
            };
        }

        private static boolean within(Comparable<Object> x, Bound b, boolean lower) {
            if (b == null) {
                return true;
            }
            int c = x.compareTo(b.value());
            if (lower) {
                return b.inclusive() ? c >= 0 : c > 0;
            }
            return b.inclusive() ? c <= 0 : c < 0;
        }

        @SuppressWarnings("unchecked")
        private ObjectGetter objectGetter(FieldVector v) {
            if (v instanceof Float8Vector fv) {
                return row -> (Comparable<Object>) (Comparable<?>) fv.get(row);
            }
            if (v instanceof DecimalVector dv) {
                return row -> (Comparable<Object>) (Comparable<?>) dv.getObject(row);
            }
            if (v instanceof VarCharVector sv) {
                return row -> (Comparable<Object>) (Comparable<?>) new String(sv.get(row), StandardCharsets.UTF_8);
            }
            throw new IllegalStateException("no object view of " + v.getClass().getSimpleName());
        }

        @Override
        public String toString() {
            return source.toString();
        }
    }

    /**
     * A column's integer-like values within any of a list of closed ranges. A single range over a
     * column without NULLs is tested over the selection straight from the vector's data buffer,
     * so that a test after a selective one reads only the rows still selected rather than decoding
     * the whole batch; otherwise the values are decoded once (shared with the scan's other tests).
     */
    private static final class LongRangeTest implements ScanPredicate.RowTest {
        private final FieldVector vector;
        private final ScanPredicate.VectorLookup lookup;
        private final int column;
        private final long[] lows;
        private final long[] highs;
        private final boolean nullMatches;
        private long[] values;

        LongRangeTest(
                FieldVector vector,
                ScanPredicate.VectorLookup lookup,
                int column,
                long[] lows,
                long[] highs,
                boolean nullMatches) {
            this.vector = vector;
            this.lookup = lookup;
            this.column = column;
            this.lows = lows;
            this.highs = highs;
            this.nullMatches = nullMatches;
        }

        private long[] values() {
            if (values == null) {
                values = lookup.longs(column);
            }
            return values;
        }

        @Override
        public boolean test(int row) {
            if (vector.isNull(row)) {
                return nullMatches;
            }
            long x = values()[row];
            for (int i = 0; i < lows.length; i++) {
                if (x >= lows[i] && x <= highs[i]) {
                    return true;
                }
            }
            return false;
        }

        @Override
        public int filter(int[] rows, int count) {
            if (lows.length != 1 || Validity.hasNulls(vector)) {
                return ScanPredicate.RowTest.super.filter(rows, count);
            }
            if (count == 0) {
                return 0;
            }
            long lo = lows[0];
            long hi = highs[0];
            int kept = DirectRange.filter(vector, rows, count, lo, hi);
            if (kept >= 0) {
                return kept;
            }
            long[] x = values();
            kept = 0;
            for (int i = 0; i < count; i++) {
                int row = rows[i];
                long v = x[row];
                rows[kept] = row;
                kept += (v >= lo && v <= hi) ? 1 : 0;
            }
            return kept;
        }
    }

    /**
     * A VARCHAR value within any of a list of ranges, compared as UTF-8 bytes without building a
     * String. Used only where that agrees with {@link String#compareTo}: for equality (points), and
     * for bounds of ASCII characters only (an ASCII character and a UTF-8 lead byte sort below
     * any non-ASCII character and continuation byte alike).
     */
    private static final class Utf8RangeTest implements ScanPredicate.RowTest {
        private final VarCharVector vector;
        /** Per range: lower and upper bound bytes, null for unbounded. */
        private final byte[][] lows;

        private final byte[][] highs;
        private final boolean[] lowInclusive;
        private final boolean[] highInclusive;
        private final boolean nullMatches;

        private Utf8RangeTest(VarCharVector vector, Bound[][] ranges, boolean nullMatches) {
            this.vector = vector;
            this.nullMatches = nullMatches;
            lows = new byte[ranges.length][];
            highs = new byte[ranges.length][];
            lowInclusive = new boolean[ranges.length];
            highInclusive = new boolean[ranges.length];
            for (int i = 0; i < ranges.length; i++) {
                Bound lo = ranges[i][0];
                Bound hi = ranges[i][1];
                lows[i] = lo == null ? null : ((String) lo.value()).getBytes(StandardCharsets.UTF_8);
                highs[i] = hi == null ? null : ((String) hi.value()).getBytes(StandardCharsets.UTF_8);
                lowInclusive[i] = lo != null && lo.inclusive();
                highInclusive[i] = hi != null && hi.inclusive();
            }
        }

        /** The test, or null if comparing bytes could disagree with comparing Strings. */
        static Utf8RangeTest of(VarCharVector vector, Bound[][] ranges, boolean nullMatches) {
            for (Bound[] r : ranges) {
                boolean point = r[0] != null
                        && r[1] != null
                        && r[0].inclusive()
                        && r[1].inclusive()
                        && r[0].value().equals(r[1].value());
                if (!point && !(ascii(r[0]) && ascii(r[1]))) {
                    return null;
                }
            }
            return new Utf8RangeTest(vector, ranges, nullMatches);
        }

        private static boolean ascii(Bound b) {
            return b == null || ((String) b.value()).chars().allMatch(c -> c < 0x80);
        }

        @Override
        public boolean test(int row) {
            if (vector.isNull(row)) {
                return nullMatches;
            }
            ArrowBuf offsets = vector.getOffsetBuffer();
            int start = offsets.getInt((long) row * VarCharVector.OFFSET_WIDTH);
            int end = offsets.getInt((long) (row + 1) * VarCharVector.OFFSET_WIDTH);
            ArrowBuf data = vector.getDataBuffer();
            for (int i = 0; i < lows.length; i++) {
                if (lows[i] != null) {
                    int c = compare(data, start, end, lows[i]);
                    if (lowInclusive[i] ? c < 0 : c <= 0) {
                        continue;
                    }
                }
                if (highs[i] != null) {
                    int c = compare(data, start, end, highs[i]);
                    if (highInclusive[i] ? c > 0 : c >= 0) {
                        continue;
                    }
                }
                return true;
            }
            return false;
        }

        /** Compares the bytes {@code data[start..end)} with {@code b}, unsigned, lexicographically. */
        private static int compare(ArrowBuf data, int start, int end, byte[] b) {
            int length = end - start;
            int n = Math.min(length, b.length);
            for (int k = 0; k < n; k++) {
                int x = data.getByte(start + k) & 0xFF;
                int y = b[k] & 0xFF;
                if (x != y) {
                    return x - y;
                }
            }
            return length - b.length;
        }
    }

    @FunctionalInterface
    private interface ObjectGetter {
        Comparable<Object> get(int row);
    }

    private static List<Bound[]> single(Bound lower, Bound upper) {
        List<Bound[]> list = new ArrayList<>(1);
        list.add(new Bound[] {lower, upper});
        return list;
    }
}
