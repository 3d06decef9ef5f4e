package dev.veil.session;

import static java.util.Objects.requireNonNull;

import dev.veil.ErrorCode;
import dev.veil.VeilException;
import dev.veil.catalog.Catalog;
import dev.veil.catalog.Column;
import dev.veil.catalog.Principals.Principal;
import dev.veil.catalog.TableDef;
import dev.veil.catalog.ViewDef;
import dev.veil.catalog.Views;
import dev.veil.control.CpuScheduler;
import dev.veil.control.RunningStatements;
import dev.veil.control.StatementControl;
import dev.veil.policy.ColumnClass;
import dev.veil.policy.ColumnRef;
import dev.veil.policy.ObjectAccess;
import dev.veil.policy.PolicyRemarks;
import dev.veil.policy.SqlitePolicyStore;
import dev.veil.policy.TableAccess;
import dev.veil.policy.TablePolicies;
import dev.veil.policy.UnitPolicy;
import dev.veil.schema.ArrowTableView;
import dev.veil.schema.StoredView;
import dev.veil.schema.SystemSchema;
import dev.veil.schema.VeilTypeSystem;
import dev.veil.schema.VeilTypes;
import dev.veil.session.MetaRows.ColumnRow;
import dev.veil.session.MetaRows.FunctionRow;
import dev.veil.session.MetaRows.Functions;
import dev.veil.session.MetaRows.KeyRow;
import dev.veil.session.MetaRows.TableRow;
import dev.veil.session.MetaRows.TypeInfoRow;
import dev.veil.sql.PlannerContext;
import dev.veil.sql.QueryParameters;
import dev.veil.sql.ResultColumn;
import dev.veil.sql.RowsResult;
import dev.veil.sql.StatementDescription;
import dev.veil.sql.StatementResult;
import dev.veil.sql.UpdateCount;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.sql.DatabaseMetaData;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.apache.calcite.avatica.AvaticaConnection;
import org.apache.calcite.avatica.AvaticaParameter;
import org.apache.calcite.avatica.ColumnMetaData;
import org.apache.calcite.avatica.ConnectionPropertiesImpl;
import org.apache.calcite.avatica.MetaImpl;
import org.apache.calcite.avatica.NoSuchStatementException;
import org.apache.calcite.avatica.QueryState;
import org.apache.calcite.avatica.remote.TypedValue;
import org.apache.calcite.jdbc.JavaTypeFactoryImpl;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.rel.type.RelDataTypeField;
import org.apache.calcite.schema.SchemaPlus;
import org.apache.calcite.schema.Table;
import org.apache.calcite.sql.type.SqlTypeName;

/**
 * Veil's implementation of Avatica's {@code Meta}: the JDBC operations (execute, fetch,
 * metadata) over Veil sessions. The same class serves the embedded driver (in-process) and the
 * server (over HTTP). Every failure reaches the client as an exception that carries Veil's
 * error code and SQLSTATE, built by the {@link ErrorMapper} of the mode.
 */
public final class VeilMeta extends MetaImpl {
    /** The JDBC catalog name under which Veil lists its schemas. */
    public static final String CATALOG = "veil";

    private static final int DEFAULT_FRAME_ROWS = 1000;
    /**
     * The prefix of a getTables type that is a request of Veil's thin driver (see
     * {@code wireRequest}); no table type starts with it.
     */
    public static final String WIRE_REQUEST = "veil:";
    /** In a wire request, stands for a null schema (any schema). */
    public static final String WIRE_ANY = "veil:any";

    static final String TABLE = "TABLE";

    /** The JDBC table type of stored views. */
    static final String VIEW = "VIEW";

    static final String SYSTEM_TABLE = "SYSTEM TABLE";

    /** The most estimated bytes of rows one frame holds (at least one row). */
    static final long MAX_FRAME_BYTES = 8L << 20;

    private final SessionOpener opener;
    private final ErrorMapper errors;
    private final Map<String, Session> sessions = new ConcurrentHashMap<>();
    private final OpenStatements<StatementState> statements = new OpenStatements<>();
    private final Map<String, ConnectionPropertiesImpl> connectionProperties = new ConcurrentHashMap<>();
    private final AtomicInteger nextStatementId = new AtomicInteger();
    private final RelDataTypeFactory typeFactory = new JavaTypeFactoryImpl(VeilTypeSystem.INSTANCE);

    /** Turns a Veil error into the exception type the transport reports to JDBC clients. */
    @FunctionalInterface
    public interface ErrorMapper extends Function<VeilException, RuntimeException> {}

    public VeilMeta(AvaticaConnection connection, SessionOpener opener, ErrorMapper errors) {
        super(connection);
        this.opener = requireNonNull(opener, "opener is null");
        this.errors = requireNonNull(errors, "errors is null");
    }

    /** One open statement: its cancel flag and its open result, if any. */
    private static final class StatementState {
        final String connectionId;
        final AtomicBoolean cancelFlag;
        RowsResult result;
        long delivered;
        long maxRows;
        String sql;
        /** The statement text of a prepared statement; null for plain statements. */
        String preparedSql;
        /** The types of the prepared statement's parameters ({@code ?}). */
        List<RelDataType> parameterTypes = List.of();

