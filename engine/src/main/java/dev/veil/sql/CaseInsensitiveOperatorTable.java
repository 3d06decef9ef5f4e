package dev.veil.sql;

import static java.util.Objects.requireNonNull;

import java.util.List;
import org.apache.calcite.sql.SqlFunctionCategory;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlOperator;
import org.apache.calcite.sql.SqlOperatorTable;
import org.apache.calcite.sql.SqlSyntax;
import org.apache.calcite.sql.validate.SqlNameMatcher;
import org.apache.calcite.sql.validate.SqlNameMatchers;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Looks functions up regardless of case. Table and column names are case-sensitive after
 * unquoted identifiers are folded to lower case, but function names such as {@code length}
 * must still find Calcite's upper-case {@code LENGTH}.
 */
final class CaseInsensitiveOperatorTable implements SqlOperatorTable {
    private static final SqlNameMatcher MATCHER = SqlNameMatchers.withCaseSensitive(false);

    private final SqlOperatorTable delegate;

    CaseInsensitiveOperatorTable(SqlOperatorTable delegate) {
        this.delegate = requireNonNull(delegate, "delegate is null");
    }

    @Override
    public void lookupOperatorOverloads(
            SqlIdentifier opName,
            @Nullable SqlFunctionCategory category,
            SqlSyntax syntax,
            List<SqlOperator> operatorList,
            SqlNameMatcher nameMatcher) {
        delegate.lookupOperatorOverloads(opName, category, syntax, operatorList, MATCHER);
    }

    @Override
    public List<SqlOperator> getOperatorList() {
        return delegate.getOperatorList();
    }
}
