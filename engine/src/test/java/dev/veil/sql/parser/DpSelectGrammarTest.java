package dev.veil.sql.parser;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The text pre-passes of BigQuery's DP syntax: only real tokens change, never names or literals. */
class DpSelectGrammarTest {
    @Test
    void aNestedClauseBecomesTheHintOfItsSelect() {
        assertEquals(
                "SELECT * FROM (SELECT /*+ DIFFERENTIAL_PRIVACY('epsilon' = '0.5', 'privacy_unit_column' = 't.Person',"
                        + " 'delta' = '-1e-5') */ COUNT(*) FROM t) AS x",
                DpSelectGrammar.nestedClauses("SELECT * FROM (SELECT WITH DIFFERENTIAL_PRIVACY OPTIONS (epsilon = 0.5,"
                        + " privacy_unit_column = t.\"Person\", delta = -1e-5) COUNT(*) FROM t) AS x"));
        assertEquals(
                "WITH c AS (select /*+ DIFFERENTIAL_PRIVACY() */ 1) SELECT * FROM c",
                DpSelectGrammar.nestedClauses(
                        "WITH c AS (select with differential_privacy options () 1) SELECT * FROM c"));
    }

    @Test
    void theOutermostClauseQuotedNamesAndLiteralsAreLeftAlone() {
        String outermost = "SELECT WITH DIFFERENTIAL_PRIVACY OPTIONS (epsilon = 1) COUNT(*) FROM t";
        assertEquals(outermost, DpSelectGrammar.nestedClauses(outermost));
        String quoted = "SELECT \"x (SELECT WITH DIFFERENTIAL_PRIVACY OPTIONS (epsilon = 1)\" FROM t";
        assertEquals(quoted, DpSelectGrammar.nestedClauses(quoted));
        String literal = "SELECT 'x (SELECT WITH DIFFERENTIAL_PRIVACY OPTIONS (epsilon = 1)' FROM t";
        assertEquals(literal, DpSelectGrammar.nestedClauses(literal));
        String name = "SELECT \"percentile_cont(minutes, 0.5)\" FROM t";
        assertEquals(name, DpSelectGrammar.countStarArguments(name));
    }
}