        StatementState(String connectionId, AtomicBoolean cancelFlag) {
            this.connectionId = connectionId;
            this.cancelFlag = cancelFlag;
        }

        synchronized void closeResult() {
            if (result != null) {
                result.close();
                result = null;
            }
        }
    }

    // ----- connections and statements

    @Override
    public void openConnection(ConnectionHandle ch, Map<String, String> info) {
        sessions.computeIfAbsent(ch.id, id -> wrap(() -> opener.open(id, info == null ? Map.of() : info)));
    }

    /**
     * Stops every running statement of connection {@code connectionId}, because its client
     * disconnected or the connection expired: they fail with QUERY_CANCELLED and say why.
     */
    public void cancelConnection(String connectionId) {
        Session session = sessions.get(connectionId);
        for (StatementState s : statements.of(connectionId)) {
            if (session != null) {
                RunningStatements.of(session.engine().warehouse())
                        .stop(s.cancelFlag, StatementControl.Stop.CLIENT_GONE);
            }
            s.cancelFlag.set(true);
        }
    }

    @Override
    public void closeConnection(ConnectionHandle ch) {
        cancelConnection(ch.id);
        sessions.remove(ch.id);
        connectionProperties.remove(ch.id);
        for (StatementState s : statements.removeConnection(ch.id)) {
            s.cancelFlag.set(true);
            s.closeResult();
        }
    }

    @Override
    public StatementHandle createStatement(ConnectionHandle ch) {
        session(ch.id);
        int id = serverStatementId();
        StatementHandle h = new StatementHandle(ch.id, id, null);
        wrap(() -> statements.getOrAdd(ch.id, id, () -> new StatementState(ch.id, cancelFlagFor(h))));
        return h;
    }

    /**
     * Whether statement id {@code id} is one a client names itself: a negative id. The server's
     * own ids (from {@link #createStatement}, {@link #prepare} and metadata requests) are positive,
     * so the two never meet. A client that names a new statement in the first request that executes
     * it ({@link #prepareAndExecute}, {@link #prepareAndExecuteBatch}) spares the request that would
     * create it; the statement belongs to that request's connection, and counts towards its limit
     * of open statements ({@link OpenStatements}).
     */
    public static boolean clientNamed(int id) {
        return id < 0;
    }

    /**
     * The statement a request executes SQL text on: an open statement of the handle's connection,
     * or a new one if the handle names one the client named itself ({@link #clientNamed}) and the
     * connection does not hold it yet.
     */
    private StatementState statementToExecute(StatementHandle h) throws NoSuchStatementException {
        if (!clientNamed(h.id)) {
            return statement(h);
        }
        session(h.connectionId);
        return wrap(() ->
                statements.getOrAdd(h.connectionId, h.id, () -> new StatementState(h.connectionId, cancelFlagFor(h))));
    }

    /** A new id of the server's own: positive, counting up, and from 1 again after the largest int. */
    private int serverStatementId() {
        return nextStatementId.updateAndGet(i -> i == Integer.MAX_VALUE ? 1 : i + 1);
    }

    private AtomicBoolean cancelFlagFor(StatementHandle h) {
        if (connection != null) {
            try {
                return connection.getCancelFlag(h);
            } catch (NoSuchStatementException e) {
                return new AtomicBoolean();
            }
        }
        return new AtomicBoolean();
    }

    @Override
    public void closeStatement(StatementHandle h) {
        StatementState state = statements.get(h.connectionId, h.id);
        if (state != null && statements.remove(h.connectionId, h.id, state)) {
            state.cancelFlag.set(true);
            state.closeResult();
        }
    }

    /**
     * Cancels a running statement of connection {@code connectionId}. Returns false, doing
     * nothing, if that connection has no such statement.
     */
    public boolean cancel(String connectionId, int statementId) {
        StatementState state = statements.get(connectionId, statementId);
        if (state == null) {
            return false;
        }
        state.cancelFlag.set(true);
        return true;
    }

    /** How many connections have an open session (for the server's resource accounting). */
    public int openSessions() {
        return sessions.size();
    }

    /** How many statements are open, over all connections. */
    public int openStatements() {
        return statements.size();
    }

    private Session session(String connectionId) {
        Session session = sessions.get(connectionId);
        if (session == null) {
            openConnection(new ConnectionHandle(connectionId), Map.of());
            session = sessions.get(connectionId);
        }
        return session;
    }

    private StatementState statement(StatementHandle h) throws NoSuchStatementException {
        // A statement id names a statement of its connection only.
        StatementState state = statements.get(h.connectionId, h.id);
        if (state == null) {
            throw new NoSuchStatementException(h);
        }
        return state;
    }

    // ----- execution

