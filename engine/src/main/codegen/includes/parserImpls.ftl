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
        return new SqlDropObject(s.end(this), SqlDropObject.Target.SCHEMA, ifExists, name);
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
        return new SqlDropObject(s.end(this), SqlDropObject.Target.TABLE, ifExists, name);
    }
}

/** CREATE [OR REPLACE] VIEW s.v [(c, ...)] AS query */
SqlCreate VeilCreateView(Span s, boolean replace) :
{
    final SqlIdentifier name;
    final List<SqlIdentifier> columns = new ArrayList<SqlIdentifier>();
    SqlIdentifier column;
    final SqlNode query;
}
{
    <VIEW>
    name = VeilTableName()
    [
        <LPAREN>
        column = SimpleIdentifier() { columns.add(column); }
        ( <COMMA> column = SimpleIdentifier() { columns.add(column); } )*
        <RPAREN>
    ]
    <AS> query = OrderedQueryOrExpr(ExprContext.ACCEPT_QUERY)
    {
        return new SqlCreateView(s.end(this), replace, name, columns, query);
    }
}

/** DROP VIEW [IF EXISTS] s.v */
SqlDrop VeilDropView(Span s, boolean replace) :
{
    final boolean ifExists;
    final SqlIdentifier name;
}
{
    <VIEW>
    ifExists = VeilIfExists()
    name = VeilTableName()
    {
        return new SqlDropObject(s.end(this), SqlDropObject.Target.VIEW, ifExists, name);
    }
}

/**
 * DESCRIBE [TABLE] public.t [c]: Calcite's DESCRIBE looks ahead for an identifier, and public is a
 * keyword (a non-reserved one in Veil), so DESCRIBE public.t and DESCRIBE TABLE s.t come here.
 */
SqlNode VeilDescribePublic() :
{
    final Span s;
    final SqlIdentifier table;
    final SqlIdentifier name;
    SqlIdentifier column = null;
}
{
    <DESCRIBE> { s = span(); }
    (
        <PUBLIC> <DOT> name = SimpleIdentifier()
        {
            table = new SqlIdentifier(java.util.Arrays.asList("public", name.getSimple()), s.end(this));
        }
    |
        <TABLE> table = CompoundIdentifier()
    )
    [ column = SimpleIdentifier() ]
    {
        return new SqlDescribeTable(s.end(this), table, column);
    }
}

/** ALTER SCHEMA s SET ACCESS {RESTRICTED | OPEN} */
SqlNode VeilAlterSchema() :
{
    final Span s;
    final SqlIdentifier name;
    final boolean restricted;
}
{
    <ALTER> { s = span(); } <SCHEMA>
    name = SimpleIdentifier()
    (
        LOOKAHEAD(2)
        <SET> <CONSENT> <REQUIRED>
        {
            return new SqlConsentRequired(s.end(this), name, true, true);
        }
    |
        <DROP> <CONSENT> <REQUIRED>
        {
            return new SqlConsentRequired(s.end(this), name, true, false);
        }
    |
        <SET> <ACCESS>
        (
            <RESTRICTED> { restricted = true; }
        |
            <OPEN> { restricted = false; }
        )
        {
            return new SqlAlterSchemaAccess(s.end(this), name, restricted);
        }
    )
}

/**
 * COPY s.t FROM 'path' [WITH (name = literal | SKIP ERASED [TRUE | FALSE], ...)], and its reverse:
 * COPY s.t TO 'path' [WITH (...)] or COPY (query) TO 'path' [WITH (...)].
 */
SqlNode VeilCopy() :
{
    final Span s;
    final SqlIdentifier table;
    final SqlNode query;
    final SqlNode path;
    final List<SqlCopyOption> optionList = new ArrayList<SqlCopyOption>();
}
{
    <COPY> { s = span(); }
    (
        table = VeilTableName()
        (
            <FROM>
            path = StringLiteral()
            [ VeilCopyOptions(optionList) ]
            {
                return new SqlCopy(s.end(this), table, SqlLiteral.unchain(path), optionList);
            }
        |
            <TO>
            path = StringLiteral()
            [ VeilCopyOptions(optionList) ]
            {
                return new SqlCopyTo(s.end(this), table, SqlLiteral.unchain(path), optionList);
            }
        )
    |
        <LPAREN>
        query = OrderedQueryOrExpr(ExprContext.ACCEPT_QUERY)
        <RPAREN>
        <TO>
        path = StringLiteral()
        [ VeilCopyOptions(optionList) ]
        {
            return new SqlCopyTo(s.end(this), query, SqlLiteral.unchain(path), optionList);
        }
    )
}

/** WITH (option, ...) of COPY. */
void VeilCopyOptions(List<SqlCopyOption> optionList) :
{
}
{
    <WITH> <LPAREN>
    VeilCopyOption(optionList)
    ( <COMMA> VeilCopyOption(optionList) )*
    <RPAREN>
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
        // SKIP ERASED [TRUE | FALSE]: ERASED is any identifier here, checked by the executor.
        <SKIP_> { s = span(); }
        name = Identifier()
        (
            value = VeilOptionValue()
        |
            { value = SqlLiteral.createBoolean(true, getPos()); }
        )
        {
            GrammarSupport.addOption(optionList, new SqlCopyOption(s.end(this), "SKIP " + name, value));
        }
    |
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
    )
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

<#-- ===================== principals ===================== -->

/** A password: a character string literal, unchained. */
String VeilPassword() :
{
    final SqlNode literal;
}
{
    <PASSWORD> literal = StringLiteral()
    {
        return SqlLiteral.unchain(literal).getValueAs(String.class);
    }
}

/** CREATE ROLE [IF NOT EXISTS] r */
SqlCreate VeilCreateRole(Span s, boolean replace) :
{
    final boolean ifNotExists;
    final SqlIdentifier name;
}
{
    <ROLE> { GrammarSupport.checkNoOrReplace(s, replace, "ROLE"); }
    ifNotExists = VeilIfNotExists()
    name = SimpleIdentifier()
    {
        return new SqlCreateRole(s.end(this), ifNotExists, name);
    }
}

