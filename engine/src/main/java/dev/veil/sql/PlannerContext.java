package dev.veil.sql;

import static java.util.Objects.requireNonNull;

import dev.veil.ErrorCode;
import dev.veil.VeilException;
import dev.veil.catalog.Principals;
import dev.veil.catalog.Principals.Principal;
import dev.veil.catalog.TableName;
import dev.veil.catalog.ViewDef;
import dev.veil.exec.Optimizer;
import dev.veil.policy.ColumnAccess;
import dev.veil.policy.ColumnClass;
import dev.veil.policy.ObjectAccess;
import dev.veil.policy.PolicyResolver;
import dev.veil.policy.TableAccess;
import dev.veil.rewrite.IntervalFunctions;
import dev.veil.schema.ArrowTableView;
import dev.veil.schema.CatalogSchema;
import dev.veil.schema.VeilTypeSystem;
import dev.veil.schema.ViewExpansion;
import dev.veil.sql.parser.VeilConformance;
import dev.veil.sql.parser.VeilParser;
import dev.veil.storage.Warehouse;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.apache.calcite.adapter.java.JavaTypeFactory;
import org.apache.calcite.config.CalciteConnectionConfigImpl;
import org.apache.calcite.config.CalciteConnectionProperty;
import org.apache.calcite.config.NullCollation;
import org.apache.calcite.jdbc.CalciteSchema;
import org.apache.calcite.jdbc.JavaTypeFactoryImpl;
import org.apache.calcite.plan.RelOptCluster;
import org.apache.calcite.plan.RelOptTable;
import org.apache.calcite.plan.RelOptUtil;
import org.apache.calcite.plan.volcano.VolcanoPlanner;
import org.apache.calcite.prepare.CalciteCatalogReader;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.RelRoot;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.runtime.CalciteContextException;
import org.apache.calcite.schema.SchemaPlus;
import org.apache.calcite.schema.Table;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlOperatorTable;
import org.apache.calcite.sql.fun.SqlLibrary;
import org.apache.calcite.sql.fun.SqlLibraryOperatorTableFactory;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.sql.util.SqlBasicVisitor;
import org.apache.calcite.sql.util.SqlOperatorTables;
import org.apache.calcite.sql.validate.SqlValidator;
import org.apache.calcite.sql.validate.SqlValidatorUtil;
import org.apache.calcite.sql2rel.SqlToRelConverter;
import org.apache.calcite.sql2rel.StandardConvertletTable;

/**
 * Everything one statement needs to validate SQL and turn it into a logical plan: a snapshot of
 * the catalog as Calcite schemas, as the statement's principal may see it (each table's policies
 * resolved once, so validation and the privacy rewrite agree), the validator, and the planner
 * whose cluster the plan lives in. Unqualified table names resolve in the session's schema
 * ({@link #DEFAULT_SCHEMA} unless {@code SET SCHEMA} or JDBC's setSchema changed it).
 */
public final class PlannerContext {
    public static final String DEFAULT_SCHEMA = "public";

    private final JavaTypeFactory typeFactory;
    private final SchemaPlus rootSchema;
    private final CalciteCatalogReader catalogReader;
    private final SqlValidator validator;
    private final RelOptCluster cluster;
    private final Principal principal;
    private final ObjectAccess objects;
    private final String defaultSchema;
    private final Map<TableName, TableAccess> access = new ConcurrentHashMap<>();
    /** The views being expanded, innermost last: a view met again refers to itself. */
    private final Deque<TableName> expanding = new ArrayDeque<>();
    /** Every view this context expanded or typed (a view's dependencies, at CREATE VIEW). */
    private final Set<TableName> viewsUsed = new LinkedHashSet<>();

    private final SqlValidator.Config validatorConfig;
    /** How deep views may nest (a view over a view over ...). */
    static final int MAX_VIEW_DEPTH = 16;

    public PlannerContext(Warehouse warehouse, Principal principal, PolicyResolver policies) {
        this(warehouse, principal, policies, DEFAULT_SCHEMA, new AtomicBoolean());
    }

    /** A context in which unqualified table names resolve in {@code defaultSchema} (the session's schema). */
    public PlannerContext(Warehouse warehouse, Principal principal, PolicyResolver policies, String defaultSchema) {
        this(warehouse, principal, policies, defaultSchema, new AtomicBoolean());
    }

