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

/**
 * The statements {@code DROP SCHEMA [IF EXISTS] s}, {@code DROP TABLE [IF EXISTS] s.t},
 * {@code DROP VIEW [IF EXISTS] s.v},
 * {@code DROP ROLE [IF EXISTS] r}, {@code DROP USER [IF EXISTS] u} and
 * {@code DROP CONNECTION [IF EXISTS] c}: one node, told apart by
 * its {@link Target}.
 */
public final class SqlDropObject extends SqlDrop {
    /** What a DROP statement drops; each has its own operator, so its own {@link SqlKind}. */
    public enum Target {
        SCHEMA("DROP SCHEMA", SqlKind.DROP_SCHEMA),
        TABLE("DROP TABLE", SqlKind.DROP_TABLE),
        VIEW("DROP VIEW", SqlKind.DROP_VIEW),
        ROLE("DROP ROLE", SqlKind.OTHER_DDL),
        USER("DROP USER", SqlKind.OTHER_DDL),
        CONNECTION("DROP CONNECTION", SqlKind.OTHER_DDL);

        private final String sql;
        private final SqlOperator operator;

        Target(String sql, SqlKind kind) {
            this.sql = sql;
            this.operator = new VeilOperator(
                    sql,
                    kind,
                    (pos, operands) ->
                            new SqlDropObject(pos, this, Nodes.flag(operands.get(0)), (SqlIdentifier) operands.get(1)));
        }

        /** The statement's keywords: {@code DROP TABLE}. */
        public String sql() {
            return sql;
        }
    }

    private final Target target;
    private final SqlIdentifier name;

    public SqlDropObject(SqlParserPos pos, Target target, boolean ifExists, SqlIdentifier name) {
        super(requireNonNull(target, "target is null").operator, pos, ifExists);
        this.target = target;
        this.name = requireNonNull(name, "name is null");
        if (target == Target.TABLE || target == Target.VIEW) {
            Nodes.checkTableName(name);
        } else {
            Nodes.checkSimpleName(name);
        }
    }

    /** What the statement drops. */
    public Target target() {
        return target;
    }

    /** The name as written: a simple identifier, or {@code t} or {@code s.t} for a table. */
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
        writer.keyword(target.sql());
        if (ifExists) {
            writer.keyword("IF EXISTS");
        }
        name.unparse(writer, 0, 0);
    }
}