/** CREATE USER [IF NOT EXISTS] u PASSWORD 'x' [ROLE r] */
SqlCreate VeilCreateUser(Span s, boolean replace) :
{
    final boolean ifNotExists;
    final SqlIdentifier name;
    final String password;
    SqlIdentifier role = null;
}
{
    <USER> { GrammarSupport.checkNoOrReplace(s, replace, "USER"); }
    ifNotExists = VeilIfNotExists()
    name = SimpleIdentifier()
    password = VeilPassword()
    [ <ROLE> role = SimpleIdentifier() ]
    {
        return new SqlCreateUser(s.end(this), ifNotExists, name, password, role);
    }
}

/** DROP USER [IF EXISTS] u */
SqlDrop VeilDropUser(Span s, boolean replace) :
{
    final boolean ifExists;
    final SqlIdentifier name;
}
{
    <USER>
    ifExists = VeilIfExists()
    name = SimpleIdentifier()
    {
        return new SqlDropObject(s.end(this), SqlDropObject.Target.USER, ifExists, name);
    }
}

/** DROP ROLE [IF EXISTS] r */
SqlDrop VeilDropRole(Span s, boolean replace) :
{
    final boolean ifExists;
    final SqlIdentifier name;
}
{
    <ROLE>
    ifExists = VeilIfExists()
    name = SimpleIdentifier()
    {
        return new SqlDropObject(s.end(this), SqlDropObject.Target.ROLE, ifExists, name);
    }
}

/** ALTER USER u PASSWORD 'x' | ALTER USER CURRENT_USER PASSWORD 'x' | ALTER USER u SET PRIVACY BUDGET b */
SqlNode VeilAlterUser() :
{
    final Span s;
    final SqlIdentifier name;
    final String password;
    final SqlIdentifier budget;
    final SqlIdentifier purpose;
}
{
    <ALTER> { s = span(); } <USER>
    (
        <CURRENT_USER> password = VeilPassword()
        {
            return SqlAlterUserPassword.ofCurrentUser(s.end(this), password);
        }
    |
    name = SimpleIdentifier()
    (
        password = VeilPassword()
        {
            return new SqlAlterUserPassword(s.end(this), name, password);
        }
    |
        <SET>
        (
            <PRIVACY> <BUDGET> budget = SimpleIdentifier()
            {
                return new SqlSetPrivacyBudget(s.end(this), PrincipalKind.USER, name, budget);
            }
        |
            <PURPOSE> purpose = SimpleIdentifier()
            {
                return new SqlSetDefaultPurpose(s.end(this), PrincipalKind.USER, name, purpose);
            }
        )
    |
        <RESET> <PURPOSE>
        {
            return new SqlSetDefaultPurpose(s.end(this), PrincipalKind.USER, name, null);
        }
    )
    )
}

/** ALTER ROLE r SET PRIVACY BUDGET b | ALTER ROLE r SET setting { = | TO } { 'value' | DEFAULT } | ALTER ROLE r RESET setting */
SqlNode VeilAlterRole() :
{
    final Span s;
    final SqlIdentifier name;
    final SqlIdentifier budget;
    final SqlIdentifier setting;
    SqlNode value = null;
    final SqlIdentifier purpose;
}
{
    <ALTER> { s = span(); } <ROLE>
    name = SimpleIdentifier()
    (
        LOOKAHEAD(2)
        <SET> <PURPOSE> purpose = SimpleIdentifier()
        {
            return new SqlSetDefaultPurpose(s.end(this), PrincipalKind.ROLE, name, purpose);
        }
    |
        LOOKAHEAD(2)
        <RESET> <PURPOSE>
        {
            return new SqlSetDefaultPurpose(s.end(this), PrincipalKind.ROLE, name, null);
        }
    |
        LOOKAHEAD(2)
        <SET> <PRIVACY> <BUDGET> budget = SimpleIdentifier()
        {
            return new SqlSetPrivacyBudget(s.end(this), PrincipalKind.ROLE, name, budget);
        }
    |
        <SET> setting = SimpleIdentifier() ( <EQ> | <TO> ) ( value = StringLiteral() | <DEFAULT_> )
        {
            return new SqlAlterRoleSetting(s.end(this), name, setting, value == null ? null : SqlLiteral.unchain(value));
        }
    |
        <RESET> setting = SimpleIdentifier()
        {
            return new SqlAlterRoleSetting(s.end(this), name, setting, null);
        }
    )
}

/** CANCEL STATEMENT id */
SqlNode VeilCancelStatement() :
{
    final Span s;
    final SqlNode id;
}
{
    <CANCEL> { s = span(); } <STATEMENT>
    id = UnsignedNumericLiteral()
    {
        return new SqlCancelStatement(s.end(this), (SqlLiteral) id);
    }
}

/** GRANT ROLE r TO USER u */
SqlNode VeilGrantRole() :
{
    final Span s;
    final SqlIdentifier role;
    final SqlIdentifier user;
}
{
    <GRANT> { s = span(); } <ROLE>
    role = SimpleIdentifier()
    <TO> <USER>
    user = SimpleIdentifier()
    {
        return new SqlGrantRole(s.end(this), role, user);
    }
}

/**
 * GRANT SELECT ON [TABLE | VIEW] s.t TO {ROLE r | USER u},
 * GRANT {SELECT | CREATE} ON SCHEMA s TO {ROLE r | USER u}
 */
SqlNode VeilGrantSelect() :
{
    final Span s;
    final SqlNode node;
}
{
    <GRANT> { s = span(); }
    node = VeilGrantBody(s, true)
    { return node; }
}

