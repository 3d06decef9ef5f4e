package dev.veil.sql;

import dev.veil.policy.PolicyYaml;
import dev.veil.schema.VeilTypeSystem;
import dev.veil.sql.ast.SqlPolicyFile;
import java.util.List;
import org.apache.calcite.jdbc.JavaTypeFactoryImpl;
import org.apache.calcite.linq4j.Linq4j;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.sql.type.SqlTypeName;

/**
 * Executes {@code EXPORT POLICIES} and {@code APPLY POLICIES '<file>'} (admin only), so that a
 * served warehouse's policies are exported and applied without stopping the server
 * ({@code veil policy export|apply --url}). Both do what the offline commands do
 * ({@link PolicyFiles}); the statement audit records them.
 */
final class PolicyFileStatement {
    /** The name the file has in errors: the text came with the statement. */
    static final String SOURCE = "APPLY POLICIES";

    private PolicyFileStatement() {}

    static StatementResult execute(SqlPolicyFile node, StatementContext context) {
        if (node.isApply()) {
            PolicyYaml.Document document = PolicyYaml.read(node.document().orElseThrow(), SOURCE);
            return PolicyFiles.apply(document, SOURCE, context, false);
        }
        String yaml = PolicyFiles.exportUnaudited(context);
        RelDataTypeFactory types = new JavaTypeFactoryImpl(VeilTypeSystem.INSTANCE);
        ResultColumn column = new ResultColumn("policies", types.createSqlType(SqlTypeName.VARCHAR));
        List<Object[]> rows = List.<Object[]>of(new Object[] {yaml});
        return new RowsResult(List.of(column), Linq4j.enumerator(rows));
    }
}
