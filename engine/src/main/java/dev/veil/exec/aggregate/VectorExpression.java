package dev.veil.exec.aggregate;

import static java.util.Objects.requireNonNull;

import dev.veil.catalog.ColumnType;
import dev.veil.catalog.TableDef;
import dev.veil.exec.scan.Validity;
import dev.veil.plan.SafeOperator;
import java.math.BigDecimal;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.util.MemoryUtil;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexLiteral;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.type.SqlTypeName;

/**
 * A numeric expression over table columns evaluated on a whole Arrow batch at a time, into
 * primitive arrays: INTEGER, BIGINT and DECIMAL values (of precision 18 or less when stored) as
 * longs, DECIMAL ones scaled by their type's scale, DOUBLE values as doubles. Arithmetic
 * follows what Calcite's generated row code does: INTEGER and BIGINT arithmetic wraps like Java's
 * {@code int} and {@code long} for Calcite's unchecked operators, fails for its checked ones (which
 * every plan uses, {@link CheckedArithmetic}), and yields NULL for checked ones made null-on-error
 * on protected rows ({@link SafeOperator}); DECIMAL arithmetic is exact, so a result that does not fit a long
 * throws {@link ArithmeticException} from {@link #evalLong}, and the caller evaluates that batch
 * again with {@link #evalDecimal}, row by row in BigDecimal. One instance is used by one thread
 * (nodes keep scratch arrays).
 */
abstract class VectorExpression {
    /** Thrown by {@link #compile} for an expression this class does not evaluate. */
    static final class Unsupported extends RuntimeException {
        Unsupported() {
            super(null, null, false, false);
        }
    }

    /** Whether values are doubles (else longs). */
    final boolean isDouble;
    /** Whether values are DECIMAL (scaled longs with exact arithmetic), else INTEGER/BIGINT or DOUBLE. */
    final boolean isDecimal;
    /** The DECIMAL scale; 0 for other types. */
    final int scale;

    private VectorExpression(boolean isDouble, boolean isDecimal, int scale) {
        this.isDouble = isDouble;
        this.isDecimal = isDecimal;
        this.scale = scale;
    }

    /**
     * Tells the nodes compiled together which batch is current, so a node that several
     * expressions share (the same column or sub-expression) is evaluated once per batch.
     */
    static final class Memo {
        private int batch;

        /** Called before the first evaluation of each batch. */
        void nextBatch() {
            batch++;
        }
    }

    private Memo memo;
    private int users;
    private int memoBatch = -1;
    private long[] memoLongs = new long[0];
    private double[] memoDoubles = new double[0];
    private boolean[] memoNulls = new boolean[0];

    /**
     * Evaluates rows {@code sel[0..n)} into {@code out[0..n)}; {@code nulls[j]} says whether row
     * {@code sel[j]} is NULL (its value is then unspecified). {@code vectors} is indexed by table
     * column. Every evaluation within one batch of a {@link Memo} must pass the same rows.
     *
     * @throws ArithmeticException when a DECIMAL value does not fit a long
     */
    final void evalLong(FieldVector[] vectors, int[] sel, int n, long[] out, boolean[] nulls) {
        if (users < 2) {
            computeLong(vectors, sel, n, out, nulls);
            return;
        }
        if (memoBatch == memo.batch) {
            System.arraycopy(memoLongs, 0, out, 0, n);
            System.arraycopy(memoNulls, 0, nulls, 0, n);
            return;
        }
        computeLong(vectors, sel, n, out, nulls);
        if (memoLongs.length < n) {
            memoLongs = new long[n];
            memoNulls = new boolean[n];
        }
        System.arraycopy(out, 0, memoLongs, 0, n);
        System.arraycopy(nulls, 0, memoNulls, 0, n);
        memoBatch = memo.batch;
    }

    /** Like {@link #evalLong} for a DOUBLE expression. */
    final void evalDouble(FieldVector[] vectors, int[] sel, int n, double[] out, boolean[] nulls) {
        if (users < 2) {
            computeDouble(vectors, sel, n, out, nulls);
            return;
        }
        if (memoBatch == memo.batch) {
            System.arraycopy(memoDoubles, 0, out, 0, n);
            System.arraycopy(memoNulls, 0, nulls, 0, n);
            return;
        }
        computeDouble(vectors, sel, n, out, nulls);
        if (memoDoubles.length < n) {
            memoDoubles = new double[n];
            memoNulls = new boolean[n];
        }
        System.arraycopy(out, 0, memoDoubles, 0, n);
        System.arraycopy(nulls, 0, memoNulls, 0, n);
        memoBatch = memo.batch;
    }

    abstract void computeLong(FieldVector[] vectors, int[] sel, int n, long[] out, boolean[] nulls);

    abstract void computeDouble(FieldVector[] vectors, int[] sel, int n, double[] out, boolean[] nulls);