    @Override
    public StatementHandle prepare(ConnectionHandle ch, String sql, long maxRowCount) {
        // BI tools and JayDeBeApi prepare every query: the statement is described now (its result
        // columns and its parameters' types, for getMetaData and getParameterMetaData) and run at execute.
        Session session = session(ch.id);
        requireNonNull(sql, "sql is null");
        int id = serverStatementId();
        StatementState state = new StatementState(ch.id, cancelFlagFor(new StatementHandle(ch.id, id, null)));
        StatementDescription description;
        try (CpuScheduler.Scope scope = CpuScheduler.scope()) {
            description = wrap(() -> session.describe(sql, state.cancelFlag));
        }
        state.preparedSql = sql;
        state.parameterTypes = description.parameters();
        wrap(() -> statements.getOrAdd(ch.id, id, () -> state));
        List<AvaticaParameter> parameters = new ArrayList<>();
        for (int i = 0; i < description.parameters().size(); i++) {
            parameters.add(
                    ResultColumns.parameter(i + 1, description.parameters().get(i)));
        }
        Signature signature = new Signature(
                ResultColumns.metaData(description.columns()),
                sql,
                parameters,
                Collections.emptyMap(),
                CursorFactory.ARRAY,
                StatementType.SELECT);
        return new StatementHandle(ch.id, id, signature);
    }

    @SuppressWarnings("deprecation")
    @Override
    public ExecuteResult prepareAndExecute(StatementHandle h, String sql, long maxRowCount, PrepareCallback callback)
            throws NoSuchStatementException {
        return prepareAndExecute(h, sql, maxRowCount, DEFAULT_FRAME_ROWS, callback);
    }

    @Override
    public ExecuteResult prepareAndExecute(
            StatementHandle h, String sql, long maxRowCount, int maxRowsInFirstFrame, PrepareCallback callback)
            throws NoSuchStatementException {
        // The statement keeps the run slot it takes from planning through its first frame (one wait, not two).
        try (CpuScheduler.Scope scope = CpuScheduler.scope()) {
            return prepareAndExecuteScoped(h, sql, maxRowCount, maxRowsInFirstFrame, callback);
        }
    }

    private ExecuteResult prepareAndExecuteScoped(
            StatementHandle h, String sql, long maxRowCount, int maxRowsInFirstFrame, PrepareCallback callback)
            throws NoSuchStatementException {
        StatementState state = statementToExecute(h);
        StatementResult result = run(h, state, sql);
        // The first frame is computed before taking the callback's monitor: Avatica's LocalService
        // hands every request the same one (LocalService.class), so rows computed inside it would
        // run one statement at a time in the whole server, and a thread waiting for it would hold
        // its CPU slot without reaching a cancel check.
        MetaResultSet resultSet = result instanceof UpdateCount count
                ? MetaResultSet.count(h.connectionId, h.id, count.rows())
                : rows(h, state, (RowsResult) result, sql, maxRowCount, maxRowsInFirstFrame);
        try {
            synchronized (callback.getMonitor()) {
                callback.clear();
                if (result instanceof UpdateCount count) {
                    Signature signature = signature(List.of(), sql, StatementType.OTHER_DDL);
                    callback.assign(signature, null, count.rows());
                } else {
                    callback.assign(resultSet.signature, resultSet.firstFrame, -1);
                }
            }
            callback.execute();
        } catch (java.sql.SQLException e) {
            throw errors.apply(new VeilException(ErrorCode.INTERNAL_ERROR, "Could not deliver the result", e));
        }
        return new ExecuteResult(List.of(resultSet));
    }

    private Signature signature(List<ResultColumn> columns, String sql, StatementType type) {
        return signature(columns, sql, type, List.of());
    }

    /**
     * The signature of a result; its notices ride in the internal parameters under
     * {@link #NOTICES}, which the embedded driver turns into warnings on the result set (Avatica's
     * wire protocol does not carry them to the thin driver).
     */
    private Signature signature(List<ResultColumn> columns, String sql, StatementType type, List<String> notices) {
        List<ColumnMetaData> metaData = ResultColumns.metaData(columns);
        return new Signature(
                metaData,
                sql,
                Collections.<AvaticaParameter>emptyList(),
                notices.isEmpty() ? Collections.emptyMap() : Map.of(NOTICES, List.copyOf(notices)),
                CursorFactory.ARRAY,
                type);
    }

    /** The internal parameter of a signature that holds its result's notices (a list of strings). */
    static final String NOTICES = "veil.notices";

    @Override
    public Frame fetch(StatementHandle h, long offset, int fetchMaxRowCount) throws NoSuchStatementException {
        StatementState state = statement(h);
        try (CpuScheduler.Scope scope = CpuScheduler.scope()) {
            return nextFrame(state, offset, fetchMaxRowCount);
        }
    }

    /** The next rows of the statement's open result, starting at {@code offset}. */
    private Frame nextFrame(StatementState state, long offset, int maxRows) {
        synchronized (state) {
            if (state.result == null) {
                return Frame.EMPTY;
            }
            if (offset != state.delivered) {
                throw errors.apply(new VeilException(
                        ErrorCode.NOT_SUPPORTED,
                        "Results can only be read forward (asked for row " + offset + ", next is " + state.delivered
                                + ")"));
            }
            int limit = maxRows <= 0 ? DEFAULT_FRAME_ROWS : maxRows;
            List<Object> rows = new ArrayList<>(Math.min(limit, 4096));
            boolean done = false;
            long bytes = 0;
            try {
                // A frame ends at its row count or, before that, at MAX_FRAME_BYTES of estimated
                // size: the client then fetches the rest, and the server never buffers more per request.
                while (rows.size() < limit && bytes < MAX_FRAME_BYTES) {
                    if (state.maxRows > 0 && state.delivered + rows.size() >= state.maxRows) {
                        done = true;
                        break;
                    }
                    if (!state.result.rows().moveNext()) {
                        done = true;
                        break;
                    }
                    Object[] row = state.result.rows().current();
                    rows.add(row);
                    bytes += dev.veil.exec.runtime.RowSizes.row(row);
                }
            } catch (VeilException e) {
                state.closeResult();
                throw errors.apply(e);
            } catch (RuntimeException | OutOfMemoryError e) {
                rows = null;
                state.closeResult();
                throw errors.apply(dev.veil.exec.runtime.ExecutionErrors.translate(e));
            }
            Frame frame = new Frame(offset, done, rows);
            state.delivered += rows.size();
            if (done) {
                state.closeResult();
            }
            return frame;
        }
    }

