package dev.veil.exec.scan;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veil.catalog.Column;
import dev.veil.catalog.ColumnType;
import dev.veil.catalog.TableDef;
import dev.veil.catalog.TableName;
import dev.veil.catalog.VeilType;
import dev.veil.plan.SafeOperator;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VarCharVector;
import org.apache.calcite.jdbc.JavaTypeFactoryImpl;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.runtime.SqlFunctions;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;
import org.apache.calcite.sql.type.SqlTypeName;
import org.junit.jupiter.api.Test;

class LikePatternTest {
    /** Characters of 1 to 4 UTF-8 bytes, line terminators, the wildcards and escape candidates. */
    private static final String[] ALPHABET = {
        "a",
        "b",
        "c",
        "A",
        "%",
        "_",
        "!",
        "\\",
        ".",
        "\n",
        "\r",
        "\u0085",
        "\u2028",
        "\u2029",
        "é",
        "ß",
        "€",
        "中",
        "\uD83D\uDE00",
        "\uD83C\uDF89",
        "\u0000",
        " "
    };

    private final SqlFunctions.LikeFunction calcite = new SqlFunctions.LikeFunction();

    @Test
    void agreesWithCalciteOnRandomStringsAndPatterns() {
        Random random = new Random(20261207);
        int compared = 0;
        for (int i = 0; i < 200_000; i++) {
            String value = randomString(random, 8);
            String pattern = random.nextInt(4) == 0 ? mutate(random, value) : randomPattern(random, 6);
            String escape = switch (random.nextInt(4)) {
                case 0 -> "!";
                case 1 -> "\\";
                case 2 -> "_";
                default -> null;
            };
            Boolean expected;
            try {
                expected = escape == null ? calcite.like(value, pattern) : calcite.like(value, pattern, escape);
            } catch (RuntimeException e) {
                expected = null;
            }
            if (expected == null) {
                String p = pattern;
                String x = escape;
                assertThrows(IllegalArgumentException.class, () -> LikePattern.compile(p, x), pattern);
                continue;
            }
            LikePattern compiled = LikePattern.compile(pattern, escape);
            assertEquals(
                    expected, compiled.matches(value), () -> "'" + value + "' LIKE '" + pattern + "' ESCAPE " + escape);
            compared++;
        }
        assertTrue(compared > 100_000, "too few valid patterns: " + compared);
    }

    @Test
    void fastPathShapesMatchAsCalciteDoes() {
        String[] values = {
            "", "special requests", "xspecialyrequestsz", "requests special", "special", "abc", "ab", "abcabc"
        };
        String[] patterns = {
            "",
            "%",
            "%%",
            "abc",
            "abc%",
            "%abc",
            "%abc%",
            "%special%requests%",
            "a%c",
            "%b%",
            "_",
            "___",
            "a_c%",
            "%_",
            "%__%"
        };
        for (String v : values) {
            for (String p : patterns) {
                assertEquals(calcite.like(v, p), LikePattern.compile(p, null).matches(v), v + " LIKE " + p);
            }
        }
    }

    @Test
    void underscoreIsOneCodePointButNoLineTerminator() {
        assertTrue(LikePattern.compile("x_y", null).matches("x\uD83D\uDE00y"));
        assertFalse(LikePattern.compile("x__y", null).matches("x\uD83D\uDE00y"));
        assertTrue(LikePattern.compile("x__y", null).matches("xé€y"));
        assertFalse(LikePattern.compile("a_b", null).matches("a\nb"));
        assertTrue(LikePattern.compile("a%b", null).matches("a\nb"));
        assertFalse(LikePattern.compile("abc", null).matches("ABC"));
    }

    @Test
    void escapedWildcardsAreLiteralAndBadEscapesAreRejected() {
        assertTrue(LikePattern.compile("100!%", "!").matches("100%"));
        assertFalse(LikePattern.compile("100!%", "!").matches("1000"));
        assertTrue(LikePattern.compile("a!_b", "!").matches("a_b"));
        assertFalse(LikePattern.compile("a!_b", "!").matches("axb"));
        assertTrue(LikePattern.compile("a!!", "!").matches("a!"));
        assertThrows(IllegalArgumentException.class, () -> LikePattern.compile("a!x", "!"));
        assertThrows(IllegalArgumentException.class, () -> LikePattern.compile("a!", "!"));
        assertThrows(IllegalArgumentException.class, () -> LikePattern.compile("a", "!!"));
        assertThrows(IllegalArgumentException.class, () -> LikePattern.compile("a", ""));
    }