    /** The exact value of a DECIMAL (or integer) expression at one row, or null; the slow path. */
    abstract BigDecimal evalDecimal(FieldVector[] vectors, int row);

    /**
     * Compiles {@code node}, whose input references are table column positions of {@code table}.
     *
     * @throws Unsupported when some part of it is not supported
     */
    static VectorExpression compile(RexNode node, TableDef table) {
        return compile(node, table, new HashMap<>(), new Memo());
    }

    /**
     * Compiles {@code node} sharing the nodes of equal sub-expressions with the other expressions
     * compiled with the same {@code shared} map and {@code memo}.
     */
    static VectorExpression compile(RexNode node, TableDef table, Map<RexNode, VectorExpression> shared, Memo memo) {
        VectorExpression known = shared.get(node);
        if (known != null) {
            known.users++;
            return known;
        }
        VectorExpression compiled = compileNew(node, table, shared, memo);
        if (compiled.memo == null) {
            compiled.memo = memo;
        }
        compiled.users++;
        shared.put(node, compiled);
        return compiled;
    }

    private static VectorExpression compileNew(
            RexNode node, TableDef table, Map<RexNode, VectorExpression> shared, Memo memo) {
        if (node instanceof RexInputRef ref) {
            ColumnType type = table.columns().get(ref.getIndex()).type();
            return switch (type.type()) {
                case INTEGER -> new Column(ref.getIndex(), ColumnKind.INT, false, false, 0);
                case BIGINT -> new Column(ref.getIndex(), ColumnKind.LONG, false, false, 0);
                case DOUBLE -> new Column(ref.getIndex(), ColumnKind.DOUBLE, true, false, 0);
                case DECIMAL -> {
                    if (type.precision() > 18) {
                        throw new Unsupported();
                    }
                    yield new Column(ref.getIndex(), ColumnKind.DECIMAL, false, true, type.scale());
                }
                default -> throw new Unsupported();
            };
        }
        if (node instanceof RexLiteral literal) {
            return literal(literal);
        }
        if (!(node instanceof RexCall call)) {
            throw new Unsupported();
        }
        RelDataType type = call.getType();
        // A null-on-error call: only checked integer arithmetic, whose overflow becomes NULL.
        boolean nullOnOverflow = call.getOperator() instanceof SafeOperator;
        SqlKind kind =
                nullOnOverflow ? ((SafeOperator) call.getOperator()).inner().getKind() : call.getKind();
        if (nullOnOverflow
                && kind != SqlKind.CHECKED_PLUS
                && kind != SqlKind.CHECKED_MINUS
                && kind != SqlKind.CHECKED_TIMES) {
            throw new Unsupported();
        }
        if (kind == SqlKind.OTHER_FUNCTION && call.getOperator().getName().equals(CLAMP_DOUBLE)) {
            return clampDouble(call, table, shared, memo);
        }
        switch (kind) {
            case PLUS, MINUS, TIMES -> {
                VectorExpression left = compile(call.getOperands().get(0), table, shared, memo);
                VectorExpression right = compile(call.getOperands().get(1), table, shared, memo);
                return arithmetic(kind.name(), left, right, type, Overflow.WRAP);
            }
            case CHECKED_PLUS, CHECKED_MINUS, CHECKED_TIMES -> {
                VectorExpression left = compile(call.getOperands().get(0), table, shared, memo);
                VectorExpression right = compile(call.getOperands().get(1), table, shared, memo);
                return arithmetic(
                        kind.name().substring("CHECKED_".length()),
                        left,
                        right,
                        type,
                        nullOnOverflow ? Overflow.NULL : Overflow.FAIL);
            }
            case CASE -> {
                return caseOf(call, table, shared, memo);
            }
            case CAST -> {
                return cast(
                        compile(call.getOperands().get(0), table, shared, memo),
                        call.getOperands().get(0).getType(),
                        type);
            }
            default -> throw new Unsupported();
        }
    }

