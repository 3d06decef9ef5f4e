package dev.veil.policy;

import static java.util.Objects.requireNonNull;

import dev.veil.ErrorCode;
import dev.veil.VeilException;
import dev.veil.catalog.NameSuggestions;
import dev.veil.catalog.TableName;
import dev.veil.sql.parser.VeilConformance;
import dev.veil.sql.parser.VeilParser;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;
import org.apache.calcite.adapter.java.JavaTypeFactory;
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
import org.apache.calcite.rel.type.RelDataTypeField;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexUtil;
import org.apache.calcite.runtime.CalciteContextException;
import org.apache.calcite.schema.SchemaPlus;
import org.apache.calcite.schema.impl.AbstractSchema;
import org.apache.calcite.schema.impl.AbstractTable;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlFunctionCategory;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.SqlOperator;
import org.apache.calcite.sql.SqlOperatorTable;
import org.apache.calcite.sql.SqlSelect;
import org.apache.calcite.sql.SqlSyntax;
import org.apache.calcite.sql.fun.SqlLibrary;
import org.apache.calcite.sql.fun.SqlLibraryOperatorTableFactory;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.sql.util.SqlBasicVisitor;
import org.apache.calcite.sql.validate.SqlNameMatcher;
import org.apache.calcite.sql.validate.SqlNameMatchers;
import org.apache.calcite.sql.validate.SqlValidator;
import org.apache.calcite.sql.validate.SqlValidatorUtil;
import org.apache.calcite.sql2rel.SqlToRelConverter;
import org.apache.calcite.sql2rel.StandardConvertletTable;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * The one compiler of row filter predicates, used when a filter is set ({@link #canonical}) and
 * when a query reads its table ({@link #compile}), with one operator table ({@link #OPERATORS}), so
 * what is accepted when set is what compiles when read. A predicate is SQL text over the table's
 * own columns (unqualified, no sub-queries). It is parsed as an expression, never spliced into a
 * query text, and validated as the WHERE clause of a query over that one table alone, against the
 * table's stored row (every column, hidden ones included: a filter may test a column the
 * principal cannot see). Its canonical text (identifiers in double quotes) is what gets stored.
 */
public final class RowFilterPredicate {
    /** The functions and operators a row filter may use: standard SQL and PostgreSQL's, whatever the case. */
    public static final SqlOperatorTable OPERATORS = new CaseInsensitive(
            SqlLibraryOperatorTableFactory.INSTANCE.getOperatorTable(SqlLibrary.STANDARD, SqlLibrary.POSTGRESQL));

    /** Functions without arguments that a predicate may name like a column, e.g. {@code owner = CURRENT_USER}. */
    private static final Set<String> NILADIC_FUNCTIONS = Set.of(
            "current_user",
            "session_user",
            "system_user",
            "user",
            "current_role",
            "current_date",
            "current_time",
            "current_timestamp",
            "localtime",
            "localtimestamp");

    private RowFilterPredicate() {}

    /**
     * Checks a predicate being set on {@code table}, whose stored row is {@code rowType}; returns its
     * canonical text. A predicate that is not a condition on the table's own columns fails with
     * INVALID_POLICY ({@code Policy ROW FILTER on 't' is invalid: ...}).
     */
    public static String canonical(TableName table, SqlNode predicate, RelDataType rowType, RelOptCluster cluster) {
        requireNonNull(table, "table is null");
        requireNonNull(predicate, "predicate is null");
        checkNames(
                table,
                rowType.getFieldList().stream().map(RelDataTypeField::getName).toList(),
                predicate);
        String text = VeilParser.unparse(predicate);
        try {
            toRex(table, VeilParser.parseExpression(text), rowType, cluster);
        } catch (VeilException e) {
            throw invalid(table, e.getMessage());
        } catch (CalciteContextException e) {
            throw invalid(table, e.getCause() != null ? e.getCause().getMessage() : e.getMessage());
        } catch (RuntimeException e) {
            throw invalid(table, String.valueOf(e.getMessage()));
        }
        return text;
    }

    /** Parses a predicate being set on {@code table} and checks it ({@link #canonical}). */
    public static SqlNode parse(TableName table, String predicate) {
        try {
            return VeilParser.parseExpression(predicate);
        } catch (VeilException e) {
            throw invalid(table, e.getMessage());
        }
    }

    /** The stored predicate of {@code table}'s row filter as a condition over its stored row {@code rowType}. */
    public static RexNode compile(TableName table, String predicate, RelDataType rowType, RelOptCluster cluster) {
        SqlNode condition = VeilParser.parseExpression(predicate);
        RexNode compiled;
        try {
            compiled = toRex(table, condition, rowType, cluster);
        } catch (VeilException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new VeilException(
                    ErrorCode.INVALID_POLICY,
                    "The row filter of table '" + table
                            + "' is not a valid condition on its columns; ask an admin to fix the policy",
                    e);
        }
        return compiled;
    }

    /** The filter's condition, validated and converted over a schema of the one table. */
    private static RexNode toRex(TableName table, SqlNode condition, RelDataType rowType, RelOptCluster cluster) {
        String schemaName = table.schema();
        String tableName = table.table();
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
        CalciteCatalogReader reader = new CalciteCatalogReader(
                CalciteSchema.from(root),
                List.of(),
                cluster.getTypeFactory(),
                new CalciteConnectionConfigImpl(properties));
        SqlValidator validator = SqlValidatorUtil.newValidator(
                OPERATORS,
                reader,
                (JavaTypeFactory) cluster.getTypeFactory(),
                SqlValidator.Config.DEFAULT.withIdentifierExpansion(true).withConformance(VeilConformance.INSTANCE));
        SqlParserPos pos = SqlParserPos.ZERO;
        SqlSelect select = new SqlSelect(
                pos,
                null,
                SqlNodeList.of(SqlIdentifier.star(pos)),
                new SqlIdentifier(List.of(schemaName, tableName), pos),
                condition,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null);
        SqlNode validated = validator.validate(select);
        SqlToRelConverter converter = new SqlToRelConverter(
                (type, query, schemaPath, viewPath) -> {
                    throw new UnsupportedOperationException("views are not supported");
                },
                validator,
                reader,
                cluster,
                StandardConvertletTable.INSTANCE,
                SqlToRelConverter.config().withExpand(false).withTrimUnusedFields(false));
        RelRoot relRoot = converter.convertQuery(validated, false, true);
        // A condition that simplifies to TRUE leaves no Filter behind.
        RexNode found = findFilter(relRoot.rel);
        RexNode compiled = found != null ? found : cluster.getRexBuilder().makeLiteral(true);
        if (RexUtil.SubQueryFinder.find(List.of(compiled)) != null) {
            throw new VeilException(
                    ErrorCode.INVALID_POLICY,
                    "The row filter of table '" + table
                            + "' must be a condition on the table's own columns, without sub-queries");
        }
        return compiled;
    }

    private static void checkNames(TableName table, List<String> columns, SqlNode predicate) {
        predicate.accept(new SqlBasicVisitor<Void>() {
            @Override
            public Void visit(SqlIdentifier id) {
                if (!id.isSimple()) {
                    throw invalid(
                            table,
                            "it names '" + id + "'; a row filter names the table's own columns, " + "unqualified");
                }
                String name = id.getSimple();
                if (!columns.contains(name) && !NILADIC_FUNCTIONS.contains(name.toLowerCase(Locale.ROOT))) {
                    throw invalid(
                            table,
                            "column '" + name + "' not found in table '" + table + "'"
                                    + NameSuggestions.hint(name, columns));
                }
                return null;
            }

            @Override
            public Void visit(SqlCall call) {
                if (call.getKind() == SqlKind.SELECT || call.isA(SqlKind.QUERY)) {
                    throw invalid(table, "a row filter cannot hold a sub-query; it is a condition on one row");
                }
                return super.visit(call);
            }
        });
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

    /** An INVALID_POLICY error for a predicate being set. */
    public static VeilException invalid(TableName table, String problem) {
        return new VeilException(
                ErrorCode.INVALID_POLICY, "Policy ROW FILTER on '" + table + "' is invalid: " + problem);
    }

    /** Finds functions whatever the case of their name, as the statement's validator does. */
    private record CaseInsensitive(SqlOperatorTable delegate) implements SqlOperatorTable {
        private static final SqlNameMatcher MATCHER = SqlNameMatchers.withCaseSensitive(false);

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
}