/**
 * REVOKE SELECT ON [TABLE | VIEW] s.t FROM {ROLE r | USER u},
 * REVOKE {SELECT | CREATE} ON SCHEMA s FROM {ROLE r | USER u}
 */
SqlNode VeilRevokeSelect() :
{
    final Span s;
    final SqlNode node;
}
{
    <REVOKE> { s = span(); }
    node = VeilGrantBody(s, false)
    { return node; }
}

/** What follows GRANT or REVOKE: the privilege, the object, TO or FROM, and the grantee. */
SqlNode VeilGrantBody(Span s, boolean grant) :
{
    SqlIdentifier table = null;
    SqlIdentifier schema = null;
    SqlGrantSchema.Privilege privilege = SqlGrantSchema.Privilege.SELECT;
    final SqlGrantSelect.Grantee kind;
    final SqlIdentifier grantee;
}
{
    (
        <SELECT> <ON>
        (
            LOOKAHEAD(2) <SCHEMA> schema = SimpleIdentifier()
        |
            [ LOOKAHEAD(2) ( <TABLE> | <VIEW> ) ] table = CompoundIdentifier()
        )
    |
        <CREATE> { privilege = SqlGrantSchema.Privilege.CREATE; } <ON> <SCHEMA> schema = SimpleIdentifier()
    )
    ( LOOKAHEAD({ grant }) <TO> | LOOKAHEAD({ !grant }) <FROM> )
    kind = VeilGrantee()
    grantee = SimpleIdentifier()
    {
        if (schema != null) {
            return new SqlGrantSchema(s.end(this), grant, privilege, schema, kind, grantee);
        }
        return new SqlGrantSelect(s.end(this), grant, table, kind, grantee);
    }
}

SqlGrantSelect.Grantee VeilGrantee() :
{
}
{
    <ROLE> { return SqlGrantSelect.Grantee.ROLE; }
|
    <USER> { return SqlGrantSelect.Grantee.USER; }
}

<#-- ===================== policies ===================== -->

/** [FOR ROLE r]; null when absent. */
SqlIdentifier VeilForRole() :
{
    SqlIdentifier role = null;
}
{
    [ <FOR> <ROLE> role = SimpleIdentifier() ]
    {
        return role;
    }
}

/** A column name, in parentheses or bare. */
SqlIdentifier VeilColumnName() :
{
    final SqlIdentifier name;
}
{
    (
        <LPAREN> name = SimpleIdentifier() <RPAREN>
    |
        name = SimpleIdentifier()
    )
    {
        return name;
    }
}

/** An unsigned number, exact or approximate. */
BigDecimal VeilUnsignedNumber() :
{
    final SqlNumericLiteral literal;
}
{
    literal = UnsignedNumericLiteral()
    {
        return literal.bigDecimalValue();
    }
}

/** A number that may carry a sign. */
BigDecimal VeilSignedNumber() :
{
    final SqlLiteral literal;
}
{
    literal = NumericLiteral()
    {
        return literal.bigDecimalValue();
    }
}

/** ALTER TABLE s.t { SET ... | ALTER [COLUMN] c SET ... | DROP ... } */
SqlNode VeilAlterTable() :
{
    final Span s;
    final SqlIdentifier table;
    final SqlNode node;
}
{
    <ALTER> { s = span(); } <TABLE>
    table = VeilTableName()
    (
        <SET>
        (
            node = VeilSetConsent(s, table)
        |
            <RETENTION> node = VeilSetRetention(s, table)
        |
            node = VeilSetPrivacyUnit(s, table)
        |
            node = VeilSetMinGroupSize(s, table)
        |
            node = VeilSetRowFilter(s, table)
        |
            node = VeilSetDifferentialPrivacy(s, table)
        )
    |
        <ALTER> [ <COLUMN> ]
        node = VeilAlterColumn(s, table)
    |
        <DROP>
        (
            <CONSENT>
            (
                <REQUIRED> { node = new SqlConsentRequired(s.end(this), table, false, false); }
            |
                <SOURCE> { node = new SqlSetConsentSource(s.end(this), table, null); }
            )
        |
            <RETENTION> { node = new SqlSetRetention(s.end(this), table, null, null); }
        |
            node = VeilDropRowFilter(s, table)
        |
            node = VeilDropDifferentialPrivacy(s, table)
        |
            node = VeilDropPrivacyUnit(s, table)
        |
            node = VeilDropMinGroupSize(s, table)
        )
    )
    {
        return node;
    }
}

/** PRIVACY UNIT (c) | PRIVACY UNIT VIA (fk) REFERENCES s.parent (pk) [ON ERASE DELETE | ON ERASE SET NULL] */
SqlNode VeilSetPrivacyUnit(Span s, SqlIdentifier table) :
{
    final SqlIdentifier column;
    SqlIdentifier parent = null;
    SqlIdentifier parentKey = null;
    boolean setNullOnErase = false;
}
{
    <PRIVACY> <UNIT>
    (
        // Two tokens, so that a unit column named "via" still parses.
        LOOKAHEAD(2)
        <VIA> column = VeilColumnName()
        <REFERENCES> parent = VeilTableName()
        parentKey = VeilColumnName()
        [
            <ON> <ERASE>
            (
                <DELETE> { setNullOnErase = false; }
            |
                <SET> <NULL> { setNullOnErase = true; }
            )
        ]
    |
        column = VeilColumnName()
    )
    {
        return new SqlSetPrivacyUnit(s.end(this), table, column, parent, parentKey, setNullOnErase);
    }
}

/** MIN GROUP SIZE k [SUPPRESS | REMAINDER] [FOR ROLE r] */
SqlNode VeilSetMinGroupSize(Span s, SqlIdentifier table) :
{
    final int size;
    MinGroupSizeMode mode = MinGroupSizeMode.SUPPRESS;
    final SqlIdentifier role;
}
{
    <MIN> <GROUP> <SIZE>
    size = UnsignedIntLiteral()
    [
        <SUPPRESS> { mode = MinGroupSizeMode.SUPPRESS; }
    |
        <REMAINDER> { mode = MinGroupSizeMode.REMAINDER; }
    ]
    role = VeilForRole()
    {
        return new SqlSetMinGroupSize(s.end(this), table, size, mode, role);
    }
}