    /**
     * {@code CASE WHEN a1 op b1 THEN v1 ... ELSE v END} whose conditions compare two numeric
     * operands of one representation with {@code <}, {@code <=}, {@code >} or {@code >=} and whose
     * values all have the CASE's representation: the form of the privacy rewrite's clamps.
     */
    private static VectorExpression caseOf(
            RexCall call, TableDef table, Map<RexNode, VectorExpression> shared, Memo memo) {
        java.util.List<RexNode> operands = call.getOperands();
        if (operands.size() % 2 != 1) {
            throw new Unsupported();
        }
        RelDataType type = call.getType();
        boolean isDouble = type.getSqlTypeName() == SqlTypeName.DOUBLE;
        boolean isDecimal = type.getSqlTypeName() == SqlTypeName.DECIMAL;
        if (!isDouble
                && !isDecimal
                && type.getSqlTypeName() != SqlTypeName.BIGINT
                && type.getSqlTypeName() != SqlTypeName.INTEGER) {
            throw new Unsupported();
        }
        int scale = isDecimal ? type.getScale() : 0;
        int branches = operands.size() / 2;
        SqlKind[] ops = new SqlKind[branches];
        VectorExpression[] lefts = new VectorExpression[branches];
        VectorExpression[] rights = new VectorExpression[branches];
        VectorExpression[] values = new VectorExpression[branches + 1];
        for (int b = 0; b < branches; b++) {
            if (!(operands.get(2 * b) instanceof RexCall condition)
                    || condition.getOperands().size() != 2) {
                throw new Unsupported();
            }
            ops[b] = condition.getKind();
            if (ops[b] != SqlKind.LESS_THAN
                    && ops[b] != SqlKind.LESS_THAN_OR_EQUAL
                    && ops[b] != SqlKind.GREATER_THAN
                    && ops[b] != SqlKind.GREATER_THAN_OR_EQUAL) {
                throw new Unsupported();
            }
            lefts[b] = compile(condition.getOperands().get(0), table, shared, memo);
            rights[b] = compile(condition.getOperands().get(1), table, shared, memo);
            if (lefts[b].isDouble != rights[b].isDouble
                    || (isDecimal && lefts[b].isDouble)
                    || (!lefts[b].isDouble && lefts[b].scale != rights[b].scale)) {
                throw new Unsupported();
            }
            values[b] = compile(operands.get(2 * b + 1), table, shared, memo);
        }
        values[branches] = compile(operands.get(operands.size() - 1), table, shared, memo);
        for (VectorExpression v : values) {
            if (v.isDouble != isDouble || v.scale != scale || (isDecimal && !v.isDecimal && v.scale != 0)) {
                throw new Unsupported();
            }
        }
        Case general = new Case(ops, lefts, rights, values, isDouble, isDecimal, scale);
        return clampOf(general, ops, lefts, rights, values);
    }

    /**
     * {@code general} evaluated in one pass over its operand when it is a clamp: every condition
     * compares one operand {@code x}, the ELSE value, with a constant that is also the branch's
     * value ({@code CASE WHEN x < lo THEN lo WHEN x > hi THEN hi ELSE x END}, the privacy rewrite's
     * clamp of a column with bounds); otherwise {@code general} itself.
     */
    private static VectorExpression clampOf(
            Case general,
            SqlKind[] ops,
            VectorExpression[] lefts,
            VectorExpression[] rights,
            VectorExpression[] values) {
        VectorExpression x = values[ops.length];
        if (x.isDouble != general.isDouble || x.scale != general.scale) {
            return general;
        }
        long[] longBounds = new long[ops.length];
        double[] doubleBounds = new double[ops.length];
        for (int b = 0; b < ops.length; b++) {
            if (lefts[b] != x
                    || !(rights[b] instanceof Constant bound)
                    || !(values[b] instanceof Constant value)
                    || bound.isDouble != value.isDouble
                    || bound.scale != value.scale
                    || bound.longValue != value.longValue
                    || Double.doubleToRawLongBits(bound.doubleValue) != Double.doubleToRawLongBits(value.doubleValue)) {
                return general;
            }
            longBounds[b] = bound.longValue;
            doubleBounds[b] = bound.doubleValue;
        }
        return new CaseClamp(general, x, ops, longBounds, doubleBounds);
    }

    /** The name of the privacy rewrite's clamp of a DOUBLE value ({@code MaskFunctions.clampDouble}). */
    private static final String CLAMP_DOUBLE = "VEIL_CLAMP";

    /** {@code VEIL_CLAMP(value, lower, upper)} of a DOUBLE value with literal bounds. */
    private static VectorExpression clampDouble(
            RexCall call, TableDef table, Map<RexNode, VectorExpression> shared, Memo memo) {
        if (call.getOperands().size() != 3
                || call.getType().getSqlTypeName() != SqlTypeName.DOUBLE
                || !(call.getOperands().get(1) instanceof RexLiteral lower)
                || !(call.getOperands().get(2) instanceof RexLiteral upper)
                || lower.isNull()
                || upper.isNull()) {
            throw new Unsupported();
        }
        VectorExpression value = compile(call.getOperands().get(0), table, shared, memo);
        if (!value.isDouble) {
            throw new Unsupported();
        }
        double low = requireNonNull(lower.getValueAs(Double.class), "lower");
        double high = requireNonNull(upper.getValueAs(Double.class), "upper");
        return new ClampDouble(value, low, high);
    }