    @SuppressWarnings("deprecation")
    @Override
    public ExecuteResult execute(StatementHandle h, List<TypedValue> parameterValues, long maxRowCount)
            throws NoSuchStatementException {
        return execute(h, parameterValues, DEFAULT_FRAME_ROWS);
    }

    @Override
    public ExecuteResult execute(StatementHandle h, List<TypedValue> parameterValues, int maxRowsInFirstFrame)
            throws NoSuchStatementException {
        try (CpuScheduler.Scope scope = CpuScheduler.scope()) {
            return executeScoped(h, parameterValues, maxRowsInFirstFrame);
        }
    }

    private ExecuteResult executeScoped(StatementHandle h, List<TypedValue> parameterValues, int maxRowsInFirstFrame)
            throws NoSuchStatementException {
        StatementState state = statement(h);
        if (state.preparedSql == null) {
            throw errors.apply(new VeilException(ErrorCode.INVALID_STATEMENT, "The statement was not prepared"));
        }
        List<TypedValue> values = parameterValues == null ? List.of() : parameterValues;
        String sql = state.parameterTypes.isEmpty() && values.isEmpty()
                ? state.preparedSql
                : wrap(() -> QueryParameters.bind(state.preparedSql, state.parameterTypes, ParameterValues.of(values)));
        StatementResult result = run(h, state, sql);
        if (result instanceof UpdateCount count) {
            return new ExecuteResult(List.of(MetaResultSet.count(h.connectionId, h.id, count.rows())));
        }
        return new ExecuteResult(List.of(rows(h, state, (RowsResult) result, sql, 0, maxRowsInFirstFrame)));
    }

    /** Runs {@code sql} on the statement's session, after closing its previous result and clearing its cancel flag. */
    private StatementResult run(StatementHandle h, StatementState state, String sql) {
        Session session = session(h.connectionId);
        state.closeResult();
        state.cancelFlag.set(false);
        return wrap(() -> session.execute(sql, state.cancelFlag));
    }

    /** Makes {@code rows} the statement's open result and returns it with its first frame. */
    private MetaResultSet rows(
            StatementHandle h,
            StatementState state,
            RowsResult rows,
            String sql,
            long maxRows,
            int maxRowsInFirstFrame) {
        synchronized (state) {
            state.result = rows;
            state.delivered = 0;
            state.maxRows = maxRows;
            state.sql = sql;
        }
        Signature signature = signature(rows.columns(), sql, StatementType.SELECT, rows.notices());
        Frame first = nextFrame(state, 0, maxRowsInFirstFrame);
        return MetaResultSet.create(h.connectionId, h.id, false, signature, first);
    }

    @Override
    public ExecuteBatchResult prepareAndExecuteBatch(StatementHandle h, List<String> sqlCommands)
            throws NoSuchStatementException {
        StatementState state = statementToExecute(h);
        Session session = session(h.connectionId);
        long[] counts = new long[sqlCommands.size()];
        for (int i = 0; i < counts.length; i++) {
            String sql = sqlCommands.get(i);
            StatementResult result = wrap(() -> session.execute(sql, state.cancelFlag));
            if (result instanceof RowsResult rows) {
                rows.close();
                throw errors.apply(new VeilException(
                        ErrorCode.INVALID_STATEMENT,
                        "A batch may not contain queries; statement " + (i + 1) + " returns rows"));
            }
            counts[i] = ((UpdateCount) result).rows();
        }
        return new ExecuteBatchResult(counts);
    }

    @Override
    public ExecuteBatchResult executeBatch(StatementHandle h, List<List<TypedValue>> parameterValues) {
        throw errors.apply(new VeilException(
                ErrorCode.NOT_SUPPORTED,
                "Batches of parameter values are not supported; execute the statement once per set of values"));
    }

    @Override
    public boolean syncResults(StatementHandle sh, QueryState state, long offset) {
        return false;
    }

    @Override
    public void commit(ConnectionHandle ch) {
        // Every statement commits on its own.
    }

    @Override
    public void rollback(ConnectionHandle ch) {
        // Nothing is ever pending.
    }

    @Override
    public Map<DatabaseProperty, Object> getDatabaseProperties(ConnectionHandle ch) {
        return Map.of(
                DatabaseProperty.GET_DRIVER_NAME, "Veil",
                DatabaseProperty.GET_DRIVER_VERSION, Version.VERSION,
                DatabaseProperty.GET_DATABASE_PRODUCT_VERSION, Version.VERSION,
                DatabaseProperty.GET_DEFAULT_TRANSACTION_ISOLATION, java.sql.Connection.TRANSACTION_NONE);
    }