/** ROW FILTER (predicate) [FOR ROLE r] */
SqlNode VeilSetRowFilter(Span s, SqlIdentifier table) :
{
    final SqlNode predicate;
    final SqlIdentifier role;
}
{
    <ROW> <FILTER>
    <LPAREN> predicate = Expression(ExprContext.ACCEPT_SUB_QUERY) <RPAREN>
    role = VeilForRole()
    {
        return new SqlSetRowFilter(s.end(this), table, predicate, role);
    }
}

/** ROW FILTER [FOR ROLE r], after DROP */
SqlNode VeilDropRowFilter(Span s, SqlIdentifier table) :
{
    final SqlIdentifier role;
}
{
    <ROW> <FILTER>
    role = VeilForRole()
    {
        return new SqlDropTablePolicy(s.end(this), SqlDropTablePolicy.Policy.ROW_FILTER, table, role);
    }
}

/** PRIVACY UNIT, after DROP */
SqlNode VeilDropPrivacyUnit(Span s, SqlIdentifier table) :
{
}
{
    <PRIVACY> <UNIT>
    {
        return new SqlDropTablePolicy(s.end(this), SqlDropTablePolicy.Policy.PRIVACY_UNIT, table, null);
    }
}

/** MIN GROUP SIZE [FOR ROLE r], after DROP */
SqlNode VeilDropMinGroupSize(Span s, SqlIdentifier table) :
{
    final SqlIdentifier role;
}
{
    <MIN> <GROUP> <SIZE>
    role = VeilForRole()
    {
        return new SqlDropTablePolicy(s.end(this), SqlDropTablePolicy.Policy.MIN_GROUP_SIZE, table, role);
    }
}

/**
 * DIFFERENTIAL PRIVACY (EPSILON e, DELTA d, MAX GROUPS PER UNIT n,
 * MAX ROWS PER UNIT PER GROUP m, CONTRIBUTION BOUNDS {AUTO | FIXED}) [FOR ROLE r]; the
 * settings in any order, EPSILON required.
 */
SqlNode VeilSetDifferentialPrivacy(Span s, SqlIdentifier table) :
{
    final PrivacyParameters parameters = new PrivacyParameters();
    final SqlIdentifier role;
}
{
    <DIFFERENTIAL> <PRIVACY>
    <LPAREN>
    VeilPrivacyParameter(parameters, true)
    ( <COMMA> VeilPrivacyParameter(parameters, true) )*
    <RPAREN>
    role = VeilForRole()
    {
        GrammarSupport.requireEpsilon(parameters, s.end(this), "DIFFERENTIAL PRIVACY");
        return new SqlSetDifferentialPrivacy(s.end(this), table, parameters.epsilon,
            parameters.delta, parameters.maxGroupsPerUnit, parameters.maxRowsPerUnitPerGroup,
            parameters.autoBounds, role);
    }
}

/** DIFFERENTIAL PRIVACY [FOR ROLE r], after DROP */
SqlNode VeilDropDifferentialPrivacy(Span s, SqlIdentifier table) :
{
    final SqlIdentifier role;
}
{
    <DIFFERENTIAL> <PRIVACY>
    role = VeilForRole()
    {
        return new SqlDropTablePolicy(s.end(this), SqlDropTablePolicy.Policy.DIFFERENTIAL_PRIVACY, table, role);
    }
}

/**
 * One setting of a DP policy or a budget: EPSILON e, DELTA d and, for a DP policy only,
 * MAX GROUPS PER UNIT n, MAX ROWS PER UNIT PER GROUP m or CONTRIBUTION BOUNDS {AUTO | FIXED}.
 */
void VeilPrivacyParameter(PrivacyParameters parameters, boolean contributionBounds) :
{
    final SqlParserPos pos;
    final BigDecimal value;
    final int bound;
}
{
    <EPSILON> { pos = getPos(); } value = VeilUnsignedNumber()
    { parameters.setEpsilon(value, pos); }
|
    <DELTA> { pos = getPos(); } value = VeilUnsignedNumber()
    { parameters.setDelta(value, pos); }
|
    <MAX> { pos = getPos(); GrammarSupport.checkContributionBounds(contributionBounds, pos); }
    (
        <GROUPS> <PER> <UNIT> bound = UnsignedIntLiteral()
        { parameters.setMaxGroupsPerUnit(bound, pos); }
    |
        <ROWS> <PER> <UNIT> <PER> <GROUP> bound = UnsignedIntLiteral()
        { parameters.setMaxRowsPerUnitPerGroup(bound, pos); }
    )
|
    <CONTRIBUTION> { pos = getPos(); GrammarSupport.checkContributionBounds(contributionBounds, pos); }
    <BOUNDS>
    (
        <AUTO> { parameters.setAutoBounds(true, pos); }
    |
        <FIXED> { parameters.setAutoBounds(false, pos); }
    )
}

/** [COLUMN] c SET POLICY ... | [COLUMN] c SET DOMAIN ..., after ALTER TABLE s.t ALTER */
SqlNode VeilAlterColumn(Span s, SqlIdentifier table) :
{
    final SqlIdentifier column;
    final SqlNode node;
    final SqlIdentifier category;
}
{
    column = SimpleIdentifier()
    <SET>
    (
        <CATEGORY> category = SimpleIdentifier()
        { node = new SqlSetColumnCategory(s.end(this), table, column, category); }
    |
        node = VeilSetColumnPolicy(s, table, column)
    |
        node = VeilSetColumnDomain(s, table, column)
    )
    {
        return node;
    }
}

