package dev.veil.rewrite;

import dev.veil.catalog.TableName;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.logical.LogicalFilter;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.sql.SqlFunction;
import org.apache.calcite.sql.SqlFunctionCategory;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.type.OperandTypes;
import org.apache.calcite.sql.type.ReturnTypes;

/**
 * The rewritten plan as EXPLAIN PRIVACY shows it: identical, except that each row filter's
 * predicate is replaced by {@code ROW_FILTER('schema.table')}. A predicate's constants can be
 * sensitive (the ids of units that opted out, say), and analysts are told that a row filter
 * applies, not what it is.
 */
final class ShownPlan {
    private static final SqlFunction ROW_FILTER = new SqlFunction(
            "ROW_FILTER",
            SqlKind.OTHER_FUNCTION,
            ReturnTypes.BOOLEAN,
            null,
            OperandTypes.ANY,
            SqlFunctionCategory.SYSTEM);

    private ShownPlan() {}

    static RelNode of(RelNode plan, Map<RelNode, TableName> rowFilters, RexBuilder rex) {
        if (rowFilters.isEmpty()) {
            return plan;
        }
        return hide(plan, rowFilters, rex);
    }

    private static RelNode hide(RelNode node, Map<RelNode, TableName> rowFilters, RexBuilder rex) {
        List<RelNode> inputs = new ArrayList<>();
        boolean changed = false;
        for (RelNode input : node.getInputs()) {
            RelNode shown = hide(input, rowFilters, rex);
            changed |= shown != input;
            inputs.add(shown);
        }
        TableName table = rowFilters.get(node);
        if (table != null) {
            return LogicalFilter.create(inputs.get(0), rex.makeCall(ROW_FILTER, rex.makeLiteral(table.toString())));
        }
        return changed ? node.copy(node.getTraitSet(), inputs) : node;
    }
}
