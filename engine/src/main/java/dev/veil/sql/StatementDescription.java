package dev.veil.sql;

import static java.util.Objects.requireNonNull;

import dev.veil.ErrorCode;
import dev.veil.VeilException;
import dev.veil.sql.parser.VeilParser;
import java.util.ArrayList;
import java.util.List;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeField;
import org.apache.calcite.sql.SqlDynamicParam;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.util.SqlBasicVisitor;

/**
 * What a prepared statement returns and takes, known before it runs: its result columns (for a
 * query; none for other statements) and the types of its {@code ?} parameters as the validator
 * infers them. The columns are those of the planned query, privacy rewrite included, with each
 * parameter a NULL of its type; when the rewrite refuses that, they are the validated columns
 * as the principal sees them (HIDDEN columns absent, masked ones typed as their mask's result),
 * and execution decides. Nothing is read or released.
 *
 * @param columns the result columns; empty for statements that return no rows, or whose columns are known only once run
 * @param parameters the type of each parameter, in order
 */
public record StatementDescription(List<ResultColumn> columns, List<RelDataType> parameters) {
    public StatementDescription {
        columns = List.copyOf(requireNonNull(columns, "columns is null"));
        parameters = List.copyOf(requireNonNull(parameters, "parameters is null"));
    }

    /**
     * Describes {@code sql}. Parameters are allowed in queries only: elsewhere (DDL, policy,
     * principal and data statements) they fail with NOT_SUPPORTED. A query with parameters that
     * does not validate fails with the validation error; one without parameters is described with
     * no columns instead, and fails when run.
     */
    public static StatementDescription describe(String sql, StatementContext context) {
        requireNonNull(sql, "sql is null");
        requireNonNull(context, "context is null");
        SqlNode node = VeilParser.parse(sql);
        int count = parameterCount(node);
        if (!node.isA(SqlKind.QUERY)) {
            if (count > 0) {
                throw new VeilException(
                        ErrorCode.NOT_SUPPORTED,
                        "Parameters (?) are supported in queries only; write the values into this statement");
            }
            return new StatementDescription(List.of(), List.of());
        }
        PlannerContext planner = new PlannerContext(
                context.warehouse(),
                context.principal(),
                context.policies(),
                context.settings().schema(),
                context.cancelFlag());
        SqlNode validated;
        try {
            validated = planner.validate(FriendlyNames.apply(node));
        } catch (VeilException e) {
            if (count > 0) {
                throw e;
            }
            return new StatementDescription(List.of(), List.of());
        }
        List<RelDataType> parameters = new ArrayList<>();
        for (RelDataTypeField field : planner.parameterRowType(validated).getFieldList()) {
            parameters.add(field.getType());
        }
        if (parameters.size() != count) {
            throw new VeilException(ErrorCode.NOT_SUPPORTED, "Could not infer the types of the statement's parameters");
        }
        RelDataType rowType = planner.validatedType(validated);
        List<ResultColumn> columns = new ArrayList<>();
        for (RelDataTypeField field : rowType.getFieldList()) {
            columns.add(new ResultColumn(field.getName(), field.getType()));
        }
        try {
            String planned = count == 0 ? sql : QueryParameters.bindNulls(sql, parameters);
            List<ResultColumn> rewritten =
                    PlannedQuery.plan(VeilParser.parse(planned), context).columns();
            if (rewritten.size() == columns.size()) {
                columns = rewritten;
            }
        } catch (VeilException refused) {
            // Refused as it stands (it may be allowed with the values bound): the validated columns.
        }
        return new StatementDescription(columns, parameters);
    }

    /** How many {@code ?} parameters a parsed statement has. */
    static int parameterCount(SqlNode node) {
        int[] count = {0};
        node.accept(new SqlBasicVisitor<Void>() {
            @Override
            public Void visit(SqlDynamicParam param) {
                count[0]++;
                return null;
            }
        });
        return count[0];
    }
}