    /**
     * A context in which unqualified table names resolve in {@code defaultSchema}, and whose
     * cost-based planning stops at its next rule once {@code cancelFlag} is set.
     */
    public PlannerContext(
            Warehouse warehouse,
            Principal principal,
            PolicyResolver policies,
            String defaultSchema,
            AtomicBoolean cancelFlag) {
        requireNonNull(cancelFlag, "cancelFlag is null");
        this.defaultSchema = requireNonNull(defaultSchema, "defaultSchema is null");
        this.principal = requireNonNull(principal, "principal is null");
        requireNonNull(policies, "policies is null");
        this.typeFactory = new JavaTypeFactoryImpl(VeilTypeSystem.INSTANCE);
        this.objects =
                new ObjectAccess(requireNonNull(warehouse, "warehouse is null").sqliteCatalog(), principal);
        this.rootSchema = CatalogSchema.rootSchema(
                warehouse,
                table -> access.computeIfAbsent(table, t -> policies.access(t, principal)),
                objects::canSee,
                new Expansion());
        Properties properties = new Properties();
        properties.setProperty(CalciteConnectionProperty.CASE_SENSITIVE.camelName(), "true");
        this.catalogReader = new CalciteCatalogReader(
                CalciteSchema.from(rootSchema),
                List.of(defaultSchema),
                typeFactory,
                new CalciteConnectionConfigImpl(properties));
        this.validatorConfig = SqlValidator.Config.DEFAULT
                .withIdentifierExpansion(true)
                .withConformance(VeilConformance.INSTANCE)
                .withDefaultNullCollation(NullCollation.LAST);
        this.validator = newValidator(catalogReader);
        VolcanoPlanner planner = Optimizer.newPlanner(cancelFlag);
        this.cluster = RelOptCluster.create(planner, new RexBuilder(typeFactory));
    }

    /** The functions and operators statements may call (also what JDBC's getFunctions lists). */
    public static SqlOperatorTable operatorTable() {
        return SqlOperatorTables.chain(
                SqlLibraryOperatorTableFactory.INSTANCE.getOperatorTable(SqlLibrary.STANDARD, SqlLibrary.POSTGRESQL),
                SqlOperatorTables.of(IntervalFunctions.ALL),
                SqlOperatorTables.of(dev.veil.rewrite.GroupBounds.FUNCTION));
    }

    public JavaTypeFactory typeFactory() {
        return typeFactory;
    }

    public SchemaPlus rootSchema() {
        return rootSchema;
    }

    public String user() {
        return principal.name();
    }

    public Principal principal() {
        return principal;
    }

    /** What the principal may see and create, for this statement. */
    public ObjectAccess objects() {
        return objects;
    }

    /**
     * Validates a query or DML statement; user errors become {@code VeilException}s. Naming a
     * column that is HIDDEN for the principal fails with an error that says so.
     */
    public SqlNode validate(SqlNode node) {
        // Queries hand their clause's options to the rewrite (DpSelectOptions, which removes the clause
        // first); anywhere else (INSERT ... SELECT, a view) the options would be lost: refused.
        DpSelectOptions.refuseClause(node);
        try {
            MixedNumericValues.rewrite(node);
            return validator.validate(node);
        } catch (RuntimeException e) {
            VeilException error = SqlErrors.translate(e, catalogReader);
            if (error.errorCode() == ErrorCode.UNKNOWN_COLUMN) {
                Optional<VeilException> hidden = hiddenColumn(node, e, error);
                if (hidden.isPresent()) {
                    throw hidden.get();
                }
            }
            throw error;
        }
    }

    /**
     * The error for a column the statement names that a table it reads hides from the principal, if
     * any: the name the validator could not find (the identifier at the error's position) checked
     * against Veil's own view of each table the statement names.
     */
    private Optional<VeilException> hiddenColumn(SqlNode node, RuntimeException failure, VeilException unknown) {
        Optional<String> named = unknownName(node, failure);
        if (named.isEmpty()) {
            return Optional.empty();
        }
        String column = named.get();
        for (ArrowTableView view : viewsNamedIn(node)) {
            ColumnAccess columnAccess = view.access().column(column);
            if (columnAccess.columnClass() == ColumnClass.HIDDEN
                    && view.base().definition().column(column).isPresent()) {
                List<String> roles = principal.roles().stream()
                        .filter(r -> !r.equals(Principals.ADMIN))
                        .sorted()
                        .toList();
                String who = roles.isEmpty()
                        ? "user '" + principal.name() + "'"
                        : (roles.size() == 1 ? "role " : "roles ")
                                + String.join(
                                        ", ",
                                        roles.stream().map(r -> "'" + r + "'").toList());
                return Optional.of(new VeilException(
                        ErrorCode.POLICY_VIOLATION,
                        "Column '"
                                + view.access().table() + "." + column + "' is HIDDEN for " + who + " ("
                                + columnAccess.policy() + ")",
                        unknown));
            }
        }
        return Optional.empty();
    }