    private <T> T wrap(java.util.function.Supplier<T> action) {
        try {
            return action.get();
        } catch (VeilException e) {
            throw errors.apply(e);
        }
    }

    // ----- metadata, from the session's view of the catalog

    @Override
    public MetaResultSet getCatalogs(ConnectionHandle ch) {
        return rows(ch, MetaCatalog.class, List.of(new MetaCatalog(CATALOG)));
    }

    @Override
    public MetaResultSet getSchemas(ConnectionHandle ch, String catalog, Pat schemaPattern) {
        Catalog cat = session(ch.id).engine().warehouse().catalog();
        List<MetaSchema> list = new ArrayList<>();
        if (catalogMatches(catalog)) {
            for (String schema : schemaNames(cat)) {
                if (matches(schemaPattern, schema)) {
                    list.add(new MetaSchema(CATALOG, schema));
                }
            }
        }
        return rows(ch, MetaSchema.class, list);
    }

    /** The catalog's schemas and the system schema, sorted. */
    private static List<String> schemaNames(Catalog cat) {
        java.util.TreeSet<String> names = new java.util.TreeSet<>(cat.schemas());
        names.add(SystemSchema.NAME);
        return List.copyOf(names);
    }

    @Override
    public MetaResultSet getTableTypes(ConnectionHandle ch) {
        return rows(
                ch,
                MetaTableType.class,
                List.of(new MetaTableType(SYSTEM_TABLE), new MetaTableType(TABLE), new MetaTableType(VIEW)));
    }

    @Override
    public MetaResultSet getTables(
            ConnectionHandle ch, String catalog, Pat schemaPattern, Pat tableNamePattern, List<String> typeList) {
        if (typeList != null && !typeList.isEmpty() && typeList.get(0).startsWith(WIRE_REQUEST)) {
            return wireRequest(ch, catalog, schemaPattern, tableNamePattern, typeList);
        }
        List<TableRow> list = new ArrayList<>();
        if (catalogMatches(catalog)) {
            MetaView view = view(ch);
            if (typeList == null || typeList.contains(SYSTEM_TABLE)) {
                for (String name : systemTables(view, schemaPattern, tableNamePattern)) {
                    list.add(new TableRow(SystemSchema.NAME, name, SYSTEM_TABLE, SystemSchema.description(name)));
                }
            }
            if (typeList == null || typeList.contains(TABLE)) {
                for (TableDef table : tables(ch, schemaPattern, tableNamePattern)) {
                    list.add(new TableRow(
                            table.name().schema(),
                            table.name().table(),
                            TABLE,
                            view.remarks(table.name()).table().orElse(null)));
                }
            }
            if (typeList == null || typeList.contains(VIEW)) {
                for (ViewDef stored : views(ch, schemaPattern, tableNamePattern)) {
                    list.add(new TableRow(
                            stored.name().schema(),
                            stored.name().table(),
                            VIEW,
                            "A view: the policies of its base tables apply to you through it"));
                }
                list.sort(java.util.Comparator.comparing((TableRow r) -> r.tableType)
                        .thenComparing(r -> r.tableSchem)
                        .thenComparing(r -> r.tableName));
            }
        }
        return rows(ch, TableRow.class, list);
    }

    /**
     * Answers a request of Veil's thin driver for what Avatica's remote protocol does not carry
     * (it has getTables, getColumns and a few more, but no keys, functions nor a session schema the
     * server can change): the request's name is the first entry of getTables' type list, followed
     * by its arguments. The answer is the result set the embedded driver gets from the same method,
     * computed by the same code for the same user.
     */
    private MetaResultSet wireRequest(
            ConnectionHandle ch, String catalog, Pat schemaPattern, Pat tableNamePattern, List<String> request) {
        String schema = schemaPattern == null ? null : schemaPattern.s;
        String table = tableNamePattern == null ? null : tableNamePattern.s;
        String name = request.get(0).substring(WIRE_REQUEST.length());
        return switch (name) {
            case "primary_keys" -> getPrimaryKeys(ch, catalog, schema, table);
            case "imported_keys" -> getImportedKeys(ch, catalog, schema, table);
            case "exported_keys" -> getExportedKeys(ch, catalog, schema, table);
            case "cross_reference" -> {
                if (request.size() != 5) {
                    throw errors.apply(new VeilException(ErrorCode.INVALID_STATEMENT, "Malformed metadata request"));
                }
                yield getCrossReference(
                        ch,
                        catalog,
                        wireName(request.get(1)),
                        request.get(2),
                        catalog,
                        wireName(request.get(3)),
                        request.get(4));
            }
            case "functions" -> getFunctions(ch, catalog, schemaPattern, tableNamePattern);
            case "schema" -> {
                if (request.size() == 2) {
                    Session session = session(ch.id);
                    wrap(() -> {
                        session.useSchema(request.get(1));
                        return null;
                    });
                }
                yield rows(
                        ch,
                        MetaSchema.class,
                        List.of(new MetaSchema(CATALOG, session(ch.id).schema())));
            }
            default ->
                throw errors.apply(
                        new VeilException(ErrorCode.NOT_SUPPORTED, "Unknown metadata request '" + name + "'"));
        };
    }

