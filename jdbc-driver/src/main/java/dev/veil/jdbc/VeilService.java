package dev.veil.jdbc;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import org.apache.calcite.avatica.AvaticaConnection;
import org.apache.calcite.avatica.AvaticaUtils;
import org.apache.calcite.avatica.ConnectionConfig;
import org.apache.calcite.avatica.remote.AvaticaHttpClient;
import org.apache.calcite.avatica.remote.ProtobufTranslation;
import org.apache.calcite.avatica.remote.ProtobufTranslationImpl;
import org.apache.calcite.avatica.remote.RemoteProtobufService;
import org.apache.calcite.avatica.remote.Service;

/**
 * Avatica's protobuf service over the driver's {@link VeilHttpClient}, asking the server for
 * result rows in {@link CompactFrames} and decoding them when it sends them. Made for each
 * connection by its {@link Factory} (Avatica's {@code factory} connection property).
 */
final class VeilService extends RemoteProtobufService {
    private final AvaticaConnection connection;
    private final VeilHttpClient client;
    private final ProtobufTranslation translation;

    VeilService(AvaticaConnection connection, VeilHttpClient client, ProtobufTranslation translation) {
        super(client, translation);
        this.connection = requireNonNull(connection, "connection is null");
        this.client = requireNonNull(client, "client is null");
        this.translation = requireNonNull(translation, "translation is null");
    }

    /** Makes a connection's service, with the HTTP client Avatica's configuration describes. */
    public static final class Factory implements Service.Factory {
        public Factory() {}

        @Override
        public Service create(AvaticaConnection connection) {
            ConnectionConfig config = connection.config();
            URL url;
            try {
                url = new URI(config.url()).toURL();
            } catch (URISyntaxException | java.net.MalformedURLException | IllegalArgumentException e) {
                throw new IllegalArgumentException("Invalid server address " + config.url(), e);
            }
            AvaticaHttpClient http = config.httpClientFactory().getClient(url, config, null);
            if (!(http instanceof VeilHttpClient veil)) {
                throw new IllegalStateException(
                        "Expected Veil's HTTP client, got " + http.getClass().getName());
            }
            return new VeilService(connection, veil, new ProtobufTranslationImpl());
        }
    }

    /** Whether the server takes statements the client names itself ({@link VeilHttpClient#serverTakesNamedStatements}). */
    boolean serverTakesNamedStatements() {
        return client.serverTakesNamedStatements();
    }

    /**
     * Statements whose result the server still holds open (not read to the end): their close is
     * sent at once, as it ends a running query; others are closed with the next request
     * ({@link VeilHttpClient#closeLater}).
     */
    private final java.util.Set<Integer> openResults = java.util.concurrent.ConcurrentHashMap.newKeySet();

    @Override
    public Response _apply(Request request) {
        if (request instanceof CloseStatementRequest close
                && !openResults.remove(close.statementId)
                && client.closeLater(close.statementId)) {
            return new CloseStatementResponse(null);
        }
        Response response = send(withFirstFrameOfFetchSize(request));
        noteOpenResults(request, response);
        return response;
    }

    /**
     * The request, asking for a first frame of as many rows as the statement's fetch size when it
     * executes SQL text without a row limit. Avatica's driver asks for no count then, and the
     * server would send its default of 1,000 rows, leaving a result of a few more rows to a fetch of
     * its own; a prepared statement's execution asks for its fetch size already.
     */
    private Request withFirstFrameOfFetchSize(Request request) {
        if (!(request instanceof PrepareAndExecuteRequest execute)
                || execute.maxRowCount > 0
                || execute.maxRowsInFirstFrame > 0) {
            return request;
        }
        int rows = connection.config().fetchSize();
        java.sql.Statement statement = connection.statementMap.get(execute.statementId);
        if (statement != null) {
            try {
                rows = statement.getFetchSize();
            } catch (java.sql.SQLException e) {
                // Closed meanwhile: the connection's fetch size will do.
            }
        }
        return rows <= 0
                ? request
                : new PrepareAndExecuteRequest(
                        execute.connectionId, execute.statementId, execute.sql, execute.maxRowCount, rows);
    }

    private void noteOpenResults(Request request, Response response) {
        if (response instanceof ExecuteResponse execute && execute.results != null) {
            for (ResultSetResponse r : execute.results) {
                noteOpen(r);
            }
        } else if (response instanceof ResultSetResponse r) {
            noteOpen(r);
        } else if (response instanceof FetchResponse fetch && request instanceof FetchRequest asked) {
            noteOpen(asked.statementId, fetch.frame);
        } else if (request instanceof CloseStatementRequest close) {
            openResults.remove(close.statementId);
        }
    }

    /** A result with rows is open until a frame that is done; an update count is not. */
    private void noteOpen(ResultSetResponse r) {
        if (r.updateCount == -1 && r.signature != null && r.firstFrame == null) {
            openResults.add(r.statementId);
        } else {
            noteOpen(r.statementId, r.firstFrame);
        }
    }

    private void noteOpen(int statementId, org.apache.calcite.avatica.Meta.Frame frame) {
        if (frame != null && !frame.done) {
            openResults.add(statementId);
        } else {
            openResults.remove(statementId);
        }
    }

    private Response send(Request request) {
        VeilHttpClient.Reply reply;
        try {
            reply = client.exchange(translation.serializeRequest(request), true);
        } catch (IOException e) {
            throw new RuntimeException(e);
        }
        Response response;
        try {
            response = translation.parseResponse(reply.bytes());
        } catch (IOException e) {
            throw new RuntimeException(
                    "Cannot read the server's answer: " + AvaticaUtils.newStringUtf8(reply.bytes()), e);
        }
        if (response instanceof ErrorResponse error) {
            throw error.toException();
        }
        return reply.compactFrames() ? CompactFrames.decode(response) : response;
    }
}