/**
 * POLICY PUBLIC | HIDDEN | JOIN ONLY | AGGREGATE ONLY [BOUNDS (lo, hi)] | MASKED USING mask,
 * then [FOR ROLE r]
 */
SqlNode VeilSetColumnPolicy(Span s, SqlIdentifier table, SqlIdentifier column) :
{
    final ColumnPolicyClass policyClass;
    BigDecimal lower = null;
    BigDecimal upper = null;
    ColumnMask mask = null;
    final SqlIdentifier role;
}
{
    <POLICY>
    (
        <PUBLIC> { policyClass = ColumnPolicyClass.PUBLIC; }
    |
        <HIDDEN> { policyClass = ColumnPolicyClass.HIDDEN; }
    |
        <JOIN> <ONLY> { policyClass = ColumnPolicyClass.JOIN_ONLY; }
    |
        <AGGREGATE> <ONLY> { policyClass = ColumnPolicyClass.AGGREGATE_ONLY; }
        [
            <BOUNDS> <LPAREN>
            lower = VeilSignedNumber() <COMMA> upper = VeilSignedNumber()
            <RPAREN>
        ]
    |
        <MASKED> <USING> mask = VeilColumnMask() { policyClass = ColumnPolicyClass.MASKED; }
    )
    role = VeilForRole()
    {
        return new SqlSetColumnPolicy(s.end(this), table, column, policyClass, lower, upper, mask, role);
    }
}

/** REDACT | NULLIFY | HASH | TRUNCATE(n) | YEAR | MONTH | BUCKET(w) | SHOW_LAST(n) */
ColumnMask VeilColumnMask() :
{
    final int length;
    final BigDecimal width;
}
{
    <REDACT> { return ColumnMask.of(MaskFunction.REDACT); }
|
    <NULLIFY> { return ColumnMask.of(MaskFunction.NULLIFY); }
|
    <HASH> { return ColumnMask.of(MaskFunction.HASH); }
|
    <YEAR> { return ColumnMask.of(MaskFunction.YEAR); }
|
    <MONTH> { return ColumnMask.of(MaskFunction.MONTH); }
|
    <TRUNCATE> <LPAREN> length = UnsignedIntLiteral() <RPAREN>
    { return ColumnMask.of(MaskFunction.TRUNCATE, BigDecimal.valueOf(length)); }
|
    <SHOW_LAST> <LPAREN> length = UnsignedIntLiteral() <RPAREN>
    { return ColumnMask.of(MaskFunction.SHOW_LAST, BigDecimal.valueOf(length)); }
|
    <BUCKET> <LPAREN> width = VeilUnsignedNumber() <RPAREN>
    { return ColumnMask.of(MaskFunction.BUCKET, width); }
}

/** DOMAIN IN (literal, ...) | DOMAIN REFERENCES s.t2 (c2) */
SqlNode VeilSetColumnDomain(Span s, SqlIdentifier table, SqlIdentifier column) :
{
    final List<SqlLiteral> values = new ArrayList<SqlLiteral>();
    SqlLiteral value;
    SqlIdentifier referencedTable = null;
    SqlIdentifier referencedColumn = null;
}
{
    <DOMAIN>
    (
        <IN> <LPAREN>
        value = VeilDomainValue() { values.add(value); }
        ( <COMMA> value = VeilDomainValue() { values.add(value); } )*
        <RPAREN>
    |
        <REFERENCES> referencedTable = VeilTableName()
        referencedColumn = VeilColumnName()
    )
    {
        return new SqlSetColumnDomain(s.end(this), table, column, values, referencedTable, referencedColumn);
    }
}

/** A value of a public domain: string, number, boolean, or DATE / TIMESTAMP literal. */
SqlLiteral VeilDomainValue() :
{
    final SqlLiteral literal;
}
{
    (
        literal = VeilOptionValue()
    |
        literal = DateTimeLiteral()
    )
    {
        return literal;
    }
}

/** CREATE PRIVACY BUDGET [IF NOT EXISTS] b LIMIT (EPSILON x, DELTA y) WINDOW {DAILY | WEEKLY | MONTHLY | NEVER} */
SqlCreate VeilCreatePrivacyBudget(Span s, boolean replace) :
{
    final boolean ifNotExists;
    final SqlIdentifier name;
    final PrivacyParameters parameters = new PrivacyParameters();
    final BudgetWindow window;
}
{
    <PRIVACY> { GrammarSupport.checkNoOrReplace(s, replace, "PRIVACY BUDGET"); } <BUDGET>
    ifNotExists = VeilIfNotExists()
    name = SimpleIdentifier()
    <LIMIT>
    (
        <LPAREN>
        VeilPrivacyParameter(parameters, false)
        ( <COMMA> VeilPrivacyParameter(parameters, false) )*
        <RPAREN>
    |
        // The unparenthesized form: LIMIT EPSILON x DELTA y
        VeilPrivacyParameter(parameters, false)
        ( VeilPrivacyParameter(parameters, false) )*
    )
    <WINDOW>
    (
        <DAILY> { window = BudgetWindow.DAILY; }
    |
        <WEEKLY> { window = BudgetWindow.WEEKLY; }
    |
        <MONTHLY> { window = BudgetWindow.MONTHLY; }
    |
        <NEVER> { window = BudgetWindow.NEVER; }
    )
    {
        GrammarSupport.requireEpsilon(parameters, s.end(this), "PRIVACY BUDGET");
        return new SqlCreatePrivacyBudget(s.end(this), ifNotExists, name, parameters.epsilon, parameters.delta,
            window);
    }
}

/** SHOW POLICIES [FOR s.t] */
SqlNode VeilShowPolicies() :
{
    final Span s;
    SqlIdentifier table = null;
}
{
    <SHOW> { s = span(); } <POLICIES>
    [ <FOR> table = VeilTableName() ]
    {
        return new SqlShowPolicies(s.end(this), table);
    }
}

