package dev.veil.exec.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veil.catalog.RemoteKind;
import dev.veil.plan.SafeOperator;
import dev.veil.schema.VeilTypeSystem;
import java.math.BigDecimal;
import java.util.List;
import org.apache.calcite.jdbc.JavaTypeFactoryImpl;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.sql.SqlFunction;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.dialect.PostgresqlSqlDialect;
import org.apache.calcite.sql.dialect.TrinoSqlDialect;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.sql.type.InferTypes;
import org.apache.calcite.sql.type.ReturnTypes;
import org.apache.calcite.sql.type.SqlTypeName;
import org.apache.calcite.sql.validate.SqlUserDefinedFunction;
import org.junit.jupiter.api.Test;

/** Which expressions {@link RemoteExpressions} lets a remote evaluate, and how it writes Veil's clamp. */
class RemoteExpressionsTest {
    private final RelDataTypeFactory types = new JavaTypeFactoryImpl(VeilTypeSystem.INSTANCE);
    private final RexBuilder rex = new RexBuilder(types);
    private final RelDataType dbl = nullable(types.createSqlType(SqlTypeName.DOUBLE));
    private final RexNode price = rex.makeInputRef(nullable(types.createSqlType(SqlTypeName.DECIMAL, 15, 2)), 0);
    private final RexNode wide = rex.makeInputRef(nullable(types.createSqlType(SqlTypeName.DECIMAL, 38, 2)), 1);
    private final RexNode score = rex.makeInputRef(dbl, 2);
    private final RexNode discount = rex.makeInputRef(dbl, 3);

    /** Veil's clamp as the rewrite builds it (an operator of that name, literal bounds). */
    private static final SqlUserDefinedFunction CLAMP = new SqlUserDefinedFunction(
            new SqlIdentifier("VEIL_CLAMP", SqlParserPos.ZERO),
            SqlKind.OTHER_FUNCTION,
            ReturnTypes.ARG0_NULLABLE,
            InferTypes.RETURN_TYPE,
            null,
            null);

    private RelDataType nullable(RelDataType type) {
        return types.createTypeWithNullability(type, true);
    }

    private RexNode clamp(RexNode value, double lower, double upper) {
        return rex.makeCall(
                dbl,
                CLAMP,
                List.of(
                        value,
                        rex.makeApproxLiteral(BigDecimal.valueOf(lower)),
                        rex.makeApproxLiteral(BigDecimal.valueOf(upper))));
    }

    private RexNode one() {
        return rex.makeExactLiteral(BigDecimal.ONE);
    }

    private RexNode translate(RemoteKind kind, RexNode e) {
        List<RexNode> out = RemoteExpressions.translate(rex, kind, true, List.of(e));
        return out == null ? null : out.get(0);
    }

    @Test
    void clampBecomesACaseWithTheRemotesNanTest() {
        for (RemoteKind kind : RemoteKind.values()) {
            RexNode out = translate(kind, clamp(score, 0, 100));
            assertNotNull(out);
            assertEquals(SqlKind.CASE, out.getKind());
            // NaN first: PostgreSQL's NaN is greater than every number, and would become the upper bound.
            RexCall test = (RexCall) ((RexCall) out).getOperands().get(0);
            assertEquals(RemoteNaNTest.of(kind), test.getOperator(), out.toString());
        }
        // A clamp written for a remote, copied into a node Veil runs, is pushed again as it is.
        RexNode twice = translate(RemoteKind.TRINO, translate(RemoteKind.TRINO, clamp(score, 0, 100)));
        assertEquals(translate(RemoteKind.TRINO, clamp(score, 0, 100)).toString(), twice.toString());
    }

