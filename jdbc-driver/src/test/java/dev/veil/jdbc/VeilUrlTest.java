package dev.veil.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.SQLException;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class VeilUrlTest {
    @Test
    void hostPortAndDefaults() throws SQLException {
        VeilUrl url = VeilUrl.parse("jdbc:veil://db.example.com:9000", null);
        assertEquals("db.example.com", url.host());
        assertEquals(9000, url.port());
        assertEquals("http://db.example.com:9000/", url.httpUrl());
        assertEquals(8765, VeilUrl.parse("jdbc:veil://localhost/", null).port());
        assertEquals("[::1]", VeilUrl.parse("jdbc:veil://[::1]:8765", null).host());
    }

    @Test
    void urlPropertiesAndConnectPropertiesMergeWithConnectPropertiesWinning() throws SQLException {
        Properties info = new Properties();
        info.setProperty("user", "ana");
        info.setProperty("password", "pw");
        info.setProperty("someToolSetting", "x");
        VeilUrl url = VeilUrl.parse("jdbc:veil://h:1;ssl=true;truststore=/t.p12;truststore_password=tp;user=bob", info);
        assertTrue(url.ssl());
        assertEquals("https://h:1/", url.httpUrl());
        Properties avatica = url.avaticaProperties("C");
        assertEquals("ana", avatica.getProperty("avatica_user"));
        assertEquals("pw", avatica.getProperty("avatica_password"));
        assertEquals("BASIC", avatica.getProperty("authentication"));
        assertEquals("protobuf", avatica.getProperty("serialization"));
        assertEquals("/t.p12", avatica.getProperty("truststore"));
        assertEquals("C", avatica.getProperty("httpclient_impl"));
        assertFalse(url.serverProperties().containsKey("password"), "secrets are not sent as connection properties");
        assertFalse(url.serverProperties().containsKey("truststore_password"));
        assertFalse(url.serverProperties().containsKey("someToolSetting"));
    }

    @Test
    void withoutPasswordNoBasicAuthenticationIsConfigured() throws SQLException {
        Properties info = new Properties();
        info.setProperty("user", "ana");
        assertNull(VeilUrl.parse("jdbc:veil://h:1", info).avaticaProperties("C").getProperty("authentication"));
    }

    @Test
    void malformedUrlsFailWithConnectionStateAndNoSecrets() {
        SQLException port = assertThrows(SQLException.class, () -> VeilUrl.parse("jdbc:veil://h:port", null));
        assertEquals("08001", port.getSQLState());
        SQLException pair =
                assertThrows(SQLException.class, () -> VeilUrl.parse("jdbc:veil://h:1;password=hunter2;oops", null));
        assertFalse(pair.getMessage().contains("hunter2"), pair.getMessage());
        assertThrows(SQLException.class, () -> VeilUrl.parse("jdbc:veil://:1", null));
        assertThrows(SQLException.class, () -> VeilUrl.parse("jdbc:veil://h:70000", null));
        assertFalse(VeilUrl.accepts("jdbc:veil:embedded:/tmp/wh"));
        assertTrue(VeilUrl.accepts("jdbc:veil://h:1"));
    }
}