/** EXPORT POLICIES */
SqlNode VeilExportPolicies() :
{
    final Span s;
}
{
    <EXPORT> { s = span(); } <POLICIES>
    {
        return new SqlPolicyFile(s.end(this), null);
    }
}

/** APPLY POLICIES '<policy file>' */
SqlNode VeilApplyPolicies() :
{
    final Span s;
    final SqlNode document;
}
{
    <APPLY> { s = span(); } <POLICIES>
    document = StringLiteral()
    {
        return new SqlPolicyFile(s.end(this), SqlLiteral.unchain(document));
    }
}

/** DROP PRIVACY BUDGET [IF EXISTS] b [CASCADE | RESTRICT] */
SqlDrop VeilDropPrivacyBudget(Span s, boolean replace) :
{
    final boolean ifExists;
    final SqlIdentifier name;
    boolean cascade = false;
}
{
    <PRIVACY> <BUDGET>
    ifExists = VeilIfExists()
    name = SimpleIdentifier()
    [
        <CASCADE> { cascade = true; }
    |
        <RESTRICT> { cascade = false; }
    ]
    {
        return new SqlDropPrivacyBudget(s.end(this), ifExists, name, cascade);
    }
}

/** SHOW SCHEMAS | SHOW TABLES [{IN | FROM} s] | SHOW COLUMNS {FROM | IN} s.t */
SqlNode VeilShowCatalog() :
{
    final Span s;
    SqlIdentifier name = null;
}
{
    <SHOW> { s = span(); }
    (
        <SCHEMAS>
        {
            return new SqlShowCatalog(s.end(this), SqlShowCatalog.Target.SCHEMAS, null);
        }
    |
        <TABLES>
        [ ( <IN> | <FROM> ) name = SimpleIdentifier() ]
        {
            return new SqlShowCatalog(s.end(this), SqlShowCatalog.Target.TABLES, name);
        }
    |
        <COLUMNS>
        ( <FROM> | <IN> ) name = VeilTableName()
        {
            return new SqlShowCatalog(s.end(this), SqlShowCatalog.Target.COLUMNS, name);
        }
    )
}

/** SET EPSILON = x (or TO x) */
SqlNode VeilSetEpsilon() :
{
    final Span s;
    final BigDecimal epsilon;
}
{
    <SET> { s = span(); } <EPSILON>
    ( <EQ> | <TO> )
    epsilon = VeilUnsignedNumber()
    {
        return new SqlSetEpsilon(s.end(this), epsilon);
    }
}

/** SET SCHEMA [= | TO] s, or with the name as a string: SET SCHEMA 's' */
SqlNode VeilSetSchema() :
{
    final Span s;
    final SqlIdentifier schema;
    final SqlNode literal;
}
{
    <SET> { s = span(); } <SCHEMA>
    [ <EQ> | <TO> ]
    (
        literal = StringLiteral()
        {
            return new SqlSetSchema(s.end(this), new SqlIdentifier(
                SqlLiteral.unchain(literal).getValueAs(String.class), getPos()));
        }
    |
        schema = SimpleIdentifier()
        {
            return new SqlSetSchema(s.end(this), schema);
        }
    )
}

/** EXPLAIN PRIVACY query */
SqlNode VeilExplainPrivacy() :
{
    final Span s;
    final SqlNode query;
}
{
    <EXPLAIN> { s = span(); } <PRIVACY>
    (
        LOOKAHEAD(2) query = VeilDpSelect()
    |
        query = OrderedQueryOrExpr(ExprContext.ACCEPT_QUERY)
    )
    {
        return new SqlExplainPrivacy(s.end(this), query);
    }
}

/** A privacy unit's value: a string or a number (possibly negative). */
SqlLiteral VeilUnitValue() :
{
    final SqlNode literal;
    boolean negative = false;
}
{
    (
        literal = StringLiteral()
        {
            return SqlLiteral.unchain(literal);
        }
    |
        [ <MINUS> { negative = true; } ]
        literal = UnsignedNumericLiteral()
        {
            return negative
                ? SqlLiteral.createNegative((SqlNumericLiteral) literal, getPos())
                : (SqlLiteral) literal;
        }
    )
}

/** EXPORT PRIVACY UNIT value OF s.t TO 'file' [FORMAT JSON | FORMAT CSV] */
SqlNode VeilExportUnit() :
{
    final Span s;
    final SqlLiteral value;
    final SqlIdentifier table;
    final SqlNode file;
    SqlIdentifier format = null;
}
{
    <EXPORT> { s = span(); } <PRIVACY> <UNIT>
    value = VeilUnitValue()
    <OF> table = VeilTableName()
    <TO> file = StringLiteral()
    [ <FORMAT> format = SimpleIdentifier() ]
    {
        return new SqlExportUnit(s.end(this), value, table, SqlLiteral.unchain(file), format);
    }
}

/** ERASE PRIVACY UNIT value OF s.t [DEFER VACUUM] */
SqlNode VeilEraseUnit() :
{
    final Span s;
    final SqlLiteral value;
    final SqlIdentifier table;
    boolean deferVacuum = false;
}
{
    <ERASE> { s = span(); } <PRIVACY> <UNIT>
    value = VeilUnitValue()
    <OF> table = VeilTableName()
    [ <DEFER> <VACUUM> { deferVacuum = true; } ]
    {
        return new SqlEraseUnit(s.end(this), value, table, deferVacuum);
    }
}

/** REPORT DATA USE FOR UNIT value [OF s.t] */
SqlNode VeilReportDataUse() :
{
    final Span s;
    final SqlLiteral value;
    SqlIdentifier table = null;
}
{
    <REPORT> { s = span(); } <DATA> <USE> <FOR> <UNIT>
    value = VeilUnitValue()
    [ <OF> table = VeilTableName() ]
    {
        return new SqlReportDataUse(s.end(this), value, table);
    }
}

