package dev.veil.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veil.catalog.Principals;
import dev.veil.storage.Warehouse;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.calcite.avatica.remote.ProtobufTranslation;
import org.apache.calcite.avatica.remote.ProtobufTranslationImpl;
import org.apache.calcite.avatica.remote.Service;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server's protocol as seen on the wire: raw HTTP requests carrying Avatica protobuf
 * messages, and Avatica's stock remote driver as a client that claims another user.
 */
class ServerProtocolTest {
    private static final String ADMIN_PASSWORD = "admin-secret-1";
    private static final String ANA_PASSWORD = "ana-secret-1";

    @TempDir
    static Path dir;

    private static Path warehouse;
    private static VeilServer server;
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ProtobufTranslation PROTOBUF = new ProtobufTranslationImpl();

    @BeforeAll
    static void start() {
        warehouse = dir.resolve("wh");
        try (Warehouse w = Warehouse.create(warehouse)) {
            w.catalog().createSchema("public", true);
            Principals principals = new Principals(w.sqliteCatalog());
            principals.createUser("admin", ADMIN_PASSWORD, "admin", false);
            principals.createUser("ana", ANA_PASSWORD, null, false);
        }
        server = VeilServer.start(ServerConfig.of(warehouse).withPort(0));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static HttpResponse<byte[]> post(String path, String user, String password, byte[] body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (user != null) {
            String token = Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
            request.header("Authorization", "Basic " + token);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static Service.Response call(String user, String password, Service.Request request) throws Exception {
        HttpResponse<byte[]> response = post("/", user, password, PROTOBUF.serializeRequest(request));
        return PROTOBUF.parseResponse(response.body());
    }

    private static String openConnection(String user, String password) throws Exception {
        String id = UUID.randomUUID().toString();
        Service.Response r = call(user, password, new Service.OpenConnectionRequest(id, Map.of()));
        assertInstanceOf(Service.OpenConnectionResponse.class, r);
        return id;
    }

    @Test
    void requestWithoutCredentialsGetsBasicChallengeAndNothingElse() throws Exception {
        byte[] open = PROTOBUF.serializeRequest(
                new Service.OpenConnectionRequest(UUID.randomUUID().toString(), Map.of()));
        HttpResponse<byte[]> response = post("/", null, null, open);
        assertEquals(401, response.statusCode());
        assertTrue(response.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Basic realm=\"Veil\""));
        assertEquals(0, server.openConnections());
    }

    @Test
    void wrongPasswordOrUnknownUserGets401() throws Exception {
        byte[] open = PROTOBUF.serializeRequest(
                new Service.OpenConnectionRequest(UUID.randomUUID().toString(), Map.of()));
        assertEquals(401, post("/", "ana", "wrong", open).statusCode());
        assertEquals(401, post("/", "nobody", ANA_PASSWORD, open).statusCode());
        assertEquals(401, post("/", "ana", "", open).statusCode());
    }

    @Test
    void onlyPostIsServed() throws Exception {
        HttpResponse<String> response = HTTP.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/"))
                        .header(
                                "Authorization",
                                "Basic " + Base64.getEncoder().encodeToString(("ana:" + ANA_PASSWORD).getBytes()))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(405, response.statusCode());
    }

    @Test
    void errorCarriesVeilCodeAndSqlStateButNoStackTrace() throws Exception {
        String connection = openConnection("ana", ANA_PASSWORD);
        Service.CreateStatementResponse statement = (Service.CreateStatementResponse)
                call("ana", ANA_PASSWORD, new Service.CreateStatementRequest(connection));
        HttpResponse<byte[]> http = post(
                "/",
                "ana",
                ANA_PASSWORD,
                PROTOBUF.serializeRequest(new Service.PrepareAndExecuteRequest(
                        connection, statement.statementId, "SELECT * FROM nope", -1)));
        assertEquals(500, http.statusCode());
        Service.ErrorResponse error = (Service.ErrorResponse) PROTOBUF.parseResponse(http.body());
        assertEquals(3, error.errorCode);
        assertEquals("42P01", error.sqlState);
        assertTrue(
                error.errorMessage.startsWith("VEIL-0003 UNKNOWN_TABLE: Table 'nope' not found"), error.errorMessage);
        assertTrue(
                error.exceptions == null || error.exceptions.isEmpty(),
                "stack traces crossed the wire: " + error.exceptions);
        String body = new String(http.body(), StandardCharsets.ISO_8859_1);
        assertFalse(body.contains("at dev.veil") || body.contains("at org.apache"), "the body holds a stack trace");
        call("ana", ANA_PASSWORD, new Service.CloseConnectionRequest(connection));
    }

    @Test
    void garbageRequestIsRefusedWithoutStackTrace() throws Exception {
        HttpResponse<byte[]> http = post("/", "ana", ANA_PASSWORD, "not protobuf".getBytes(StandardCharsets.UTF_8));
        assertEquals(500, http.statusCode());
        Service.ErrorResponse error = (Service.ErrorResponse) PROTOBUF.parseResponse(http.body());
        assertEquals(15, error.errorCode);
        assertTrue(error.exceptions == null || error.exceptions.isEmpty());
    }

    @Test
    void connectionOfAnotherUserCannotBeUsedOrCancelled() throws Exception {
        String adminConnection = openConnection("admin", ADMIN_PASSWORD);
        Service.CreateStatementResponse statement = (Service.CreateStatementResponse)
                call("admin", ADMIN_PASSWORD, new Service.CreateStatementRequest(adminConnection));
        Service.Response hijack = call(
                "ana",
                ANA_PASSWORD,
                new Service.PrepareAndExecuteRequest(
                        adminConnection, statement.statementId, "SELECT CURRENT_USER", -1));
        Service.ErrorResponse error = assertInstanceOf(Service.ErrorResponse.class, hijack);
        assertEquals(16, error.errorCode);
        assertEquals("42501", error.sqlState);
        HttpResponse<byte[]> cancel = post(
                "/veil/cancel",
                "ana",
                ANA_PASSWORD,
                (adminConnection + " " + statement.statementId).getBytes(StandardCharsets.UTF_8));
        assertEquals(404, cancel.statusCode());
        HttpResponse<byte[]> ownCancel = post(
                "/veil/cancel",
                "admin",
                ADMIN_PASSWORD,
                (adminConnection + " " + statement.statementId).getBytes(StandardCharsets.UTF_8));
        assertEquals(200, ownCancel.statusCode());
        call("admin", ADMIN_PASSWORD, new Service.CloseConnectionRequest(adminConnection));
    }

    @Test
    void statementOfAnotherConnectionCannotBeFetched() throws Exception {
        String first = openConnection("ana", ANA_PASSWORD);
        String second = openConnection("ana", ANA_PASSWORD);
        Service.CreateStatementResponse statement =
                (Service.CreateStatementResponse) call("ana", ANA_PASSWORD, new Service.CreateStatementRequest(first));
        Service.Response fetch =
                call("ana", ANA_PASSWORD, new Service.FetchRequest(second, statement.statementId, 0, 10));
        Service.FetchResponse response = assertInstanceOf(Service.FetchResponse.class, fetch);
        assertTrue(response.missingStatement, "the statement must look absent from another connection");
        call("ana", ANA_PASSWORD, new Service.CloseConnectionRequest(first));
        call("ana", ANA_PASSWORD, new Service.CloseConnectionRequest(second));
    }

    private static Service.Response call(String user, String password, Service.Request request, String closing)
            throws Exception {
        HttpRequest http = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(PROTOBUF.serializeRequest(request)))
                .header(
                        "Authorization",
                        "Basic "
                                + Base64.getEncoder()
                                        .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)))
                .header(VeilHttpHandler.CLOSE_HEADER, closing)
                .build();
        return PROTOBUF.parseResponse(
                HTTP.send(http, HttpResponse.BodyHandlers.ofByteArray()).body());
    }

    /** The single value of the first row of an execution's result. */
    private static Object onlyValue(Service.Response response) {
        Service.ExecuteResponse execute = assertInstanceOf(Service.ExecuteResponse.class, response);
        assertFalse(execute.missingStatement, "the statement is missing");
        Object row = execute.results.get(0).firstFrame.rows.iterator().next();
        return row instanceof Object[] values ? values[0] : ((java.util.List<?>) row).get(0);
    }

    private static Service.PrepareAndExecuteRequest execute(String connection, int statement, String sql) {
        return new Service.PrepareAndExecuteRequest(connection, statement, sql, -1);
    }

    @Test
    void everyAnswerSaysThatClientsMayNameStatements() throws Exception {
        String connection = UUID.randomUUID().toString();
        HttpResponse<byte[]> open = post(
                "/",
                "ana",
                ANA_PASSWORD,
                PROTOBUF.serializeRequest(new Service.OpenConnectionRequest(connection, Map.of())));
        assertEquals(
                "1",
                open.headers()
                        .firstValue(VeilHttpHandler.NAMED_STATEMENTS_HEADER)
                        .orElse(null));
        call("ana", ANA_PASSWORD, new Service.CloseConnectionRequest(connection));
    }

    @Test
    void aStatementTheClientNamesBelongsToItsConnection() throws Exception {
        String first = openConnection("ana", ANA_PASSWORD);
        String second = openConnection("ana", ANA_PASSWORD);
        int before = server.openStatements();
        assertEquals(1, ((Number) onlyValue(call("ana", ANA_PASSWORD, execute(first, -5, "SELECT 1")))).intValue());
        assertEquals(before + 1, server.openStatements(), "the execution opened the named statement");
        // The same id on another connection is that connection's own statement.
        assertEquals(2, ((Number) onlyValue(call("ana", ANA_PASSWORD, execute(second, -5, "SELECT 2")))).intValue());
        assertEquals(before + 2, server.openStatements());
        // Another connection cannot fetch, close or cancel it.
        Service.FetchResponse fetch = assertInstanceOf(
                Service.FetchResponse.class, call("ana", ANA_PASSWORD, new Service.FetchRequest(second, -6, 0, 10)));
        assertTrue(fetch.missingStatement);
        call("ana", ANA_PASSWORD, new Service.CloseStatementRequest(second, -5));
        assertEquals(before + 1, server.openStatements(), "only the second connection's -5 closed");
        HttpResponse<byte[]> cancel =
                post("/veil/cancel", "ana", ANA_PASSWORD, (second + " -5").getBytes(StandardCharsets.UTF_8));
        assertEquals(404, cancel.statusCode());
        call("ana", ANA_PASSWORD, new Service.ConnectionSyncRequest(second, null), "-5");
        assertEquals(before + 1, server.openStatements(), "a close along with another connection's request");
        // The first connection's statement goes on.
        assertEquals(3, ((Number) onlyValue(call("ana", ANA_PASSWORD, execute(first, -5, "SELECT 3")))).intValue());
        // Another user's connection is refused, named statement or not.
        Service.ErrorResponse hijack = assertInstanceOf(
                Service.ErrorResponse.class, call("admin", ADMIN_PASSWORD, execute(first, -7, "SELECT 1")));
        assertEquals(16, hijack.errorCode);
        assertEquals(before + 1, server.openStatements());
        call("ana", ANA_PASSWORD, new Service.CloseConnectionRequest(first));
        call("ana", ANA_PASSWORD, new Service.CloseConnectionRequest(second));
        assertEquals(before, server.openStatements());
    }

    @Test
    void unknownIdsAndHugeNumbersGetProtocolAnswersOrVeilErrors() throws Exception {
        String connection = openConnection("ana", ANA_PASSWORD);
        // A positive id is the server's to give: one it did not give is missing, not created.
        for (int id : new int[] {Integer.MAX_VALUE, 424242}) {
            Service.ExecuteResponse missing = assertInstanceOf(
                    Service.ExecuteResponse.class, call("ana", ANA_PASSWORD, execute(connection, id, "SELECT 1")));
            assertTrue(missing.missingStatement);
            Service.FetchResponse fetch = assertInstanceOf(
                    Service.FetchResponse.class,
                    call("ana", ANA_PASSWORD, new Service.FetchRequest(connection, id, 0, 10)));
            assertTrue(fetch.missingStatement);
        }
        // The smallest id is a name like any other, and huge row counts are only upper bounds.
        Service.Response huge = call(
                "ana",
                ANA_PASSWORD,
                new Service.PrepareAndExecuteRequest(
                        connection, Integer.MIN_VALUE, "SELECT 9", Long.MAX_VALUE, Integer.MAX_VALUE));
        assertEquals(9, ((Number) onlyValue(huge)).intValue());
        // A named statement is opened by an execution only: a fetch does not create one.
        Service.FetchResponse unnamed = assertInstanceOf(
                Service.FetchResponse.class,
                call("ana", ANA_PASSWORD, new Service.FetchRequest(connection, -99, 0, Integer.MAX_VALUE)));
        assertTrue(unnamed.missingStatement);
        // Reading an open result from a row far ahead is refused with a Veil error.
        call(
                "ana",
                ANA_PASSWORD,
                new Service.PrepareAndExecuteRequest(
                        connection, -3, "SELECT * FROM (VALUES (1), (2), (3)) AS t (x)", -1, 1));
        Service.ErrorResponse ahead = assertInstanceOf(
                Service.ErrorResponse.class,
                call("ana", ANA_PASSWORD, new Service.FetchRequest(connection, -3, Long.MAX_VALUE, 10)));
        assertEquals(8, ahead.errorCode, ahead.errorMessage);
        // A close of a number that is no statement id is INVALID_ARGUMENT.
        Service.ErrorResponse badClose = assertInstanceOf(
                Service.ErrorResponse.class,
                call("ana", ANA_PASSWORD, execute(connection, -4, "SELECT 1"), "99999999999"));
        assertEquals(15, badClose.errorCode);
        HttpResponse<byte[]> badCancel = post(
                "/veil/cancel", "ana", ANA_PASSWORD, (connection + " 99999999999").getBytes(StandardCharsets.UTF_8));
        assertEquals(400, badCancel.statusCode());
        call("ana", ANA_PASSWORD, new Service.CloseConnectionRequest(connection));
    }

    @Test
    void aConnectionCannotHoldMoreThanAThousandStatements() throws Exception {
        String connection = openConnection("ana", ANA_PASSWORD);
        int before = server.openStatements();
        for (int i = 0; i < 1000; i++) {
            assertInstanceOf(
                    Service.CreateStatementResponse.class,
                    call("ana", ANA_PASSWORD, new Service.CreateStatementRequest(connection)));
        }
        assertEquals(before + 1000, server.openStatements());
        for (Service.Request oneMore : new Service.Request[] {
            execute(connection, -1, "SELECT 1"),
            new Service.CreateStatementRequest(connection),
            new Service.PrepareRequest(connection, "SELECT 1", -1),
            new Service.PrepareAndExecuteBatchRequest(connection, -2, java.util.List.of("SET SCHEMA public"))
        }) {
            Service.ErrorResponse refused =
                    assertInstanceOf(Service.ErrorResponse.class, call("ana", ANA_PASSWORD, oneMore));
            assertEquals(29, refused.errorCode, refused.errorMessage);
            assertEquals("53300", refused.sqlState);
            assertTrue(refused.errorMessage.contains("1000 open statements"), refused.errorMessage);
        }
        assertEquals(before + 1000, server.openStatements(), "nothing was opened beyond the limit");
        // Another connection of the same user is not affected.
        String other = openConnection("ana", ANA_PASSWORD);
        assertEquals(4, ((Number) onlyValue(call("ana", ANA_PASSWORD, execute(other, -1, "SELECT 4")))).intValue());
        call("ana", ANA_PASSWORD, new Service.CloseConnectionRequest(other));
        call("ana", ANA_PASSWORD, new Service.CloseConnectionRequest(connection));
        assertEquals(before, server.openStatements());
    }

    @Test
    void sessionUserIsTheAuthenticatedUserNotTheClaimedOne() throws Exception {
        Properties info = new Properties();
        info.setProperty("user", "admin");
        String url = "jdbc:avatica:remote:url=http://127.0.0.1:" + server.port()
                + ";serialization=protobuf;authentication=BASIC;avatica_user=ana;avatica_password=" + ANA_PASSWORD;
        try (Connection c = DriverManager.getConnection(url, info);
                Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT CURRENT_USER")) {
                assertTrue(rs.next());
                assertEquals("ana", rs.getString(1));
            }
            SQLException denied = assertThrows(SQLException.class, () -> s.execute("CREATE ROLE sneaky"));
            assertEquals(16, denied.getErrorCode());
            assertTrue(
                    denied.getMessage().contains("CREATE ROLE requires the admin role; user 'ana' does not have it"),
                    denied.getMessage());
        }
    }

    @Test
    void idleConnectionIsClosedAndItsStatementsFreed() throws Exception {
        try (VeilServer quick =
                VeilServer.start(ServerConfig.of(warehouse).withPort(0).withIdleTimeout(Duration.ofMillis(300)))) {
            String id = UUID.randomUUID().toString();
            HttpResponse<byte[]> open = HTTP.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + quick.port() + "/"))
                            .header(
                                    "Authorization",
                                    "Basic " + Base64.getEncoder().encodeToString(("ana:" + ANA_PASSWORD).getBytes()))
                            .POST(HttpRequest.BodyPublishers.ofByteArray(
                                    PROTOBUF.serializeRequest(new Service.OpenConnectionRequest(id, Map.of()))))
                            .build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(200, open.statusCode());
            HttpResponse<byte[]> create = HTTP.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + quick.port() + "/"))
                            .header(
                                    "Authorization",
                                    "Basic " + Base64.getEncoder().encodeToString(("ana:" + ANA_PASSWORD).getBytes()))
                            .POST(HttpRequest.BodyPublishers.ofByteArray(
                                    PROTOBUF.serializeRequest(new Service.CreateStatementRequest(id))))
                            .build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(200, create.statusCode());
            assertEquals(1, quick.openConnections());
            assertEquals(1, quick.openStatements());
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while ((quick.openConnections() > 0 || quick.openStatements() > 0) && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertEquals(0, quick.openConnections());
            assertEquals(0, quick.openStatements());
        }
    }
}
