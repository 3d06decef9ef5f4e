<#--
  Veil's statements, added to Calcite's grammar (templates/Parser.jj). The productions
  named in config.fmpp are the entry points; the others are helpers. Each statement builds
  one node class of dev.veil.sql.ast. New words are non-reserved keywords (config.fmpp).
-->

/** A table name, {@code t} or {@code s.t}. */
SqlIdentifier VeilTableName() :
{
    final List<String> names = new ArrayList<String>();
    final List<SqlParserPos> positions = new ArrayList<SqlParserPos>();
}
{
    AddIdentifierSegment(names, positions)
    [
        <DOT> AddIdentifierSegment(names, positions)
    ]
    {
        return new SqlIdentifier(names, null, SqlParserPos.sum(positions), positions);
    }
}

/** {@code IF NOT EXISTS}, or nothing. */
boolean VeilIfNotExists() :
{
}
{
    LOOKAHEAD(2) <IF> <NOT> <EXISTS> { return true; }
|
    { return false; }
}

/** {@code IF EXISTS}, or nothing. */
boolean VeilIfExists() :
{
}
{
    LOOKAHEAD(2) <IF> <EXISTS> { return true; }
|
    { return false; }
}

/** CREATE SCHEMA [IF NOT EXISTS] s */
SqlCreate VeilCreateSchema(Span s, boolean replace) :
{
    final boolean ifNotExists;
    final SqlIdentifier name;
}
{
    <SCHEMA> { GrammarSupport.checkNoOrReplace(s, replace, "SCHEMA"); }
    ifNotExists = VeilIfNotExists()
    name = SimpleIdentifier()
    {
        return new SqlCreateSchema(s.end(this), ifNotExists, name);
    }
}

/** DROP SCHEMA [IF EXISTS] s */
SqlDrop VeilDropSchema(Span s, boolean replace) :
{
    final boolean ifExists;
    final SqlIdentifier name;
}
{
    <SCHEMA>
    ifExists = VeilIfExists()
    name = SimpleIdentifier()
    {
        return new SqlDropSchema(s.end(this), ifExists, name);
    }
}

/** CREATE TABLE [IF NOT EXISTS] s.t (column type [NOT NULL | NULL], ...) | AS query */
SqlCreate VeilCreateTable(Span s, boolean replace) :
{
    final boolean ifNotExists;
    final SqlIdentifier name;
    final List<SqlColumnDefinition> columns = new ArrayList<SqlColumnDefinition>();
    SqlNode query = null;
}
{
    <TABLE> { GrammarSupport.checkNoOrReplace(s, replace, "TABLE"); }
    ifNotExists = VeilIfNotExists()
    name = VeilTableName()
    (
        <LPAREN>
        VeilColumnDefinition(columns)
        ( <COMMA> VeilColumnDefinition(columns) )*
        <RPAREN>
    |
        <AS> query = OrderedQueryOrExpr(ExprContext.ACCEPT_QUERY)
    )
    {
        return new SqlCreateTable(s.end(this), ifNotExists, name, columns, query);
    }
}

/** One column of CREATE TABLE: name, type, nullability. */
void VeilColumnDefinition(List<SqlColumnDefinition> columns) :
{
    final SqlIdentifier name;
    final SqlDataTypeSpec type;
    boolean nullable = true;
    final Span s;
}
{
    name = SimpleIdentifier() { s = span(); }
    type = DataType()
    [
        <NOT> <NULL> { nullable = false; }
    |
        <NULL> { nullable = true; }
    ]
    {
        columns.add(new SqlColumnDefinition(s.end(this), name, type, nullable));
    }
}

/** DROP TABLE [IF EXISTS] s.t */
SqlDrop VeilDropTable(Span s, boolean replace) :
{
    final boolean ifExists;
    final SqlIdentifier name;
}
{
    <TABLE>
    ifExists = VeilIfExists()
    name = VeilTableName()
    {
        return new SqlDropTable(s.end(this), ifExists, name);
    }
}

/** COPY s.t FROM 'path' [WITH (name = literal, ...)] */
SqlNode VeilCopy() :
{
    final Span s;
    final SqlIdentifier table;
    final SqlNode path;
    final List<SqlCopyOption> optionList = new ArrayList<SqlCopyOption>();
}
{
    <COPY> { s = span(); }
    table = VeilTableName()
    <FROM>
    path = StringLiteral()
    [
        <WITH> <LPAREN>
        VeilCopyOption(optionList)
        ( <COMMA> VeilCopyOption(optionList) )*
        <RPAREN>
    ]
    {
        return new SqlCopy(s.end(this), table, SqlLiteral.unchain(path), optionList);
    }
}

/**
 * One option of COPY: a name (any identifier, or NULL), "=", a literal. Which names exist
 * is the executor's business, so a misspelt option gets a message that lists the known ones.
 */
void VeilCopyOption(List<SqlCopyOption> optionList) :
{
    final String name;
    final Span s;
    final SqlLiteral value;
}
{
    (
        <NULL> { name = "NULL"; }
    |
        name = Identifier()
    )
    { s = span(); }
    <EQ>
    value = VeilOptionValue()
    {
        GrammarSupport.addOption(optionList, new SqlCopyOption(s.end(this), name, value));
    }
}

/** The value of an option: a string, a signed number, TRUE or FALSE. */
SqlLiteral VeilOptionValue() :
{
    final SqlNode string;
    final SqlLiteral literal;
}
{
    string = StringLiteral() { return SqlLiteral.unchain(string); }
|
    literal = NumericLiteral() { return literal; }
|
    <TRUE> { return SqlLiteral.createBoolean(true, getPos()); }
|
    <FALSE> { return SqlLiteral.createBoolean(false, getPos()); }
}