    @Test
    void theNanTestIsWrittenInEachDialectAndMeansTheSameInVeil() {
        SqlIdentifier v = new SqlIdentifier("v", SqlParserPos.ZERO);
        assertEquals(
                "is_nan(\"v\")",
                RemoteNaNTest.TRINO
                        .createCall(SqlParserPos.ZERO, v)
                        .toSqlString(TrinoSqlDialect.DEFAULT)
                        .getSql());
        assertEquals(
                "(\"v\" = CAST('NaN' AS DOUBLE PRECISION))",
                RemoteNaNTest.POSTGRESQL
                        .createCall(SqlParserPos.ZERO, v)
                        .toSqlString(PostgresqlSqlDialect.DEFAULT)
                        .getSql()
                        .replaceAll(" +", " "));
        // In Veil: Java's NaN == NaN is false, so the test is Double.isNaN, not PostgreSQL's equality.
        assertTrue(RemoteFunctions.isNaN(Double.NaN));
        assertFalse(RemoteFunctions.isNaN(Double.POSITIVE_INFINITY));
        assertFalse(RemoteFunctions.isNaN(1.5));
    }

    @Test
    void decimalArithmeticIsPushedOnlyWhereItsDigitsFitTheRemote() {
        RexNode revenue = rex.makeCall(
                SqlStdOperatorTable.MULTIPLY, price, rex.makeCall(SqlStdOperatorTable.MINUS, one(), price));
        assertNotNull(translate(RemoteKind.TRINO, revenue));
        assertNotNull(translate(RemoteKind.POSTGRESQL, revenue));
        // 38 + 15 digits: Trino's decimal fails beyond 38 where Veil's exact arithmetic does not.
        assertEquals(38, wide.getType().getPrecision());
        RexNode big = rex.makeCall(SqlStdOperatorTable.MULTIPLY, wide, price);
        assertNull(translate(RemoteKind.TRINO, big));
        assertNotNull(translate(RemoteKind.POSTGRESQL, big));
        RexNode sum = rex.makeCall(SqlStdOperatorTable.PLUS, wide, wide);
        assertNull(translate(RemoteKind.TRINO, sum));
    }

    @Test
    void postgresDoubleArithmeticIsPushedOnlyWhenItCannotOverflowOrUnderflow() {
        RexNode squared = rex.makeCall(SqlStdOperatorTable.MULTIPLY, score, score);
        assertNotNull(translate(RemoteKind.TRINO, squared), "Trino's doubles never fail");
        assertNull(translate(RemoteKind.POSTGRESQL, squared), "unbounded values can overflow");
        RexNode clampedPrice = clamp(score, 0, 105000);
        RexNode clampedDiscount = clamp(discount, 0, 0.1);
        RexNode revenue = rex.makeCall(
                SqlStdOperatorTable.MULTIPLY,
                clampedPrice,
                rex.makeCall(SqlStdOperatorTable.MINUS, one(), clampedDiscount));
        assertNotNull(translate(RemoteKind.POSTGRESQL, revenue), "bounded, and one factor is in [0.9, 1]");
        RexNode tiny = rex.makeCall(SqlStdOperatorTable.MULTIPLY, clampedPrice, clampedDiscount);
        assertNull(translate(RemoteKind.POSTGRESQL, tiny), "two factors near zero can underflow");
        assertNotNull(translate(RemoteKind.TRINO, tiny));
        RexNode plus = rex.makeCall(SqlStdOperatorTable.PLUS, clampedPrice, clampedDiscount);
        assertNotNull(translate(RemoteKind.POSTGRESQL, plus));
        RexNode divide = rex.makeCall(
                SqlStdOperatorTable.DIVIDE,
                clampedPrice,
                rex.makeCall(SqlStdOperatorTable.PLUS, clampedDiscount, one()));
        assertNull(translate(RemoteKind.POSTGRESQL, divide));
    }

    @Test
    void functionsPostgresFailsOnStayInVeil() {
        RexNode power = rex.makeCall(SqlStdOperatorTable.POWER, score, rex.makeExactLiteral(BigDecimal.valueOf(1000)));
        assertNull(translate(RemoteKind.POSTGRESQL, power), "PostgreSQL fails on overflow: value out of range");
        assertNotNull(translate(RemoteKind.TRINO, power), "Trino's power is Infinity, as Veil's");
        assertNull(translate(RemoteKind.POSTGRESQL, rex.makeCall(SqlStdOperatorTable.SQRT, score)));
        assertNull(translate(RemoteKind.POSTGRESQL, rex.makeCall(SqlStdOperatorTable.LN, score)));
        assertNull(translate(RemoteKind.POSTGRESQL, rex.makeCall(SqlStdOperatorTable.ACOS, score)));
    }