    private static VectorExpression literal(RexLiteral literal) {
        if (literal.isNull()) {
            throw new Unsupported();
        }
        RelDataType type = literal.getType();
        switch (type.getSqlTypeName()) {
            case INTEGER, BIGINT -> {
                long v = requireNonNull(literal.getValueAs(Long.class), "literal");
                return new Constant(v, 0d, false, false, 0);
            }
            case DECIMAL -> {
                BigDecimal v = requireNonNull(literal.getValueAs(BigDecimal.class), "literal");
                if (v.scale() != type.getScale() || v.scale() < 0) {
                    throw new Unsupported();
                }
                return new Constant(v.unscaledValue().longValueExact(), 0d, false, true, v.scale());
            }
            case DOUBLE -> {
                double v = requireNonNull(literal.getValueAs(Double.class), "literal");
                return new Constant(0, v, true, false, 0);
            }
            default -> throw new Unsupported();
        }
    }

    /** What integer arithmetic does when a result does not fit its type. */
    enum Overflow {
        /** Wraps like Java's {@code int} and {@code long} (Calcite's unchecked operators). */
        WRAP,
        /** Throws {@link ArithmeticException} (checked operators: NUMERIC_OUT_OF_RANGE). */
        FAIL,
        /** The row's value is NULL (checked operators made null-on-error on protected rows). */
        NULL
    }

    private static VectorExpression arithmetic(
            String op, VectorExpression left, VectorExpression right, RelDataType type, Overflow overflow) {
        switch (type.getSqlTypeName()) {
            case INTEGER, BIGINT -> {
                if (left.isDouble || right.isDouble || left.isDecimal || right.isDecimal) {
                    throw new Unsupported();
                }
                return new Arithmetic(
                        op, left, right, false, false, 0, type.getSqlTypeName() == SqlTypeName.INTEGER, overflow);
            }
            case DECIMAL -> {
                if (left.isDouble || right.isDouble) {
                    throw new Unsupported();
                }
                int natural = op.equals("TIMES") ? left.scale + right.scale : Math.max(left.scale, right.scale);
                // The row code computes with BigDecimal, whose result has this natural scale; the
                // planner's type must agree, or the row code would round where this would not.
                if (natural != type.getScale()) {
                    throw new Unsupported();
                }
                if (overflow != Overflow.WRAP) {
                    throw new Unsupported();
                }
                return new Arithmetic(op, left, right, false, true, natural, false, overflow);
            }
            case DOUBLE -> {
                if (!left.isDouble || !right.isDouble) {
                    throw new Unsupported();
                }
                if (overflow != Overflow.WRAP) {
                    throw new Unsupported();
                }
                return new Arithmetic(op, left, right, true, false, 0, false, overflow);
            }
            default -> throw new Unsupported();
        }
    }

    private static VectorExpression cast(VectorExpression operand, RelDataType from, RelDataType to) {
        SqlTypeName f = from.getSqlTypeName();
        SqlTypeName t = to.getSqlTypeName();
        if (f == t && f != SqlTypeName.DECIMAL) {
            return operand;
        }
        if (t == SqlTypeName.BIGINT && f == SqlTypeName.INTEGER) {
            return new Cast(operand, false, false, 0, 1);
        }
        if (t == SqlTypeName.DOUBLE && (f == SqlTypeName.INTEGER || f == SqlTypeName.BIGINT)) {
            return new Cast(operand, true, false, 0, 1);
        }
        if (t == SqlTypeName.DECIMAL && to.getScale() >= 0) {
            int integerDigits = switch (f) {
                case INTEGER -> 10;
                case BIGINT -> 19;
                case DECIMAL -> from.getPrecision() - from.getScale();
                default -> throw new Unsupported();
            };
            // Only widening casts: the value always fits, so the row code neither rounds nor fails.
            if (to.getScale() < operand.scale || to.getPrecision() - to.getScale() < integerDigits) {
                throw new Unsupported();
            }
            int up = to.getScale() - operand.scale;
            if (up > 18) {
                throw new Unsupported();
            }
            return new Cast(operand, false, true, to.getScale(), POWERS[up]);
        }
        throw new Unsupported();
    }

    static final long[] POWERS = new long[19];

    static {
        POWERS[0] = 1;
        for (int i = 1; i < POWERS.length; i++) {
            POWERS[i] = POWERS[i - 1] * 10;
        }
    }

    private enum ColumnKind {
        INT,
        LONG,
        DOUBLE,
        DECIMAL
    }

    /** A table column read straight from its vector. */
    private static final class Column extends VectorExpression {
        private final int column;
        private final ColumnKind kind;

        Column(int column, ColumnKind kind, boolean isDouble, boolean isDecimal, int scale) {
            super(isDouble, isDecimal, scale);
            this.column = column;
            this.kind = kind;
        }

        private static void readNulls(FieldVector v, int[] sel, int n, boolean[] nulls) {
            if (!Validity.hasNulls(v)) {
                Arrays.fill(nulls, 0, n, false);
            } else {
                for (int j = 0; j < n; j++) {
                    nulls[j] = v.isNull(sel[j]);
                }
            }
        }