    /** A schema name of a wire request: {@link #WIRE_ANY} stands for null (any schema). */
    private static String wireName(String name) {
        return WIRE_ANY.equals(name) ? null : name;
    }

    /** The system tables the caller may read that match the patterns (admin-only ones for admins only). */
    private static List<String> systemTables(MetaView view, Pat schemaPattern, Pat tablePattern) {
        List<String> names = new ArrayList<>();
        if (matches(schemaPattern, SystemSchema.NAME)) {
            for (String name : SystemSchema.tableNames()) {
                if (SystemSchema.readable(name, view.principal().isAdmin()) && matches(tablePattern, name)) {
                    names.add(name);
                }
            }
        }
        return names;
    }

    @Override
    public MetaResultSet getColumns(
            ConnectionHandle ch, String catalog, Pat schemaPattern, Pat tableNamePattern, Pat columnNamePattern) {
        List<ColumnRow> list = new ArrayList<>();
        if (catalogMatches(catalog)) {
            MetaView view = view(ch);
            for (String name : systemTables(view, schemaPattern, tableNamePattern)) {
                int ordinal = 0;
                for (RelDataTypeField field :
                        SystemSchema.rowType(name, typeFactory).getFieldList()) {
                    ordinal++;
                    if (matches(columnNamePattern, field.getName())) {
                        list.add(column(SystemSchema.NAME, name, field.getName(), field.getType(), ordinal, null));
                    }
                }
            }
            for (TableDef table : tables(ch, schemaPattern, tableNamePattern)) {
                int ordinal = 0;
                PolicyRemarks remarks = view.remarks(table.name());
                // The columns as this user sees them: hidden ones absent, masked ones typed as their mask's result.
                for (Column column : ArrowTableView.visibleColumns(table, view.access(table.name()))) {
                    ordinal++;
                    if (!matches(columnNamePattern, column.name())) {
                        continue;
                    }
                    RelDataType type = VeilTypes.toRelType(typeFactory, column.type(), column.nullable());
                    list.add(column(
                            table.name().schema(),
                            table.name().table(),
                            column.name(),
                            type,
                            ordinal,
                            remarks.column(column.name()).orElse(null)));
                }
            }
            List<ViewDef> views = views(ch, schemaPattern, tableNamePattern);
            if (!views.isEmpty()) {
                Session session = session(ch.id);
                PlannerContext planner = new PlannerContext(
                        session.engine().warehouse(),
                        view.principal(),
                        session.engine().policies());
                for (ViewDef stored : views) {
                    // The view's columns as this user sees them: its query typed as them (none if they cannot read it).
                    int ordinal = 0;
                    for (RelDataTypeField field : viewColumns(planner, stored)) {
                        ordinal++;
                        if (matches(columnNamePattern, field.getName())) {
                            list.add(column(
                                    stored.name().schema(),
                                    stored.name().table(),
                                    field.getName(),
                                    field.getType(),
                                    ordinal,
                                    "VIEW: the policies of the base tables apply"));
                        }
                    }
                }
            }
        }
        return rows(ch, ColumnRow.class, list);
    }

    private static ColumnRow column(
            String schema, String table, String name, RelDataType type, int ordinal, String remarks) {
        SqlTypeName typeName = type.getSqlTypeName();
        Integer size = ResultColumns.columnSize(type);
        return new ColumnRow(
                schema,
                table,
                name,
                ResultColumns.jdbcType(typeName),
                ResultColumns.typeName(typeName),
                size,
                ResultColumns.decimalDigits(type),
                ResultColumns.radix(typeName),
                type.isNullable() ? DatabaseMetaData.columnNullable : DatabaseMetaData.columnNoNulls,
                remarks,
                typeName == SqlTypeName.VARCHAR || typeName == SqlTypeName.CHAR ? size : null,
                ordinal,
                type.isNullable() ? "YES" : "NO");
    }

    /** Empty: Veil's catalog declares no primary keys (a privacy unit's parent key is not checked to be unique). */
    @Override
    public MetaResultSet getPrimaryKeys(ConnectionHandle ch, String catalog, String schema, String table) {
        return rows(ch, MetaPrimaryKey.class, List.of());
    }

    @Override
    public MetaResultSet getImportedKeys(ConnectionHandle ch, String catalog, String schema, String table) {
        List<KeyRow> keys = new ArrayList<>();
        for (KeyRow key : keys(ch, catalog)) {
            if ((schema == null || schema.equals(key.fktableSchem)) && key.fktableName.equals(table)) {
                keys.add(key);
            }
        }
        keys.sort(java.util.Comparator.comparing((KeyRow k) -> k.pktableSchem).thenComparing(k -> k.pktableName));
        return rows(ch, KeyRow.class, keys);
    }

    @Override
    public MetaResultSet getExportedKeys(ConnectionHandle ch, String catalog, String schema, String table) {
        List<KeyRow> keys = new ArrayList<>();
        for (KeyRow key : keys(ch, catalog)) {
            if ((schema == null || schema.equals(key.pktableSchem)) && key.pktableName.equals(table)) {
                keys.add(key);
            }
        }
        keys.sort(java.util.Comparator.comparing((KeyRow k) -> k.fktableSchem).thenComparing(k -> k.fktableName));
        return rows(ch, KeyRow.class, keys);
    }