/** VACUUM */
SqlNode VeilVacuum() :
{
    final Span s;
}
{
    <VACUUM> { s = span(); }
    {
        return new SqlVacuum(s.end(this));
    }
}

<#-- ===================== connections and foreign tables ===================== -->

/** A character string literal's value. */
String VeilStringValue() :
{
    final SqlNode literal;
}
{
    literal = StringLiteral()
    {
        return SqlLiteral.unchain(literal).getValueAs(String.class);
    }
}

/** CREATE CONNECTION [IF NOT EXISTS] c TYPE k URL 'u' USER 'x' [PASSWORD FILE 'f'] */
SqlCreate VeilCreateConnection(Span s, boolean replace) :
{
    final boolean ifNotExists;
    final SqlIdentifier name;
    final SqlIdentifier kind;
    final String url;
    final String user;
    String passwordFile = null;
}
{
    <CONNECTION> { GrammarSupport.checkNoOrReplace(s, replace, "CONNECTION"); }
    ifNotExists = VeilIfNotExists()
    name = SimpleIdentifier()
    <TYPE> kind = SimpleIdentifier()
    <URL> url = VeilStringValue()
    <USER> user = VeilStringValue()
    [ <PASSWORD> <FILE> passwordFile = VeilStringValue() ]
    {
        return new SqlCreateConnection(s.end(this), ifNotExists, name, kind, url, user, passwordFile);
    }
}

/** CREATE FOREIGN TABLE s.t FROM CONNECTION c REMOTE 'schema.table' */
SqlCreate VeilCreateForeignTable(Span s, boolean replace) :
{
    final SqlIdentifier name;
    final SqlIdentifier connection;
    final String remote;
}
{
    <FOREIGN> { GrammarSupport.checkNoOrReplace(s, replace, "FOREIGN TABLE"); } <TABLE>
    name = CompoundIdentifier()
    <FROM> <CONNECTION> connection = SimpleIdentifier()
    <REMOTE> remote = VeilStringValue()
    {
        return new SqlCreateForeignTable(s.end(this), name, connection, remote);
    }
}

/** DROP CONNECTION [IF EXISTS] c */
SqlDrop VeilDropConnection(Span s, boolean replace) :
{
    final boolean ifExists;
    final SqlIdentifier name;
}
{
    <CONNECTION>
    ifExists = VeilIfExists()
    name = SimpleIdentifier()
    {
        return new SqlDropObject(s.end(this), SqlDropObject.Target.CONNECTION, ifExists, name);
    }
}

/** IMPORT FOREIGN SCHEMA {'remote' | remote} FROM CONNECTION c INTO s */
SqlNode VeilImportForeignSchema() :
{
    final Span s;
    final String remote;
    final SqlIdentifier remoteName;
    final SqlIdentifier connection;
    final SqlIdentifier schema;
}
{
    <IMPORT> { s = span(); } <FOREIGN> <SCHEMA>
    (
        remote = VeilStringValue()
        <FROM> <CONNECTION> connection = SimpleIdentifier()
        <INTO> schema = SimpleIdentifier()
        {
            return new SqlImportForeignSchema(s.end(this), remote, connection, schema);
        }
    |
        remoteName = CompoundIdentifier()
        <FROM> <CONNECTION> connection = SimpleIdentifier()
        <INTO> schema = SimpleIdentifier()
        {
            return new SqlImportForeignSchema(s.end(this), String.join(".", remoteName.names), connection, schema);
        }
    )
}

/** REFRESH FOREIGN TABLE s.t */
SqlNode VeilRefreshForeignTable() :
{
    final Span s;
    final SqlIdentifier name;
}
{
    <REFRESH> { s = span(); } <FOREIGN> <TABLE>
    name = CompoundIdentifier()
    {
        return new SqlRefreshForeignTable(s.end(this), name);
    }
}

<#-- ===================== purposes, consent, retention ===================== -->

/** CREATE PURPOSE [IF NOT EXISTS] p [COMMENT 'text'] [RENEWAL EVERY n DAYS] */
SqlCreate VeilCreatePurpose(Span s, boolean replace) :
{
    final boolean ifNotExists;
    final SqlIdentifier name;
    SqlNode comment = null;
    Integer days = null;
}
{
    <PURPOSE> { GrammarSupport.checkNoOrReplace(s, replace, "PURPOSE"); }
    ifNotExists = VeilIfNotExists()
    name = SimpleIdentifier()
    [ <COMMENT> comment = StringLiteral() ]
    [ <RENEWAL> <EVERY> days = UnsignedIntLiteral() <DAYS> ]
    {
        return new SqlCreatePurpose(s.end(this), ifNotExists, name,
            comment == null ? null : SqlLiteral.unchain(comment).getValueAs(String.class), days);
    }
}

/** DROP PURPOSE [IF EXISTS] p */
SqlDrop VeilDropPurpose(Span s, boolean replace) :
{
    final boolean ifExists;
    final SqlIdentifier name;
}
{
    <PURPOSE>
    ifExists = VeilIfExists()
    name = SimpleIdentifier()
    {
        return new SqlDropPurpose(s.end(this), ifExists, name);
    }
}

/** GRANT PURPOSE p TO {ROLE r | USER u} */
SqlNode VeilGrantPurpose() :
{
    final Span s;
    final SqlIdentifier purpose;
    final SqlGrantSelect.Grantee kind;
    final SqlIdentifier grantee;
}
{
    <GRANT> { s = span(); } <PURPOSE>
    purpose = SimpleIdentifier()
    <TO> kind = VeilGrantee() grantee = SimpleIdentifier()
    {
        return new SqlGrantPurpose(s.end(this), true, purpose,
            kind == SqlGrantSelect.Grantee.ROLE ? PrincipalKind.ROLE : PrincipalKind.USER, grantee);
    }
}

