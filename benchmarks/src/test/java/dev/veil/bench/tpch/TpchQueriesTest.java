package dev.veil.bench.tpch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class TpchQueriesTest {
    @Test
    void hasTwentyTwoNamedQueries() {
        assertEquals(22, TpchQueries.NAMES.size());
        assertEquals("q01", TpchQueries.NAMES.get(0));
        assertEquals("q22", TpchQueries.NAMES.get(21));
        for (int number = 1; number <= 22; number++) {
            assertSame(TpchQueries.sql(number), TpchQueries.sql(TpchQueries.name(number)));
        }
    }

    @Test
    void queriesAreSingleStatementsOverSchemaTpch() {
        // "nation" is left out: Q8 and Q9 also use it as a column alias.
        Pattern unqualifiedTable =
                Pattern.compile("(?<!tpch\\.)\\b(region|part|supplier|partsupp|customer|orders|lineitem)\\b");
        for (String name : TpchQueries.NAMES) {
            String sql = TpchQueries.sql(name);
            assertTrue(sql.startsWith("-- TPC-H Q" + Integer.parseInt(name.substring(1)) + ":"), name);
            assertFalse(sql.contains(";"), name);
            Matcher matcher = unqualifiedTable.matcher(sql.replaceAll("--[^\\n]*", ""));
            assertFalse(matcher.find(), () -> name + " names a table without schema: " + matcher.group());
        }
    }

    @Test
    void rejectsUnknownQuery() {
        assertThrows(IllegalArgumentException.class, () -> TpchQueries.sql(23));
        assertThrows(IllegalArgumentException.class, () -> TpchQueries.sql("q1"));
    }
}
