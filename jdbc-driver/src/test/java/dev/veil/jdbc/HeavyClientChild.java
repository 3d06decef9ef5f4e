package dev.veil.jdbc;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Properties;

/**
 * A client process for {@link StatementControlIT}: connects with the thin driver, says so on
 * stdout, and runs a query that runs for minutes, until the test kills the process.
 */
public final class HeavyClientChild {
    private HeavyClientChild() {}

    public static void main(String[] args) throws Exception {
        Properties info = new Properties();
        info.setProperty("user", args[1]);
        info.setProperty("password", args[2]);
        try (Connection c = DriverManager.getConnection(args[0], info);
                Statement s = c.createStatement()) {
            System.out.println("connected");
            System.out.flush();
            try (ResultSet rs = s.executeQuery(TestServer.ENDLESS_QUERY)) {
                rs.next();
            }
        }
    }
}
