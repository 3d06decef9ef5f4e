package dev.veil.sql.ast;

import static java.util.Objects.requireNonNull;

import java.util.List;
import org.apache.calcite.sql.SqlCreate;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlOperator;
import org.apache.calcite.sql.SqlWriter;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.util.ImmutableNullableList;

/** The statement {@code CREATE SCHEMA [IF NOT EXISTS] s}. */
public final class SqlCreateSchema extends SqlCreate {
    private static final SqlOperator OPERATOR = new VeilOperator(
            "CREATE SCHEMA",
            SqlKind.CREATE_SCHEMA,
            (pos, operands) -> new SqlCreateSchema(pos, Nodes.flag(operands.get(0)), (SqlIdentifier) operands.get(1)));

    private final SqlIdentifier name;

    public SqlCreateSchema(SqlParserPos pos, boolean ifNotExists, SqlIdentifier name) {
        super(OPERATOR, pos, false, ifNotExists);
        this.name = requireNonNull(name, "name is null");
        Nodes.checkSimpleName(name);
    }

    /** The schema's name, a simple identifier. */
    public SqlIdentifier name() {
        return name;
    }

    public boolean ifNotExists() {
        return ifNotExists;
    }

    @Override
    public List<SqlNode> getOperandList() {
        return ImmutableNullableList.of(Nodes.flag(ifNotExists), name);
    }

    @Override
    public void unparse(SqlWriter writer, int leftPrec, int rightPrec) {
        writer.keyword("CREATE SCHEMA");
        if (ifNotExists) {
            writer.keyword("IF NOT EXISTS");
        }
        name.unparse(writer, 0, 0);
    }
}
