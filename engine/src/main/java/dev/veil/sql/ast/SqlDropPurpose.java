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

/** The statement {@code DROP PURPOSE [IF EXISTS] p}. */
public final class SqlDropPurpose extends SqlDrop {
    private static final SqlOperator OPERATOR = new VeilOperator(
            "DROP PURPOSE",
            SqlKind.OTHER_DDL,
            (pos, operands) -> new SqlDropPurpose(pos, Nodes.flag(operands.get(0)), (SqlIdentifier) operands.get(1)));

    private final SqlIdentifier name;

    public SqlDropPurpose(SqlParserPos pos, boolean ifExists, SqlIdentifier name) {
        super(OPERATOR, pos, ifExists);
        this.name = requireNonNull(name, "name is null");
        Nodes.checkSimpleName(name);
    }

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
        writer.keyword("DROP PURPOSE");
        if (ifExists) {
            writer.keyword("IF EXISTS");
        }
        name.unparse(writer, 0, 0);
    }
}
