package dev.veil.sql.ast;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;
import org.apache.calcite.sql.SqlCreate;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlLiteral;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlOperator;
import org.apache.calcite.sql.SqlWriter;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.util.ImmutableNullableList;

/**
 * The statement {@code CREATE CONNECTION [IF NOT EXISTS] c TYPE {POSTGRESQL | TRINO} URL 'jdbc:...'
 * USER 'u' [PASSWORD FILE 'path']}: a remote database that foreign tables read from. The password
 * is read from the file when the statement runs; the statement's text holds only the file's path.
 * Without {@code PASSWORD FILE} Veil connects without a password (allowed for Trino only).
 */
public final class SqlCreateConnection extends SqlCreate {
    private static final SqlOperator OPERATOR = new VeilOperator(
            "CREATE CONNECTION",
            SqlKind.OTHER_DDL,
            (pos, operands) -> new SqlCreateConnection(
                    pos,
                    Nodes.flag(operands.get(0)),
                    (SqlIdentifier) operands.get(1),
                    (SqlIdentifier) operands.get(2),
                    ((SqlLiteral) operands.get(3)).getValueAs(String.class),
                    ((SqlLiteral) operands.get(4)).getValueAs(String.class),
                    operands.get(5) == null ? null : ((SqlLiteral) operands.get(5)).getValueAs(String.class)));

    private final SqlIdentifier name;
    private final SqlIdentifier kind;
    private final String url;
    private final String user;
    private final String passwordFile;

    public SqlCreateConnection(
            SqlParserPos pos,
            boolean ifNotExists,
            SqlIdentifier name,
            SqlIdentifier kind,
            String url,
            String user,
            String passwordFile) {
        super(OPERATOR, pos, false, ifNotExists);
        this.name = requireNonNull(name, "name is null");
        this.kind = requireNonNull(kind, "kind is null");
        this.url = requireNonNull(url, "url is null");
        this.user = requireNonNull(user, "user is null");
        this.passwordFile = passwordFile;
        Nodes.checkSimpleName(name);
        Nodes.checkSimpleName(kind);
    }

    /** The connection's name. */
    public SqlIdentifier name() {
        return name;
    }

    /** The kind of remote database as written ({@code POSTGRESQL}, {@code TRINO}). */
    public SqlIdentifier kind() {
        return kind;
    }

    public String url() {
        return url;
    }

    public String user() {
        return user;
    }

    /** The path of the file that holds the password, if there is one. */
    public Optional<String> passwordFile() {
        return Optional.ofNullable(passwordFile);
    }

    public boolean ifNotExists() {
        return ifNotExists;
    }

    @Override
    public List<SqlNode> getOperandList() {
        return ImmutableNullableList.of(
                Nodes.flag(ifNotExists),
                name,
                kind,
                SqlLiteral.createCharString(url, SqlParserPos.ZERO),
                SqlLiteral.createCharString(user, SqlParserPos.ZERO),
                passwordFile == null ? null : SqlLiteral.createCharString(passwordFile, SqlParserPos.ZERO));
    }

    @Override
    public void unparse(SqlWriter writer, int leftPrec, int rightPrec) {
        writer.keyword("CREATE CONNECTION");
        if (ifNotExists) {
            writer.keyword("IF NOT EXISTS");
        }
        name.unparse(writer, 0, 0);
        writer.keyword("TYPE");
        kind.unparse(writer, 0, 0);
        writer.keyword("URL");
        writer.literal(SqlLiteral.createCharString(url, SqlParserPos.ZERO).toString());
        writer.keyword("USER");
        writer.literal(SqlLiteral.createCharString(user, SqlParserPos.ZERO).toString());
        if (passwordFile != null) {
            writer.keyword("PASSWORD FILE");
            writer.literal(
                    SqlLiteral.createCharString(passwordFile, SqlParserPos.ZERO).toString());
        }
    }
}