    /** The name part of the identifier at the position where validation failed, if one is there. */
    private static Optional<String> unknownName(SqlNode node, RuntimeException failure) {
        Throwable t = failure;
        while (t != null && !(t instanceof CalciteContextException)) {
            t = t.getCause() == t ? null : t.getCause();
        }
        if (!(t instanceof CalciteContextException context)) {
            return Optional.empty();
        }
        int line = context.getPosLine();
        int column = context.getPosColumn();
        List<String> found = new ArrayList<>();
        node.accept(new SqlBasicVisitor<Void>() {
            @Override
            public Void visit(SqlIdentifier id) {
                for (int i = 0; i < id.names.size(); i++) {
                    SqlParserPos pos = id.getComponentParserPosition(i);
                    if (pos.getLineNum() == line
                            && pos.getColumnNum() == column
                            && !id.names.get(i).isEmpty()) {
                        found.add(id.names.get(i));
                    }
                }
                return null;
            }
        });
        return found.isEmpty() ? Optional.empty() : Optional.of(found.get(found.size() - 1));
    }

    /** The restricted tables that identifiers in the statement name, as this principal sees them. */
    private List<ArrowTableView> viewsNamedIn(SqlNode node) {
        List<ArrowTableView> views = new ArrayList<>();
        node.accept(new SqlBasicVisitor<Void>() {
            @Override
            public Void visit(SqlIdentifier id) {
                List<String> names = id.names;
                Table table = null;
                if (names.size() == 2) {
                    SchemaPlus schema = rootSchema.subSchemas().get(names.get(0));
                    table = schema == null ? null : schema.tables().get(names.get(1));
                } else if (names.size() == 1) {
                    SchemaPlus schema = rootSchema.subSchemas().get(defaultSchema);
                    table = schema == null ? null : schema.tables().get(names.get(0));
                }
                if (table instanceof ArrowTableView view && !views.contains(view)) {
                    views.add(view);
                }
                return null;
            }
        });
        return views;
    }

    /** The cluster the statement's plans live in. */
    public RelOptCluster cluster() {
        return cluster;
    }

    /** The row type of a validated node. */
    public RelDataType validatedType(SqlNode validated) {
        return validator.getValidatedNodeType(validated);
    }

    /** The types of a validated statement's {@code ?} parameters, as one row type (a field per parameter). */
    public RelDataType parameterRowType(SqlNode validated) {
        return validator.getParameterRowType(validated);
    }

    /** Converts a validated statement into a logical plan (sub-queries not yet expanded). */
    public RelRoot toRel(SqlNode validated) {
        SqlToRelConverter converter = converter(validator, catalogReader);
        try {
            RelRoot root = converter.convertQuery(validated, false, true);
            // Flattening is for structured (ROW) types. Over a flat plan it only rebuilds each
            // Project, and in doing so drops a cast that only makes a value nullable (CAST(FALSE)
            // AS BOOLEAN, left where the converter folded a CASE on a NOT NULL column of a join's
            // other side), while an Aggregate above keeps its calls typed for the nullable field:
            // a plan Calcite's planners then reject (MAX of such a CASE grouped over a join).
            return FlatPlans.isFlat(root.rel) ? root : root.withRel(converter.flattenTypes(root.rel, true));
        } catch (RuntimeException e) {
            throw SqlErrors.translate(e, catalogReader);
        }
    }

    private SqlValidator newValidator(CalciteCatalogReader reader) {
        return SqlValidatorUtil.newValidator(
                new CaseInsensitiveOperatorTable(operatorTable()), reader, typeFactory, validatorConfig);
    }

    private SqlToRelConverter converter(SqlValidator validator, CalciteCatalogReader reader) {
        SqlToRelConverter.Config config = SqlToRelConverter.config()
                .withTrimUnusedFields(true)
                .withExpand(false)
                .withInSubQueryThreshold(Integer.MAX_VALUE);
        return new SqlToRelConverter(
                (rowType, queryString, schemaPath, viewPath) -> {
                    // Veil's views expand through StoredView and Expansion, never through this.
                    throw new UnsupportedOperationException("Calcite views are not supported");
                },
                validator,
                reader,
                cluster,
                StandardConvertletTable.INSTANCE,
                config);
    }

    /** The views this context expanded or typed so far, each once, in the order met. */
    public Set<TableName> viewsUsed() {
        return Collections.unmodifiableSet(viewsUsed);
    }

