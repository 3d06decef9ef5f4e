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
 * The statements {@code SHOW SCHEMAS}, {@code SHOW TABLES [IN s]} and {@code SHOW COLUMNS FROM
 * s.t}: one node, told apart by its {@link Target}.
 */
public final class SqlShowCatalog extends SqlCall {
    /** What a SHOW statement lists. */
    public enum Target {
        SCHEMAS("SHOW SCHEMAS", "IN"),
        TABLES("SHOW TABLES", "IN"),
        COLUMNS("SHOW COLUMNS", "FROM");

        private final String sql;
        private final String preposition;
        private final SqlOperator operator;

        Target(String sql, String preposition) {
            this.sql = sql;
            this.preposition = preposition;
            this.operator = new VeilOperator(
                    sql,
                    SqlKind.OTHER,
                    (pos, operands) -> new SqlShowCatalog(pos, this, (SqlIdentifier) operands.get(0)));
        }

        /** The statement's keywords: {@code SHOW TABLES}. */
        public String sql() {
            return sql;
        }
    }

    private final Target target;
    private final SqlIdentifier name;

    /**
     * Creates the node; {@code name} is the schema of SHOW TABLES (null: every schema), the table of
     * SHOW COLUMNS (required), null for SHOW SCHEMAS.
     */
    public SqlShowCatalog(SqlParserPos pos, Target target, SqlIdentifier name) {
        super(pos);
        this.target = requireNonNull(target, "target is null");
        this.name = name;
        switch (target) {
            case SCHEMAS -> {
                if (name != null) {
                    throw new IllegalArgumentException("SHOW SCHEMAS takes no name");
                }
            }
            case TABLES -> {
                if (name != null) {
                    Nodes.checkSimpleName(name);
                }
            }
            case COLUMNS -> Nodes.checkTableName(requireNonNull(name, "SHOW COLUMNS needs a table"));
        }
    }

    public Target target() {
        return target;
    }

    /** The schema of SHOW TABLES or the table of SHOW COLUMNS; empty for SHOW SCHEMAS and SHOW TABLES. */
    public Optional<SqlIdentifier> name() {
        return Optional.ofNullable(name);
    }

    @Override
    public SqlOperator getOperator() {
        return target.operator;
    }

    @Override
    public List<SqlNode> getOperandList() {
        return ImmutableNullableList.of(name);
    }

    @Override
    public void unparse(SqlWriter writer, int leftPrec, int rightPrec) {
        writer.keyword(target.sql());
        if (name != null) {
            writer.keyword(target.preposition);
            name.unparse(writer, 0, 0);
        }
    }
}