        @Override
        void computeLong(FieldVector[] vectors, int[] sel, int n, long[] out, boolean[] nulls) {
            FieldVector v = vectors[column];
            readNulls(v, sel, n, nulls);
            // Unchecked reads: every row in sel is below the batch's row count, which the buffer holds.
            long address = v.getDataBuffer().memoryAddress();
            switch (kind) {
                case INT -> {
                    for (int j = 0; j < n; j++) {
                        out[j] = MemoryUtil.getInt(address + (long) sel[j] * 4);
                    }
                }
                case LONG -> {
                    for (int j = 0; j < n; j++) {
                        out[j] = MemoryUtil.getLong(address + (long) sel[j] * 8);
                    }
                }
                case DECIMAL -> {
                    // The unscaled value fits a long, so its low 8 little-endian bytes are the whole value.
                    for (int j = 0; j < n; j++) {
                        out[j] = MemoryUtil.getLong(address + (long) sel[j] * DecimalVector.TYPE_WIDTH);
                    }
                }
                default -> throw new IllegalStateException("not a long column");
            }
        }

        @Override
        void computeDouble(FieldVector[] vectors, int[] sel, int n, double[] out, boolean[] nulls) {
            FieldVector v = vectors[column];
            readNulls(v, sel, n, nulls);
            long address = v.getDataBuffer().memoryAddress();
            for (int j = 0; j < n; j++) {
                out[j] = Double.longBitsToDouble(MemoryUtil.getLong(address + (long) sel[j] * 8));
            }
        }

        @Override
        BigDecimal evalDecimal(FieldVector[] vectors, int row) {
            FieldVector v = vectors[column];
            if (v.isNull(row)) {
                return null;
            }
            ArrowBuf data = v.getDataBuffer();
            return switch (kind) {
                case INT -> BigDecimal.valueOf(data.getInt((long) row * 4));
                case LONG -> BigDecimal.valueOf(data.getLong((long) row * 8));
                case DECIMAL -> BigDecimal.valueOf(data.getLong((long) row * DecimalVector.TYPE_WIDTH), scale);
                default -> throw new IllegalStateException("not a decimal column");
            };
        }
    }

    /** A literal. */
    private static final class Constant extends VectorExpression {
        private final long longValue;
        private final double doubleValue;

        Constant(long longValue, double doubleValue, boolean isDouble, boolean isDecimal, int scale) {
            super(isDouble, isDecimal, scale);
            this.longValue = longValue;
            this.doubleValue = doubleValue;
        }

        @Override
        void computeLong(FieldVector[] vectors, int[] sel, int n, long[] out, boolean[] nulls) {
            Arrays.fill(out, 0, n, longValue);
            Arrays.fill(nulls, 0, n, false);
        }

        @Override
        void computeDouble(FieldVector[] vectors, int[] sel, int n, double[] out, boolean[] nulls) {
            Arrays.fill(out, 0, n, doubleValue);
            Arrays.fill(nulls, 0, n, false);
        }

        @Override
        BigDecimal evalDecimal(FieldVector[] vectors, int row) {
            return BigDecimal.valueOf(longValue, scale);
        }
    }

    /** {@code +}, {@code -} or {@code *} of two operands of the same domain. */
    private static final class Arithmetic extends VectorExpression {
        private final String op;
        private final VectorExpression left;
        private final VectorExpression right;
        private final boolean isInt;
        private final Overflow overflow;
        private long[] rightLongs = new long[0];
        private double[] rightDoubles = new double[0];
        private boolean[] rightNulls = new boolean[0];

        Arithmetic(
                String op,
                VectorExpression left,
                VectorExpression right,
                boolean isDouble,
                boolean isDecimal,
                int scale,
                boolean isInt,
                Overflow overflow) {
            super(isDouble, isDecimal, scale);
            this.op = op;
            this.left = left;
            this.right = right;
            this.isInt = isInt;
            this.overflow = overflow;
        }

        private void ensure(int n) {
            if (rightNulls.length < n) {
                rightNulls = new boolean[n];
                if (isDouble) {
                    rightDoubles = new double[n];
                } else {
                    rightLongs = new long[n];
                }
            }
        }