    @Override
    public MetaResultSet getCrossReference(
            ConnectionHandle ch,
            String parentCatalog,
            String parentSchema,
            String parentTable,
            String foreignCatalog,
            String foreignSchema,
            String foreignTable) {
        List<KeyRow> keys = new ArrayList<>();
        if (catalogMatches(parentCatalog)) {
            for (KeyRow key : keys(ch, foreignCatalog)) {
                if ((parentSchema == null || parentSchema.equals(key.pktableSchem))
                        && key.pktableName.equals(parentTable)
                        && (foreignSchema == null || foreignSchema.equals(key.fktableSchem))
                        && key.fktableName.equals(foreignTable)) {
                    keys.add(key);
                }
            }
        }
        return rows(ch, KeyRow.class, keys);
    }

    /**
     * The foreign keys the caller may see: every privacy unit path ({@code SET PRIVACY UNIT VIA
     * (fk) REFERENCES p (key)}), a policy every user sees in {@code veil.policies}, unless one of
     * its columns is HIDDEN for the caller or one of its tables is another user's that the caller
     * may not see. Veil has no declared primary keys
     * ({@link #getPrimaryKeys} is empty), so PK_NAME is null.
     */
    private List<KeyRow> keys(ConnectionHandle ch, String catalog) {
        List<KeyRow> keys = new ArrayList<>();
        if (!catalogMatches(catalog)) {
            return keys;
        }
        MetaView view = view(ch);
        Session session = session(ch.id);
        ObjectAccess objects = new ObjectAccess(
                session.engine().warehouse().sqliteCatalog(), session.engine().principal(session.user()));
        for (TablePolicies policies : view.stored().values()) {
            if (policies.unit().isEmpty() || policies.unit().get().via().isEmpty()) {
                continue;
            }
            UnitPolicy unit = policies.unit().get();
            ColumnRef parent = unit.via().get();
            if (!objects.canSee(unit.table()) || !objects.canSee(parent.table())) {
                continue;
            }
            if (view.hidden(unit.table(), unit.column()) || view.hidden(parent.table(), parent.column())) {
                continue;
            }
            keys.add(new KeyRow(
                    parent.table().schema(),
                    parent.table().table(),
                    parent.column(),
                    unit.table().schema(),
                    unit.table().table(),
                    unit.column(),
                    unit.table().table() + "_privacy_unit"));
        }
        return keys;
    }

    @Override
    public MetaResultSet getFunctions(ConnectionHandle ch, String catalog, Pat schemaPattern, Pat functionNamePattern) {
        List<FunctionRow> list = new ArrayList<>();
        if (catalogMatches(catalog) && (schemaPattern == null || schemaPattern.s == null)) {
            for (Map.Entry<String, String> f : Functions.ALL.entrySet()) {
                if (matches(functionNamePattern, f.getKey())) {
                    list.add(new FunctionRow(f.getKey(), f.getValue()));
                }
            }
        }
        return rows(ch, FunctionRow.class, list);
    }

    @Override
    public MetaResultSet getTypeInfo(ConnectionHandle ch) {
        List<TypeInfoRow> list = new ArrayList<>();
        for (TypeInfoRow row : TypeInfoRow.ALL) {
            list.add(row);
        }
        list.sort(java.util.Comparator.comparingInt(r -> r.dataType));
        return rows(ch, TypeInfoRow.class, list);
    }

    /**
     * The connection's properties. The catalog is always {@value #CATALOG}, the schema the
     * session's, reported only: a client's schema is ignored here, since Avatica's remote client
     * echoes the last answer it got with every later change (an autocommit change would set back a
     * schema that {@code SET SCHEMA} changed since). Both drivers set the schema through
     * {@link #useSchema} (the thin one as a wire request).
     */
    @Override
    public ConnectionProperties connectionSync(ConnectionHandle ch, ConnectionProperties connProps) {
        Session session = session(ch.id);
        ConnectionPropertiesImpl props = connectionProperties.computeIfAbsent(
                ch.id,
                id -> new ConnectionPropertiesImpl(true, false, java.sql.Connection.TRANSACTION_NONE, null, null));
        synchronized (props) {
            if (connProps != null) {
                props.merge(connProps);
            }
            props.setCatalog(CATALOG);
            props.setSchema(session.schema());
            props.setDirty(false);
            return new ConnectionPropertiesImpl(
                    props.isAutoCommit(),
                    props.isReadOnly(),
                    props.getTransactionIsolation(),
                    props.getCatalog(),
                    props.getSchema());
        }
    }

    /** The schema of the connection's session, in which unqualified table names resolve. */
    public String schema(ConnectionHandle ch) {
        return session(ch.id).schema();
    }

    /** Makes {@code schema} the connection's session's schema; UNKNOWN_SCHEMA if it does not exist. */
    public void useSchema(ConnectionHandle ch, String schema) {
        Session session = session(ch.id);
        wrap(() -> {
            session.useSchema(schema);
            return null;
        });
    }

    /** What the caller of a metadata request may see: their principal, and each table's access and policies. */
    private MetaView view(ConnectionHandle ch) {
        Session session = session(ch.id);
        return new MetaView(session.engine(), session.engine().principal(session.user()));
    }