    /**
     * Stored views expanded as this context's principal (invoker semantics): the view's SQL is
     * parsed, validated against this principal's schemas (each base table as they see it, with
     * their policies) with unqualified names in the view's schema path, and converted in this
     * context's cluster. The result holds scans of base tables only, before the privacy rewrite.
     */
    private final class Expansion implements ViewExpansion {
        @Override
        public RelDataType rowType(ViewDef view) {
            SqlNode node = parseView(view);
            CalciteCatalogReader reader = readerOf(view);
            SqlValidator viewValidator = newValidator(reader);
            SqlNode validated = within(view, node, reader, () -> {
                MixedNumericValues.rewrite(node);
                return viewValidator.validate(node);
            });
            return named(view, viewValidator.getValidatedNodeType(validated));
        }

        @Override
        public RelNode expand(ViewDef view, RelOptTable.ToRelContext context, RelDataType rowType) {
            SqlNode node = parseView(view);
            CalciteCatalogReader reader = readerOf(view);
            SqlValidator viewValidator = newValidator(reader);
            return within(view, node, reader, () -> {
                MixedNumericValues.rewrite(node);
                SqlNode validated = viewValidator.validate(node);
                RelRoot root = converter(viewValidator, reader).convertQuery(validated, false, true);
                return RelOptUtil.createCastRel(root.project(), rowType, true);
            });
        }
    }

    /**
     * Runs {@code work} on a view's query, refusing a view met again inside itself or nested too
     * deep. A failure is translated once the view is no longer being expanded (the translation may
     * look at the schema's tables for suggestions, this view among them).
     */
    private <T> T within(ViewDef view, SqlNode node, CalciteCatalogReader reader, Supplier<T> work) {
        TableName name = view.name();
        if (expanding.contains(name)) {
            throw new VeilException(
                    ErrorCode.INVALID_STATEMENT,
                    "View " + name + " refers to itself (through " + expandingPath(name) + ")");
        }
        if (expanding.size() >= MAX_VIEW_DEPTH) {
            throw new VeilException(
                    ErrorCode.STATEMENT_TOO_COMPLEX,
                    "Views nest more than " + MAX_VIEW_DEPTH + " deep (" + expandingPath(name) + ")");
        }
        viewsUsed.add(name);
        expanding.addLast(name);
        RuntimeException failure;
        try {
            return work.get();
        } catch (VeilException e) {
            throw invalid(view, e);
        } catch (RuntimeException e) {
            failure = e;
        } finally {
            expanding.removeLast();
        }
        VeilException error = SqlErrors.translate(failure, reader);
        if (error.errorCode() == ErrorCode.UNKNOWN_COLUMN) {
            Optional<VeilException> hidden = hiddenColumn(node, failure, error);
            if (hidden.isPresent()) {
                error = hidden.get();
            }
        }
        throw invalid(view, error);
    }

    private String expandingPath(TableName next) {
        List<String> path = new ArrayList<>();
        for (TableName t : expanding) {
            path.add(t.toString());
        }
        path.add(next.toString());
        return String.join(" -> ", path);
    }

    private CalciteCatalogReader readerOf(ViewDef view) {
        return catalogReader.withSchemaPath(List.of(view.schemaPath()));
    }

    private static SqlNode parseView(ViewDef view) {
        try {
            return VeilParser.parse(view.sql());
        } catch (VeilException e) {
            throw invalid(view, e);
        }
    }

    /** The view's columns: named as its column list says, if it has one. */
    private RelDataType named(ViewDef view, RelDataType type) {
        if (!view.explicitColumns()) {
            return type;
        }
        if (type.getFieldCount() != view.columnNames().size()) {
            throw new VeilException(
                    ErrorCode.INVALID_STATEMENT,
                    "View " + view.name() + " names " + view.columnNames().size() + " columns but its query gives "
                            + type.getFieldCount() + " for user '" + principal.name() + "'");
        }
        return typeFactory.createStructType(
                type.getFieldList().stream().map(f -> f.getType()).toList(), view.columnNames());
    }

    /**
     * The error of a view that cannot be read: its base table was dropped, or the querying user may
     * not see it or one of its columns. Keeps the cause's code (UNKNOWN_TABLE, POLICY_VIOLATION, ...).
     */
    private static VeilException invalid(ViewDef view, VeilException cause) {
        if (cause.getMessage() != null && cause.getMessage().startsWith("View ")) {
            return cause;
        }
        return new VeilException(
                cause.errorCode(), "View " + view.name() + " cannot be read: " + cause.getMessage(), cause);
    }

    /** The Calcite table of a qualified name, or null. */
    public RelOptTable table(List<String> names) {
        return catalogReader.getTable(names);
    }
}
