package dev.veil.sql.ast;

import static java.util.Objects.requireNonNull;

import java.util.List;
import org.apache.calcite.sql.SqlCreate;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlLiteral;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlOperator;
import org.apache.calcite.sql.SqlWriter;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.util.ImmutableNullableList;

/** The statement {@code CREATE PURPOSE [IF NOT EXISTS] p [COMMENT 'text'] [RENEWAL EVERY n DAYS]}. */
public final class SqlCreatePurpose extends SqlCreate {
    private static final SqlOperator OPERATOR = new VeilOperator(
            "CREATE PURPOSE",
            SqlKind.OTHER_DDL,
            (pos, operands) -> new SqlCreatePurpose(
                    pos,
                    Nodes.flag(operands.get(0)),
                    (SqlIdentifier) operands.get(1),
                    operands.get(2) == null ? null : ((SqlLiteral) operands.get(2)).getValueAs(String.class),
                    operands.get(3) == null ? null : Nodes.integer(operands.get(3))));

    private final SqlIdentifier name;
    private final String comment;
    private final Integer renewalDays;

    public SqlCreatePurpose(
            SqlParserPos pos, boolean ifNotExists, SqlIdentifier name, String comment, Integer renewalDays) {
        super(OPERATOR, pos, false, ifNotExists);
        this.name = requireNonNull(name, "name is null");
        this.comment = comment;
        this.renewalDays = renewalDays;
        Nodes.checkSimpleName(name);
    }

    public SqlIdentifier name() {
        return name;
    }

    public boolean ifNotExists() {
        return ifNotExists;
    }

    /** The comment, or null. */
    public String comment() {
        return comment;
    }

    /** The renewal period in days, or null when consents need not be renewed. */
    public Integer renewalDays() {
        return renewalDays;
    }

    @Override
    public List<SqlNode> getOperandList() {
        return ImmutableNullableList.of(
                Nodes.flag(ifNotExists),
                name,
                comment == null ? null : SqlLiteral.createCharString(comment, SqlParserPos.ZERO),
                renewalDays == null ? null : Nodes.integer(renewalDays));
    }

    @Override
    public void unparse(SqlWriter writer, int leftPrec, int rightPrec) {
        writer.keyword("CREATE PURPOSE");
        if (ifNotExists) {
            writer.keyword("IF NOT EXISTS");
        }
        name.unparse(writer, 0, 0);
        if (comment != null) {
            writer.keyword("COMMENT");
            writer.literal(
                    SqlLiteral.createCharString(comment, SqlParserPos.ZERO).toString());
        }
        if (renewalDays != null) {
            writer.keyword("RENEWAL EVERY " + renewalDays + " DAYS");
        }
    }
}