    /** The caller's view of the catalog for one metadata request. */
    private static final class MetaView {
        private final Engine engine;
        private final Principal principal;
        private final Map<dev.veil.catalog.TableName, TableAccess> access = new java.util.HashMap<>();
        private Map<dev.veil.catalog.TableName, TablePolicies> stored;

        MetaView(Engine engine, Principal principal) {
            this.engine = engine;
            this.principal = principal;
        }

        Principal principal() {
            return principal;
        }

        TableAccess access(dev.veil.catalog.TableName table) {
            return access.computeIfAbsent(table, t -> engine.policies().access(t, principal));
        }

        Map<dev.veil.catalog.TableName, TablePolicies> stored() {
            if (stored == null) {
                stored = new java.util.TreeMap<>(java.util.Comparator.comparing(Object::toString));
                var sqlite = engine.warehouse().sqliteCatalog();
                for (TablePolicies p : sqlite.read(c -> new SqlitePolicyStore(sqlite).all())) {
                    stored.put(p.table(), p);
                }
            }
            return stored;
        }

        PolicyRemarks remarks(dev.veil.catalog.TableName table) {
            TablePolicies policies = stored().getOrDefault(table, TablePolicies.none(table));
            return PolicyRemarks.of(policies, access(table), principal);
        }

        boolean hidden(dev.veil.catalog.TableName table, String column) {
            return access(table).column(column).columnClass() == ColumnClass.HIDDEN;
        }
    }

    /** The tables the session's user may see (see {@link ObjectAccess}) whose names match. */
    private List<TableDef> tables(ConnectionHandle ch, Pat schemaPattern, Pat tablePattern) {
        Session session = session(ch.id);
        Catalog cat = session.engine().warehouse().catalog();
        ObjectAccess objects = new ObjectAccess(
                session.engine().warehouse().sqliteCatalog(), session.engine().principal(session.user()));
        List<TableDef> list = new ArrayList<>();
        for (String schema : cat.schemas()) {
            if (!matches(schemaPattern, schema) || schema.equals(SystemSchema.NAME)) {
                continue;
            }
            for (TableDef table : cat.tables(schema)) {
                if (matches(tablePattern, table.name().table()) && objects.canSee(table.name())) {
                    list.add(table);
                }
            }
        }
        return list;
    }

    private static List<RelDataTypeField> viewColumns(PlannerContext planner, ViewDef stored) {
        SchemaPlus schema = planner.rootSchema().subSchemas().get(stored.name().schema());
        Table table = schema == null ? null : schema.tables().get(stored.name().table());
        if (!(table instanceof StoredView storedView)) {
            return List.of();
        }
        try {
            return storedView.getRowType(planner.typeFactory()).getFieldList();
        } catch (VeilException e) {
            return List.of();
        }
    }

    /** The stored views the session's user may see (see {@link ObjectAccess}) whose names match. */
    private List<ViewDef> views(ConnectionHandle ch, Pat schemaPattern, Pat tablePattern) {
        Session session = session(ch.id);
        Catalog cat = session.engine().warehouse().catalog();
        ObjectAccess objects = new ObjectAccess(
                session.engine().warehouse().sqliteCatalog(), session.engine().principal(session.user()));
        Views views = new Views(session.engine().warehouse().sqliteCatalog());
        List<ViewDef> list = new ArrayList<>();
        for (String schema : cat.schemas()) {
            if (!matches(schemaPattern, schema) || schema.equals(SystemSchema.NAME)) {
                continue;
            }
            for (ViewDef stored : views.views(schema)) {
                if (matches(tablePattern, stored.name().table()) && objects.canSee(stored.name())) {
                    list.add(stored);
                }
            }
        }
        return list;
    }

    private static boolean catalogMatches(String catalog) {
        return catalog == null || catalog.isEmpty() || catalog.equals(CATALOG);
    }

    /** Whether {@code name} matches a JDBC LIKE pattern ({@code %}, {@code _}, backslash escapes), in linear time. */
    static boolean matches(Pat pattern, String name) {
        if (pattern == null || pattern.s == null) {
            return true;
        }
        return NamePattern.of(pattern.s).matches(name);
    }

    /** A finished result set of metadata objects, one row per object, columns from its public fields. */
    private MetaResultSet rows(ConnectionHandle ch, Class<?> clazz, List<?> items) {
        List<Field> fields = new ArrayList<>();
        for (Field f : clazz.getFields()) {
            if (!Modifier.isStatic(f.getModifiers())) {
                fields.add(f);
            }
        }
        List<Object> rows = new ArrayList<>(items.size());
        for (Object item : items) {
            Object[] row = new Object[fields.size()];
            for (int i = 0; i < row.length; i++) {
                try {
                    row[i] = fields.get(i).get(item);
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                }
            }
            rows.add(row);
        }
        List<ColumnMetaData> columns = fieldMetaData(clazz).columns;
        Signature signature =
                new Signature(columns, "", List.of(), Map.of(), CursorFactory.ARRAY, StatementType.SELECT);
        int statementId = serverStatementId();
        return MetaResultSet.create(ch.id, statementId, true, signature, new Frame(0, true, rows));
    }
}
