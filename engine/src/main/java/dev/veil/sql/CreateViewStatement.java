package dev.veil.sql;

import dev.veil.ErrorCode;
import dev.veil.VeilException;
import dev.veil.catalog.TableName;
import dev.veil.catalog.ViewDef;
import dev.veil.catalog.Views;
import dev.veil.policy.ObjectAccess;
import dev.veil.schema.InformationSchema;
import dev.veil.schema.SystemSchema;
import dev.veil.sql.ast.SqlCreateView;
import dev.veil.sql.parser.VeilParser;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeField;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlNode;

/**
 * Executes {@code CREATE [OR REPLACE] VIEW s.v [(c, ...)] AS query}. The query is stored as SQL
 * text (unqualified names resolve in the creator's session schema) and expanded at each query as
 * the querying user (see {@code PlannerContext}): a view never widens access. It is validated here
 * as the creator, so a view that names an unknown table or column, takes {@code ?} parameters or
 * refers to itself (directly or through other views) is refused rather than stored. Views obey
 * owners and the CREATE privilege like tables ({@link ObjectAccess}); only the owner of a view and
 * admins replace it.
 */
final class CreateViewStatement {
    private CreateViewStatement() {}

    static UpdateCount execute(SqlCreateView node, StatementContext context) {
        TableName name = SqlNames.tableName(node.name(), context);
        if (name.schema().equals(SystemSchema.NAME) || name.schema().equals(InformationSchema.NAME)) {
            throw new VeilException(
                    ErrorCode.ACCESS_DENIED, "Views cannot be created in the system schema " + name.schema());
        }
        ObjectAccess objects = new ObjectAccess(context.warehouse().sqliteCatalog(), context.principal());
        objects.checkCreateTableIn(name.schema());
        if (!context.warehouse().catalog().schemaExists(name.schema())) {
            context.warehouse().catalog().tables(name.schema()); // UNKNOWN_SCHEMA, with suggestions
        }
        Views views = new Views(context.warehouse().sqliteCatalog());
        Optional<ViewDef> existing = views.view(name);
        if (existing.isPresent()) {
            if (!node.replace() || !objects.canSee(name)) {
                // A view the caller cannot see is a taken name, as another user's table is.
                throw new VeilException(ErrorCode.ALREADY_EXISTS, "View '" + name + "' already exists");
            }
            if (!objects.ownsView(existing.get())) {
                throw new VeilException(
                        ErrorCode.ACCESS_DENIED, "Only the owner of view " + name + " and admins may replace it");
            }
        }
        String sql = VeilParser.unparse(FriendlyNames.apply(node.query()));
        PlannerContext planner = new PlannerContext(
                context.warehouse(),
                context.principal(),
                context.policies(),
                context.settings().schema(),
                context.cancelFlag());
        SqlNode validated = planner.validate(VeilParser.parse(sql));
        if (planner.parameterRowType(validated).getFieldCount() > 0) {
            throw new VeilException(ErrorCode.INVALID_STATEMENT, "A view's query cannot take ? parameters");
        }
        planner.toRel(validated);
        if (planner.viewsUsed().contains(name)) {
            throw new VeilException(
                    ErrorCode.INVALID_STATEMENT,
                    "View " + name + " would refer to itself (through "
                            + String.join(
                                    ", ",
                                    planner.viewsUsed().stream()
                                            .map(TableName::toString)
                                            .toList()) + ")");
        }
        RelDataType type = planner.validatedType(validated);
        List<String> names = new ArrayList<>();
        if (!node.columns().isEmpty()) {
            if (node.columns().size() != type.getFieldCount()) {
                throw new VeilException(
                        ErrorCode.INVALID_STATEMENT,
                        "View " + name + " names " + node.columns().size() + " columns but its query gives "
                                + type.getFieldCount());
            }
            for (SqlIdentifier column : node.columns()) {
                names.add(SqlNames.simpleName(column, "column"));
            }
        } else {
            for (RelDataTypeField field : type.getFieldList()) {
                names.add(field.getName());
            }
        }
        Set<String> seen = new HashSet<>();
        for (String column : names) {
            if (!seen.add(column)) {
                throw new VeilException(
                        ErrorCode.INVALID_STATEMENT,
                        "Column '" + column + "' appears twice in view " + name + "; give it an alias");
            }
        }
        List<String> types = type.getFieldList().stream()
                .map(f -> f.getType().getFullTypeString())
                .toList();
        ViewDef view = new ViewDef(
                0,
                name,
                existing.map(ViewDef::owner).orElse(objects.ownerOfNew()),
                sql,
                context.settings().schema(),
                names,
                types,
                !node.columns().isEmpty());
        views.create(view, node.replace(), context.principal().name());
        return new UpdateCount(0, "View " + name + (existing.isPresent() ? " replaced" : " created"));
    }
}
