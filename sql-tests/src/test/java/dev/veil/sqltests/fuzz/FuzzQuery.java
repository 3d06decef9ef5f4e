package dev.veil.sqltests.fuzz;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;

/**
 * One generated statement: the SQL the analyst sends, and what the oracle knows about it.
 *
 * @param sql the analyst's statement
 * @param oracle for a grouped query the fuzzer expects to be answered: the admin's query giving,
 *     per group, the same keys and aggregates followed by the group's distinct privacy units
 *     (empty for a public table, whose answer must equal the admin's {@code sql})
 * @param mustReject why the statement must fail, if it must (it projects a hidden or aggregate-only
 *     column, releases raw rows, uses MIN/MAX on protected rows, singles out a unit, ...)
 * @param keys the number of leading output columns that are group keys
 * @param exact whether every oracle group with enough units must be released (no LIMIT, no HAVING
 *     the oracle cannot mirror)
 * @param publicOnly whether the statement reads only the public table
 * @param noisy whether the answer is differentially private: its aggregates are noisy and its
 *     groups pass partition selection, so only the keys and the unit counts can be checked
 */
public record FuzzQuery(
        String sql,
        Optional<String> oracle,
        Optional<String> mustReject,
        int keys,
        boolean exact,
        boolean publicOnly,
        boolean noisy,
        List<String> tags) {
    public FuzzQuery {
        requireNonNull(sql, "sql is null");
        requireNonNull(oracle, "oracle is null");
        requireNonNull(mustReject, "mustReject is null");
        tags = List.copyOf(tags);
    }
}