        @Override
        void computeLong(FieldVector[] vectors, int[] sel, int n, long[] out, boolean[] nulls) {
            ensure(n);
            left.evalLong(vectors, sel, n, out, nulls);
            right.evalLong(vectors, sel, n, rightLongs, rightNulls);
            long[] r = rightLongs;
            for (int j = 0; j < n; j++) {
                nulls[j] |= rightNulls[j];
            }
            if (isDecimal) {
                evalDecimalLongs(out, r, nulls, n);
                return;
            }
            if (overflow != Overflow.WRAP) {
                evalChecked(out, r, nulls, n);
                return;
            }
            switch (op) {
                case "PLUS" -> {
                    for (int j = 0; j < n; j++) {
                        out[j] += r[j];
                    }
                }
                case "MINUS" -> {
                    for (int j = 0; j < n; j++) {
                        out[j] -= r[j];
                    }
                }
                default -> {
                    for (int j = 0; j < n; j++) {
                        out[j] *= r[j];
                    }
                }
            }
            if (isInt) {
                // INTEGER arithmetic in the row code is Java int arithmetic: it wraps at 32 bits.
                for (int j = 0; j < n; j++) {
                    out[j] = (int) out[j];
                }
            }
        }

        /** Exact integer arithmetic: a result that does not fit the type fails or is NULL. */
        private void evalChecked(long[] out, long[] r, boolean[] nulls, int n) {
            for (int j = 0; j < n; j++) {
                if (nulls[j]) {
                    continue;
                }
                long v;
                try {
                    v = switch (op) {
                        case "PLUS" -> Math.addExact(out[j], r[j]);
                        case "MINUS" -> Math.subtractExact(out[j], r[j]);
                        default -> Math.multiplyExact(out[j], r[j]);
                    };
                    if (isInt && v != (int) v) {
                        throw new ArithmeticException("integer overflow");
                    }
                } catch (ArithmeticException e) {
                    if (overflow == Overflow.FAIL) {
                        throw e;
                    }
                    nulls[j] = true;
                    v = 0;
                }
                out[j] = v;
            }
        }

        private void evalDecimalLongs(long[] out, long[] r, boolean[] nulls, int n) {
            if (op.equals("TIMES")) {
                for (int j = 0; j < n; j++) {
                    if (!nulls[j]) {
                        out[j] = Math.multiplyExact(out[j], r[j]);
                    }
                }
                return;
            }
            long leftFactor = POWERS[scale - left.scale];
            long rightFactor = POWERS[scale - right.scale];
            boolean minus = op.equals("MINUS");
            for (int j = 0; j < n; j++) {
                if (nulls[j]) {
                    continue;
                }
                long a = leftFactor == 1 ? out[j] : Math.multiplyExact(out[j], leftFactor);
                long b = rightFactor == 1 ? r[j] : Math.multiplyExact(r[j], rightFactor);
                out[j] = minus ? Math.subtractExact(a, b) : Math.addExact(a, b);
            }
        }

        @Override
        void computeDouble(FieldVector[] vectors, int[] sel, int n, double[] out, boolean[] nulls) {
            ensure(n);
            left.evalDouble(vectors, sel, n, out, nulls);
            right.evalDouble(vectors, sel, n, rightDoubles, rightNulls);
            double[] r = rightDoubles;
            for (int j = 0; j < n; j++) {
                nulls[j] |= rightNulls[j];
            }
            switch (op) {
                case "PLUS" -> {
                    for (int j = 0; j < n; j++) {
                        out[j] += r[j];
                    }
                }
                case "MINUS" -> {
                    for (int j = 0; j < n; j++) {
                        out[j] -= r[j];
                    }
                }
                default -> {
                    for (int j = 0; j < n; j++) {
                        out[j] *= r[j];
                    }
                }
            }
        }

        @Override
        BigDecimal evalDecimal(FieldVector[] vectors, int row) {
            if (!isDecimal) {
                // An INTEGER or BIGINT part of a DECIMAL expression: its wrapping arithmetic, one row.
                long[] value = new long[1];
                boolean[] isNull = new boolean[1];
                evalLong(vectors, new int[] {row}, 1, value, isNull);
                return isNull[0] ? null : BigDecimal.valueOf(value[0]);
            }
            BigDecimal a = left.evalDecimal(vectors, row);
            BigDecimal b = right.evalDecimal(vectors, row);
            if (a == null || b == null) {
                return null;
            }
            return switch (op) {
                case "PLUS" -> a.add(b);
                case "MINUS" -> a.subtract(b);
                default -> a.multiply(b);
            };
        }
    }

    /** A DOUBLE clamped into bounds: NaN is NULL, an infinity the nearest bound (as {@code MaskFunctions.clampDouble}). */
    private static final class ClampDouble extends VectorExpression {
        private final VectorExpression value;
        private final double lower;
        private final double upper;

        ClampDouble(VectorExpression value, double lower, double upper) {
            super(true, false, 0);
            this.value = value;
            this.lower = lower;
            this.upper = upper;
        }

        @Override
        void computeLong(FieldVector[] vectors, int[] sel, int n, long[] out, boolean[] nulls) {
            throw new IllegalStateException("not a long expression");
        }