    @Test
    void aFunctionNotKnownToBeSafeStaysInVeil() {
        RelDataType text = nullable(types.createSqlType(SqlTypeName.VARCHAR));
        RexNode city = rex.makeInputRef(text, 4);
        // SUBSTRING fails in PostgreSQL on a negative length; REPLACE is total, but not on the list:
        // only listed calls are pushed, so a function is never pushed by default.
        RexNode substring =
                rex.makeCall(SqlStdOperatorTable.SUBSTRING, city, one(), rex.makeExactLiteral(BigDecimal.valueOf(-1)));
        RexNode replace = rex.makeCall(SqlStdOperatorTable.REPLACE, city, rex.makeLiteral("a"), rex.makeLiteral("b"));
        for (RemoteKind kind : RemoteKind.values()) {
            assertNull(translate(kind, substring), kind.name());
            assertNull(translate(kind, replace), kind.name());
            assertNotNull(translate(kind, rex.makeCall(SqlStdOperatorTable.UPPER, city)), kind.name());
        }
    }

    @Test
    void positionWithFromStaysInVeil() {
        RelDataType text = nullable(types.createSqlType(SqlTypeName.VARCHAR));
        RexNode city = rex.makeInputRef(text, 4);
        RexNode a = rex.makeLiteral("a");
        assertNotNull(translate(RemoteKind.POSTGRESQL, rex.makeCall(SqlStdOperatorTable.POSITION, a, city)));
        RexNode from = rex.makeCall(SqlStdOperatorTable.POSITION, a, city, one());
        assertNull(translate(RemoteKind.POSTGRESQL, from), "PostgreSQL has no POSITION ... FROM");
        assertNull(translate(RemoteKind.TRINO, from));
    }

    @Test
    void dateArithmeticWithALiteralStaysInVeilWithoutFailing() {
        RelDataType date = types.createSqlType(SqlTypeName.DATE);
        RexNode day = rex.makeLiteral(new org.apache.calcite.util.DateString(2020, 1, 1), date, false);
        RelDataType interval = types.createSqlIntervalType(new org.apache.calcite.sql.SqlIntervalQualifier(
                org.apache.calcite.avatica.util.TimeUnit.DAY, null, SqlParserPos.ZERO));
        RexNode sum =
                rex.makeCall(date, SqlStdOperatorTable.DATETIME_PLUS, List.of(day, rex.makeInputRef(interval, 5)));
        assertNull(translate(RemoteKind.POSTGRESQL, sum));
        assertNull(translate(RemoteKind.TRINO, sum));
    }

    @Test
    void onlyWideningCastsArePushed() {
        assertNotNull(translate(RemoteKind.TRINO, rex.makeCast(dbl, price)));
        RelDataType narrow = nullable(types.createSqlType(SqlTypeName.DECIMAL, 5, 2));
        assertNull(translate(RemoteKind.TRINO, rex.makeAbstractCast(narrow, price, false)));
        RelDataType text = nullable(types.createSqlType(SqlTypeName.VARCHAR, 3));
        assertNull(translate(RemoteKind.TRINO, rex.makeAbstractCast(text, score, false)));
        // A constant fails for every row or for none.
        assertNotNull(translate(RemoteKind.TRINO, rex.makeAbstractCast(narrow, one(), false)));
    }

    @Test
    void veilsOtherFunctionsStayInVeil() {
        RexNode safe = SafeOperator.wrap(rex, (RexCall) rex.makeCall(SqlStdOperatorTable.DIVIDE, price, price));
        assertNull(translate(RemoteKind.TRINO, safe));
        SqlFunction unknown = new SqlUserDefinedFunction(
                new SqlIdentifier("VEIL_HASH", SqlParserPos.ZERO),
                SqlKind.OTHER_FUNCTION,
                ReturnTypes.ARG0_NULLABLE,
                InferTypes.RETURN_TYPE,
                null,
                null);
        assertNull(translate(RemoteKind.POSTGRESQL, rex.makeCall(dbl, unknown, List.of(score))));
        // A clamp with bounds that are not literals is no clamp the remote can write.
        assertNull(translate(RemoteKind.TRINO, rex.makeCall(dbl, CLAMP, List.of(score, score, score))));
    }
}
