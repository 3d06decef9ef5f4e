package dev.veil.rewrite;

import dev.veil.ErrorCode;
import dev.veil.VeilException;
import dev.veil.policy.TableAccess;
import dev.veil.sql.parser.VeilConformance;
import dev.veil.sql.parser.VeilParser;
import java.util.List;
import java.util.Properties;
import org.apache.calcite.config.CalciteConnectionConfigImpl;
import org.apache.calcite.config.CalciteConnectionProperty;
import org.apache.calcite.jdbc.CalciteSchema;
import org.apache.calcite.plan.RelOptCluster;
import org.apache.calcite.prepare.CalciteCatalogReader;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.RelRoot;
import org.apache.calcite.rel.core.Filter;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexUtil;
import org.apache.calcite.schema.SchemaPlus;
import org.apache.calcite.schema.impl.AbstractSchema;
import org.apache.calcite.schema.impl.AbstractTable;
import org.apache.calcite.sql.SqlFunctionCategory;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.SqlOperator;
import org.apache.calcite.sql.SqlOperatorTable;
import org.apache.calcite.sql.SqlSelect;
import org.apache.calcite.sql.SqlSyntax;
import org.apache.calcite.sql.fun.SqlLibrary;
import org.apache.calcite.sql.fun.SqlLibraryOperatorTableFactory;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.sql.validate.SqlNameMatcher;
import org.apache.calcite.sql.validate.SqlNameMatchers;
import org.apache.calcite.sql.validate.SqlValidator;
import org.apache.calcite.sql.validate.SqlValidatorUtil;
import org.apache.calcite.sql2rel.SqlToRelConverter;
import org.apache.calcite.sql2rel.StandardConvertletTable;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Turns a row filter's predicate, stored as SQL text over the table's columns, into an expression
 * over the table's stored row (every column, hidden ones included: a filter may test a column the
 * principal cannot see). The predicate is parsed as an expression, never spliced into a query
 * text, and validated as the WHERE clause of a query over that one table alone.
 */
final class RowFilterCompiler {
    private static final SqlOperatorTable OPERATORS = new CaseInsensitive(
            SqlLibraryOperatorTableFactory.INSTANCE.getOperatorTable(SqlLibrary.STANDARD, SqlLibrary.POSTGRESQL));

    private RowFilterCompiler() {
    }

    /** The predicate of {@code access}'s row filter as a condition over {@code table}'s stored row. */
    static RexNode compile(TableAccess access, TableRef table, RelOptCluster cluster) {
        String predicate = access.rowFilter().orElseThrow();
        SqlNode condition = VeilParser.parseExpression(predicate);
        RelDataType rowType = table.base().getRowType();
        String schemaName = access.table().schema();
        String tableName = access.table().table();

        SchemaPlus root = CalciteSchema.createRootSchema(false, false).plus();
        root.add(schemaName, new AbstractSchema() {
            @Override
            protected java.util.Map<String, org.apache.calcite.schema.Table> getTableMap() {
                return java.util.Map.of(tableName, new AbstractTable() {
                    @Override
                    public RelDataType getRowType(RelDataTypeFactory typeFactory) {
                        return rowType;
                    }
                });
            }
        });
        Properties properties = new Properties();
        properties.setProperty(CalciteConnectionProperty.CASE_SENSITIVE.camelName(), "true");
        CalciteCatalogReader reader = new CalciteCatalogReader(CalciteSchema.from(root), List.of(),
                cluster.getTypeFactory(), new CalciteConnectionConfigImpl(properties));
        SqlValidator validator = SqlValidatorUtil.newValidator(OPERATORS, reader,
                (org.apache.calcite.adapter.java.JavaTypeFactory) cluster.getTypeFactory(),
                SqlValidator.Config.DEFAULT.withIdentifierExpansion(true).withConformance(VeilConformance.INSTANCE));
        SqlParserPos pos = SqlParserPos.ZERO;
        SqlSelect select = new SqlSelect(pos, null, SqlNodeList.of(SqlIdentifier.star(pos)),
                new SqlIdentifier(List.of(schemaName, tableName), pos), condition, null, null, null, null, null, null,
                null, null);
        RexNode compiled;
        try {
            SqlNode validated = validator.validate(select);
            SqlToRelConverter converter = new SqlToRelConverter(
                    (type, query, schemaPath, viewPath) -> {
                        throw new UnsupportedOperationException("views are not supported");
                    },
                    validator, reader, cluster, StandardConvertletTable.INSTANCE,
                    SqlToRelConverter.config().withExpand(false).withTrimUnusedFields(false));
            RelRoot relRoot = converter.convertQuery(validated, false, true);
            // A condition that simplifies to TRUE leaves no Filter behind.
            RexNode found = findFilter(relRoot.rel);
            compiled = found != null ? found : cluster.getRexBuilder().makeLiteral(true);
        } catch (VeilException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new VeilException(ErrorCode.INVALID_POLICY, "The row filter of table '" + access.table()
                    + "' is not a valid condition on its columns; ask an admin to fix the policy", e);
        }
        if (RexUtil.SubQueryFinder.find(List.of(compiled)) != null) {
            throw new VeilException(ErrorCode.INVALID_POLICY, "The row filter of table '" + access.table()
                    + "' must be a condition on the table's own columns, without sub-queries");
        }
        return compiled;
    }

    private static @Nullable RexNode findFilter(RelNode rel) {
        if (rel instanceof Filter filter) {
            return filter.getCondition();
        }
        for (RelNode input : rel.getInputs()) {
            RexNode found = findFilter(input);
            if (found != null) {
                return found;
            }
        }
        return null;
    }

    /** Finds functions whatever the case of their name, as the statement's validator does. */
    private record CaseInsensitive(SqlOperatorTable delegate) implements SqlOperatorTable {
        private static final SqlNameMatcher MATCHER = SqlNameMatchers.withCaseSensitive(false);

        @Override
        public void lookupOperatorOverloads(SqlIdentifier opName, @Nullable SqlFunctionCategory category,
                SqlSyntax syntax, List<SqlOperator> operatorList, SqlNameMatcher nameMatcher) {
            delegate.lookupOperatorOverloads(opName, category, syntax, operatorList, MATCHER);
        }

        @Override
        public List<SqlOperator> getOperatorList() {
            return delegate.getOperatorList();
        }
    }
}