    @Test
    void scanLeafFailsNullRowsForLikeAndNotLike() {
        TableDef table = new TableDef(
                1, new TableName("s", "t"), List.of(new Column("c", ColumnType.of(VeilType.VARCHAR), true)));
        RexBuilder rex = new RexBuilder(new JavaTypeFactoryImpl());
        RelDataType varchar = rex.getTypeFactory()
                .createTypeWithNullability(rex.getTypeFactory().createSqlType(SqlTypeName.VARCHAR), true);
        RexNode ref = rex.makeInputRef(varchar, 0);
        RexNode like = rex.makeCall(SqlStdOperatorTable.LIKE, ref, rex.makeLiteral("%special%requests%"));
        RexNode notLike = rex.makeCall(SqlStdOperatorTable.NOT, like);
        String[] values = {"special requests", null, "nothing here", "", "requests special"};
        try (BufferAllocator allocator = new RootAllocator();
                VarCharVector vector = new VarCharVector("c", allocator)) {
            vector.allocateNew(values.length);
            for (int i = 0; i < values.length; i++) {
                if (values[i] == null) {
                    vector.setNull(i);
                } else {
                    vector.setSafe(i, values[i].getBytes(StandardCharsets.UTF_8));
                }
            }
            vector.setValueCount(values.length);
            assertArrayEquals(new int[] {0}, kept(ScanPredicates.compile(like, table), vector));
            assertArrayEquals(new int[] {2, 3, 4}, kept(ScanPredicates.compile(notLike, table), vector));
        }
    }

    @Test
    void safeLikeOfAValidPatternRunsInTheScanAsLikeAndABadOneStaysOut() {
        // The privacy rewrite's null-on-error LIKE (TPC-H Q13 as an analyst): with a pattern LIKE
        // accepts it cannot fail, so the scan keeps exactly the rows of LIKE and NOT LIKE.
        TableDef table = new TableDef(
                1, new TableName("s", "t"), List.of(new Column("c", ColumnType.of(VeilType.VARCHAR), true)));
        RexBuilder rex = new RexBuilder(new JavaTypeFactoryImpl());
        RelDataType varchar = rex.getTypeFactory()
                .createTypeWithNullability(rex.getTypeFactory().createSqlType(SqlTypeName.VARCHAR), true);
        RexNode ref = rex.makeInputRef(varchar, 0);
        RexNode safeLike = SafeOperator.wrap(
                rex, (RexCall) rex.makeCall(SqlStdOperatorTable.LIKE, ref, rex.makeLiteral("%special%requests%")));
        RexNode notSafeLike = rex.makeCall(SqlStdOperatorTable.NOT, safeLike);
        String[] values = {"special requests", null, "nothing here", "", "requests special"};
        try (BufferAllocator allocator = new RootAllocator();
                VarCharVector vector = new VarCharVector("c", allocator)) {
            vector.allocateNew(values.length);
            for (int i = 0; i < values.length; i++) {
                if (values[i] == null) {
                    vector.setNull(i);
                } else {
                    vector.setSafe(i, values[i].getBytes(StandardCharsets.UTF_8));
                }
            }
            vector.setValueCount(values.length);
            assertArrayEquals(new int[] {0}, kept(ScanPredicates.compile(safeLike, table), vector));
            assertArrayEquals(new int[] {2, 3, 4}, kept(ScanPredicates.compile(notSafeLike, table), vector));
        }
        // A pattern LIKE rejects at run time (a bad escape) is not a scan predicate: the Filter
        // evaluates the safe form, NULL for every row.
        RexNode badEscape = SafeOperator.wrap(rex, (RexCall)
                rex.makeCall(SqlStdOperatorTable.LIKE, ref, rex.makeLiteral("a!b"), rex.makeLiteral("!")));
        assertFalse(ScanPredicates.supports(badEscape, table));
        assertFalse(ScanPredicates.supports(rex.makeCall(SqlStdOperatorTable.NOT, badEscape), table));
    }

    private static int[] kept(ScanPredicate predicate, VarCharVector vector) {
        ScanPredicate.RowTest test = predicate.bind(column -> vector);
        int[] rows = new int[vector.getValueCount()];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = i;
        }
        int n = test.filter(rows, rows.length);
        return java.util.Arrays.copyOf(rows, n);
    }

    private static String randomString(Random random, int maxLength) {
        StringBuilder b = new StringBuilder();
        int n = random.nextInt(maxLength + 1);
        for (int i = 0; i < n; i++) {
            b.append(ALPHABET[random.nextInt(ALPHABET.length)]);
        }
        return b.toString();
    }

    private static String randomPattern(Random random, int maxLength) {
        StringBuilder b = new StringBuilder();
        int n = random.nextInt(maxLength + 1);
        for (int i = 0; i < n; i++) {
            int k = random.nextInt(10);
            b.append(k < 2 ? "%" : k < 4 ? "_" : ALPHABET[random.nextInt(ALPHABET.length)]);
        }
        return b.toString();
    }

    /** The value with some characters replaced by wildcards, so that patterns often match. */
    private static String mutate(Random random, String value) {
        StringBuilder b = new StringBuilder();
        value.codePoints().forEach(cp -> {
            int k = random.nextInt(6);
            if (k == 0) {
                b.append('_');
            } else if (k == 1) {
                b.append('%');
            } else if (k == 2) {
                b.append('%').appendCodePoint(cp);
            } else {
                b.appendCodePoint(cp);
            }
        });
        return b.toString();
    }
}