        @Override
        void computeDouble(FieldVector[] vectors, int[] sel, int n, double[] out, boolean[] nulls) {
            value.evalDouble(vectors, sel, n, out, nulls);
            for (int j = 0; j < n; j++) {
                double v = out[j];
                if (Double.isNaN(v)) {
                    nulls[j] = true;
                } else if (v < lower) {
                    out[j] = lower;
                } else if (v > upper) {
                    out[j] = upper;
                }
            }
        }

        @Override
        BigDecimal evalDecimal(FieldVector[] vectors, int row) {
            throw new IllegalStateException("not a decimal expression");
        }
    }

    /** A searched CASE of comparisons (see {@link #caseOf}): each row takes the value of its first true condition. */
    private static final class Case extends VectorExpression {
        private final SqlKind[] ops;
        private final VectorExpression[] lefts;
        private final VectorExpression[] rights;
        private final VectorExpression[] values;
        private long[] a = new long[0];
        private long[] b = new long[0];
        private double[] da = new double[0];
        private double[] db = new double[0];
        private boolean[] an = new boolean[0];
        private boolean[] bn = new boolean[0];
        private long[] v = new long[0];
        private double[] dv = new double[0];
        private boolean[] vn = new boolean[0];
        /** Per row: the branch it takes, or -1 while undecided. */
        private int[] taken = new int[0];

        Case(
                SqlKind[] ops,
                VectorExpression[] lefts,
                VectorExpression[] rights,
                VectorExpression[] values,
                boolean isDouble,
                boolean isDecimal,
                int scale) {
            super(isDouble, isDecimal, scale);
            this.ops = ops;
            this.lefts = lefts;
            this.rights = rights;
            this.values = values;
        }

        private void ensure(int n) {
            if (taken.length < n) {
                a = new long[n];
                b = new long[n];
                da = new double[n];
                db = new double[n];
                an = new boolean[n];
                bn = new boolean[n];
                v = new long[n];
                dv = new double[n];
                vn = new boolean[n];
                taken = new int[n];
            }
        }

        private static boolean test(SqlKind op, int c) {
            return switch (op) {
                case LESS_THAN -> c < 0;
                case LESS_THAN_OR_EQUAL -> c <= 0;
                case GREATER_THAN -> c > 0;
                default -> c >= 0;
            };
        }

        /** A comparison of doubles as SQL (and Java) compares them: NaN compares false. */
        private static boolean testDouble(SqlKind op, double x, double y) {
            return switch (op) {
                case LESS_THAN -> x < y;
                case LESS_THAN_OR_EQUAL -> x <= y;
                case GREATER_THAN -> x > y;
                default -> x >= y;
            };
        }

        /** Decides each row's branch: the first whose comparison is true (NULL is not). */
        private void decide(FieldVector[] vectors, int[] sel, int n) {
            ensure(n);
            int branches = ops.length;
            Arrays.fill(taken, 0, n, branches);
            for (int br = branches - 1; br >= 0; br--) {
                // Later branches first, so an earlier true condition overwrites.
                VectorExpression l = lefts[br];
                VectorExpression r = rights[br];
                if (l.isDouble) {
                    l.evalDouble(vectors, sel, n, da, an);
                    r.evalDouble(vectors, sel, n, db, bn);
                    for (int j = 0; j < n; j++) {
                        if (!an[j] && !bn[j] && testDouble(ops[br], da[j], db[j])) {
                            taken[j] = br;
                        }
                    }
                } else {
                    l.evalLong(vectors, sel, n, a, an);
                    r.evalLong(vectors, sel, n, b, bn);
                    for (int j = 0; j < n; j++) {
                        if (!an[j] && !bn[j] && test(ops[br], Long.compare(a[j], b[j]))) {
                            taken[j] = br;
                        }
                    }
                }
            }
        }

        @Override
        void computeLong(FieldVector[] vectors, int[] sel, int n, long[] out, boolean[] nulls) {
            decide(vectors, sel, n);
            for (int br = 0; br < values.length; br++) {
                values[br].evalLong(vectors, sel, n, v, vn);
                for (int j = 0; j < n; j++) {
                    if (taken[j] == br) {
                        out[j] = v[j];
                        nulls[j] = vn[j];
                    }
                }
            }
        }

        @Override
        void computeDouble(FieldVector[] vectors, int[] sel, int n, double[] out, boolean[] nulls) {
            decide(vectors, sel, n);
            for (int br = 0; br < values.length; br++) {
                values[br].evalDouble(vectors, sel, n, dv, vn);
                for (int j = 0; j < n; j++) {
                    if (taken[j] == br) {
                        out[j] = dv[j];
                        nulls[j] = vn[j];
                    }
                }
            }
        }

        @Override
        BigDecimal evalDecimal(FieldVector[] vectors, int row) {
            for (int br = 0; br < ops.length; br++) {
                BigDecimal l = lefts[br].evalDecimal(vectors, row);
                BigDecimal r = rights[br].evalDecimal(vectors, row);
                if (l != null && r != null && test(ops[br], l.compareTo(r))) {
                    return values[br].evalDecimal(vectors, row);
                }
            }
            return values[ops.length].evalDecimal(vectors, row);
        }
    }

