package dev.veil.exec.remote;

import dev.veil.session.EmbeddedDriver;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.function.UnaryOperator;

/** What the foreign-table tests share: an in-process connection as a user, and a query's rows. */
final class ForeignTests {
    private ForeignTests() {}

    /** A connection to the warehouse in {@code wh} as {@code user} (the administrator if null). */
    static Connection connect(Path wh, String user) throws SQLException {
        Properties info = new Properties();
        if (user != null) {
            info.setProperty("user", user);
        }
        return DriverManager.getConnection(EmbeddedDriver.PREFIX + wh, info);
    }

    /** The rows of {@code sql}, each value as the driver returns it. */
    static List<List<Object>> rows(Connection c, String sql) throws SQLException {
        return rows(c, sql, UnaryOperator.identity());
    }

    /** The rows of {@code sql}, each value passed through {@code value}. */
    static List<List<Object>> rows(Connection c, String sql, UnaryOperator<Object> value) throws SQLException {
        List<List<Object>> rows = new ArrayList<>();
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            ResultSetMetaData meta = rs.getMetaData();
            while (rs.next()) {
                List<Object> row = new ArrayList<>();
                for (int i = 1; i <= meta.getColumnCount(); i++) {
                    row.add(value.apply(rs.getObject(i)));
                }
                rows.add(row);
            }
        }
        return rows;
    }
}