/** REVOKE PURPOSE p FROM {ROLE r | USER u} */
SqlNode VeilRevokePurpose() :
{
    final Span s;
    final SqlIdentifier purpose;
    final SqlGrantSelect.Grantee kind;
    final SqlIdentifier grantee;
}
{
    <REVOKE> { s = span(); } <PURPOSE>
    purpose = SimpleIdentifier()
    <FROM> kind = VeilGrantee() grantee = SimpleIdentifier()
    {
        return new SqlGrantPurpose(s.end(this), false, purpose,
            kind == SqlGrantSelect.Grantee.ROLE ? PrincipalKind.ROLE : PrincipalKind.USER, grantee);
    }
}

/** SET PURPOSE [= | TO] p */
SqlNode VeilSetPurpose() :
{
    final Span s;
    final SqlIdentifier purpose;
}
{
    <SET> { s = span(); } <PURPOSE>
    [ <EQ> | <TO> ]
    purpose = SimpleIdentifier()
    {
        return new SqlSetPurpose(s.end(this), purpose);
    }
}

/** SHOW PURPOSE */
SqlNode VeilShowPurpose() :
{
    final Span s;
}
{
    <SHOW> { s = span(); } <PURPOSE>
    {
        return new SqlSetPurpose(s.end(this), null);
    }
}

/**
 * CONSENT REQUIRED | CONSENT SOURCE (UNIT u REFERENCES s.p (k), PURPOSE p, CATEGORY c, GRANTED g,
 * EXPIRES e [, WITHDRAWN w]), after ALTER TABLE s.t SET
 */
SqlNode VeilSetConsent(Span s, SqlIdentifier table) :
{
    final List<SqlIdentifier> columns = new ArrayList<SqlIdentifier>();
    SqlIdentifier id;
}
{
    <CONSENT>
    (
        <REQUIRED>
        {
            return new SqlConsentRequired(s.end(this), table, false, true);
        }
    |
        <SOURCE> <LPAREN>
        <UNIT> id = SimpleIdentifier() { columns.add(id); }
        <REFERENCES> id = VeilTableName() { columns.add(id); }
        id = VeilColumnName() { columns.add(id); }
        <COMMA> <PURPOSE> id = SimpleIdentifier() { columns.add(id); }
        <COMMA> <CATEGORY> id = SimpleIdentifier() { columns.add(id); }
        <COMMA> <GRANTED> id = SimpleIdentifier() { columns.add(id); }
        <COMMA> <EXPIRES> id = SimpleIdentifier() { columns.add(id); }
        [ <COMMA> <WITHDRAWN> id = SimpleIdentifier() { columns.add(id); } ]
        <RPAREN>
        {
            return new SqlSetConsentSource(s.end(this), table, columns);
        }
    )
}

/** n DAYS ON c, after ALTER TABLE s.t SET RETENTION */
SqlNode VeilSetRetention(Span s, SqlIdentifier table) :
{
    final int days;
    final SqlIdentifier column;
}
{
    days = UnsignedIntLiteral() <DAYS> <ON> column = SimpleIdentifier()
    {
        return new SqlSetRetention(s.end(this), table, days, column);
    }
}

/* ---- BigQuery's differentially private SELECT (issue 18); keep this block together. ---- */

/**
 * SELECT WITH DIFFERENTIAL_PRIVACY OPTIONS (name = value, ...) [ALL | DISTINCT] items
 * [FROM ... [WHERE ...] [GROUP BY ...] [HAVING ...] [WINDOW ...] [QUALIFY ...]]
 * [ORDER BY ...] [LIMIT ...]: a SELECT whose options become its DIFFERENTIAL_PRIVACY hint
 * (DpSelectGrammar).
 */
SqlNode VeilDpSelect() :
{
    final Span s;
    final SqlIdentifier clause;
    final List<SqlNode> dpOptions = new ArrayList<SqlNode>();
    final List<SqlLiteral> keywords = new ArrayList<SqlLiteral>();
    final List<SqlNode> selectList = new ArrayList<SqlNode>();
    SqlLiteral keyword;
    SqlNode fromClause = null;
    SqlNode where = null;
    SqlNodeList groupBy = null;
    SqlNode having = null;
    SqlNodeList windowDecls = null;
    SqlNode qualify = null;
    final SqlNodeList hints;
    SqlSelect select;
    final SqlNode query;
}
{
    <SELECT> { s = span(); } <WITH>
    clause = SimpleIdentifier() { DpSelectGrammar.checkClause(clause); }
    <OPTIONS> <LPAREN>
    [ VeilDpOption(dpOptions) ( <COMMA> VeilDpOption(dpOptions) )* ]
    <RPAREN> { hints = DpSelectGrammar.hints(dpOptions, s.end(this)); }
    [ keyword = AllOrDistinct() { keywords.add(keyword); } ]
    AddSelectItem(selectList) ( <COMMA> AddSelectItem(selectList) )*
    [
        <FROM> fromClause = FromClause()
        [ where = Where() ]
        [ groupBy = GroupBy() ]
        [ having = Having() ]
        [ windowDecls = Window() ]
        [ qualify = Qualify() ]
    ]
    {
        select = new SqlSelect(s.end(this), new SqlNodeList(keywords, s.pos()),
            new SqlNodeList(selectList, Span.of(selectList).pos()),
            fromClause, where, groupBy, having, windowDecls, qualify, null, null, null, hints);
    }
    query = OrderByLimitOpt(select)
    { return query; }
}

/** One option of a DIFFERENTIAL_PRIVACY clause: name = number | column | NULL. */
void VeilDpOption(List<SqlNode> dpOptions) :
{
    final SqlIdentifier name;
    final SqlNode value;
}
{
    name = SimpleIdentifier() <EQ> value = Expression(ExprContext.ACCEPT_NON_QUERY)
    { DpSelectGrammar.addOption(dpOptions, name, value); }
}