    /**
     * A {@link Case} of the clamp form ({@link #clampOf}): the operand evaluated once, then each row
     * replaced by the bound of its first true condition, as the CASE would (a NULL operand, or a
     * NaN one, meets no condition and stays itself).
     */
    private static final class CaseClamp extends VectorExpression {
        private final Case general;
        private final VectorExpression value;
        private final SqlKind[] ops;
        private final long[] longBounds;
        private final double[] doubleBounds;
        /** Whether it is {@code CASE WHEN x < low THEN low WHEN x > high THEN high ELSE x END}. */
        private final boolean lowHigh;

        CaseClamp(Case general, VectorExpression value, SqlKind[] ops, long[] longBounds, double[] doubleBounds) {
            super(general.isDouble, general.isDecimal, general.scale);
            this.general = general;
            this.value = value;
            this.ops = ops;
            this.longBounds = longBounds;
            this.doubleBounds = doubleBounds;
            this.lowHigh = ops.length == 2 && ops[0] == SqlKind.LESS_THAN && ops[1] == SqlKind.GREATER_THAN;
        }

        @Override
        void computeLong(FieldVector[] vectors, int[] sel, int n, long[] out, boolean[] nulls) {
            if (isDouble) {
                general.computeLong(vectors, sel, n, out, nulls);
                return;
            }
            value.evalLong(vectors, sel, n, out, nulls);
            if (lowHigh) {
                // The rewrite's form: the ops compared in the loop, not through the enum.
                long low = longBounds[0];
                long high = longBounds[1];
                for (int j = 0; j < n; j++) {
                    long x = out[j];
                    if (!nulls[j]) {
                        out[j] = x < low ? low : x > high ? high : x;
                    }
                }
                return;
            }
            int branches = ops.length;
            for (int j = 0; j < n; j++) {
                if (nulls[j]) {
                    continue;
                }
                long x = out[j];
                for (int b = 0; b < branches; b++) {
                    if (Case.test(ops[b], Long.compare(x, longBounds[b]))) {
                        out[j] = longBounds[b];
                        break;
                    }
                }
            }
        }

        @Override
        void computeDouble(FieldVector[] vectors, int[] sel, int n, double[] out, boolean[] nulls) {
            if (!isDouble) {
                general.computeDouble(vectors, sel, n, out, nulls);
                return;
            }
            value.evalDouble(vectors, sel, n, out, nulls);
            if (lowHigh) {
                double low = doubleBounds[0];
                double high = doubleBounds[1];
                for (int j = 0; j < n; j++) {
                    double x = out[j];
                    if (!nulls[j]) {
                        out[j] = x < low ? low : x > high ? high : x;
                    }
                }
                return;
            }
            int branches = ops.length;
            for (int j = 0; j < n; j++) {
                if (nulls[j]) {
                    continue;
                }
                double x = out[j];
                for (int b = 0; b < branches; b++) {
                    if (Case.testDouble(ops[b], x, doubleBounds[b])) {
                        out[j] = doubleBounds[b];
                        break;
                    }
                }
            }
        }

        @Override
        BigDecimal evalDecimal(FieldVector[] vectors, int row) {
            return general.evalDecimal(vectors, row);
        }
    }

    /** A widening cast: INTEGER to BIGINT, an integer to DOUBLE, or to a DECIMAL of a scale as large. */
    private static final class Cast extends VectorExpression {
        private final VectorExpression operand;
        private final long factor;
        private long[] longs = new long[0];

        Cast(VectorExpression operand, boolean isDouble, boolean isDecimal, int scale, long factor) {
            super(isDouble, isDecimal, scale);
            this.operand = operand;
            this.factor = factor;
        }

        @Override
        void computeLong(FieldVector[] vectors, int[] sel, int n, long[] out, boolean[] nulls) {
            operand.evalLong(vectors, sel, n, out, nulls);
            if (factor != 1) {
                for (int j = 0; j < n; j++) {
                    if (!nulls[j]) {
                        out[j] = Math.multiplyExact(out[j], factor);
                    }
                }
            }
        }

        @Override
        void computeDouble(FieldVector[] vectors, int[] sel, int n, double[] out, boolean[] nulls) {
            if (longs.length < n) {
                longs = new long[n];
            }
            operand.evalLong(vectors, sel, n, longs, nulls);
            for (int j = 0; j < n; j++) {
                out[j] = longs[j];
            }
        }

        @Override
        BigDecimal evalDecimal(FieldVector[] vectors, int row) {
            BigDecimal v = operand.evalDecimal(vectors, row);
            return v == null ? null : v.setScale(scale);
        }
    }
}
