package dev.veil.sql;

import dev.veil.session.EmbeddedDriver;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.Properties;

/** The child JVM of {@link KilledEraseTest}: erases unit 7731 of the warehouse in args[0], saying when it starts. */
public final class KilledEraseChild {
    private KilledEraseChild() {}

    public static void main(String[] args) throws Exception {
        Properties info = new Properties();
        info.setProperty("user", "admin");
        try (Connection c = DriverManager.getConnection(EmbeddedDriver.PREFIX + args[0], info);
                Statement s = c.createStatement()) {
            s.executeQuery("SELECT count(*) FROM shop.customers").close(); // warm up before the window opens
            System.out.println("erasing");
            System.out.flush();
            s.executeUpdate("ERASE PRIVACY UNIT 7731 OF shop.customers");
            System.out.println("done");
            System.out.flush();
        }
    }
}
