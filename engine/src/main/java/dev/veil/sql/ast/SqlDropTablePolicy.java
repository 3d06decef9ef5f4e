package dev.veil.sql.ast;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlOperator;
import org.apache.calcite.sql.SqlWriter;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.util.ImmutableNullableList;

/**
 * The statements {@code ALTER TABLE s.t DROP ROW FILTER [FOR ROLE r]}, {@code ALTER TABLE s.t
 * DROP DIFFERENTIAL PRIVACY [FOR ROLE r]}, {@code ALTER TABLE s.t DROP MIN GROUP SIZE [FOR ROLE r]}
 * and {@code ALTER TABLE s.t DROP PRIVACY UNIT} (no role: a table has one unit): one node, told
 * apart by its {@link Policy}.
 */
public final class SqlDropTablePolicy extends SqlCall {
    /** The table policy a statement drops. */
    public enum Policy {
        ROW_FILTER("ROW FILTER"),
        DIFFERENTIAL_PRIVACY("DIFFERENTIAL PRIVACY"),
        PRIVACY_UNIT("PRIVACY UNIT"),
        MIN_GROUP_SIZE("MIN GROUP SIZE");

        private final String sql;
        private final SqlOperator operator;

        Policy(String sql) {
            this.sql = sql;
            this.operator = new VeilOperator(
                    "DROP " + sql,
                    SqlKind.ALTER_TABLE,
                    (pos, operands) -> new SqlDropTablePolicy(
                            pos, this, (SqlIdentifier) operands.get(0), (SqlIdentifier) operands.get(1)));
        }

        /** The policy as the statement writes it: {@code ROW FILTER}. */
        public String sql() {
            return sql;
        }
    }

    private final Policy policy;
    private final SqlIdentifier table;
    private final SqlIdentifier role;

    /** Creates the node; {@code role} is null for the policy of every non-admin role. */
    public SqlDropTablePolicy(SqlParserPos pos, Policy policy, SqlIdentifier table, SqlIdentifier role) {
        super(pos);
        this.policy = requireNonNull(policy, "policy is null");
        this.table = requireNonNull(table, "table is null");
        this.role = role;
        Nodes.checkTableName(table);
        if (policy == Policy.PRIVACY_UNIT && role != null) {
            throw new IllegalArgumentException("a privacy unit is not scoped to a role");
        }
    }

    /** The policy dropped. */
    public Policy policy() {
        return policy;
    }

    public SqlIdentifier table() {
        return table;
    }

    /** The role of FOR ROLE; empty means the policy of every non-admin role. */
    public Optional<SqlIdentifier> role() {
        return Optional.ofNullable(role);
    }

    @Override
    public SqlOperator getOperator() {
        return policy.operator;
    }

    @Override
    public List<SqlNode> getOperandList() {
        return ImmutableNullableList.of(table, role);
    }

    @Override
    public void unparse(SqlWriter writer, int leftPrec, int rightPrec) {
        Nodes.unparseAlterTable(writer, table);
        writer.keyword("DROP " + policy.sql());
        Nodes.unparseForRole(writer, role);
    }
}
