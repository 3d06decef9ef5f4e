package dev.veil.sql.ast;

import static java.util.Objects.requireNonNull;

import java.util.List;
import org.apache.calcite.sql.SqlDrop;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlOperator;
import org.apache.calcite.sql.SqlWriter;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.util.ImmutableNullableList;

/** The statement {@code DROP ROLE [IF EXISTS] r}. */
public final class SqlDropRole extends SqlDrop {
    private static final SqlOperator OPERATOR = new VeilOperator("DROP ROLE", SqlKind.OTHER_DDL,
            (pos, operands) -> new SqlDropRole(pos, Nodes.flag(operands.get(0)), (SqlIdentifier) operands.get(1)));

    private final SqlIdentifier name;

    public SqlDropRole(SqlParserPos pos, boolean ifExists, SqlIdentifier name) {
        super(OPERATOR, pos, ifExists);
        this.name = requireNonNull(name, "name is null");
        Nodes.checkSimpleName(name);
    }

    /** The name, a simple identifier. */
    public SqlIdentifier name() {
        return name;
    }

    public boolean ifExists() {
        return ifExists;
    }

    @Override
    public List<SqlNode> getOperandList() {
        return ImmutableNullableList.of(Nodes.flag(ifExists), name);
    }

    @Override
    public void unparse(SqlWriter writer, int leftPrec, int rightPrec) {
        writer.keyword("DROP ROLE");
        if (ifExists) {
            writer.keyword("IF EXISTS");
        }
        name.unparse(writer, 0, 0);
    }
}
