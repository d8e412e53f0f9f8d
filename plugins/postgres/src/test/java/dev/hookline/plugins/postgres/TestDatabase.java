package dev.hookline.plugins.postgres;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A fresh database on the test PostgreSQL server for each test: register it with
 * {@code @RegisterExtension final TestDatabase db = TestDatabase.perTest();} and it is created
 * before each test and dropped after it (after the test's own {@code @AfterEach} methods). The
 * server is {@code 127.0.0.1:5432}, user {@code postgres} (trust authentication), unless the
 * system property {@code hookline.postgres.adminUrl} names another maintenance database URL.
 */
final class TestDatabase implements AutoCloseable, BeforeEachCallback, AfterEachCallback {

    static final String ADMIN_URL = System.getProperty("hookline.postgres.adminUrl",
            "jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres");

    final String name = "hookline_pg_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);

    private TestDatabase() {
    }

    /** @return a database made before each test and dropped after it */
    static TestDatabase perTest() {
        return new TestDatabase();
    }

    @Override
    public void beforeEach(ExtensionContext context) throws SQLException {
        admin("CREATE DATABASE " + name);
    }

    @Override
    public void afterEach(ExtensionContext context) throws SQLException {
        close();
    }

    /** @return the JDBC URL of this database, as the plugin's {@code url} setting */
    String url() {
        return ADMIN_URL.replaceFirst("/postgres(\\?|$)", "/" + name + "$1");
    }

    /** @return settings JSON with this database's URL and the extra members, e.g. {@code ,"durability":"async"} */
    String settings(String extra) {
        return "{\"url\":\"" + url() + "\"" + extra + "}";
    }

    Connection connect() throws SQLException {
        return DriverManager.getConnection(url());
    }

    /** @return the first column of the first row of a query, as a long (-1 when no row) */
    long count(String sql) throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getLong(1) : -1;
        }
    }

    /** @return the first column of the first row of a query, as text */
    String text(String sql) throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    void execute(String sql) throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static void admin(String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(ADMIN_URL); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    /** Drops the database, closing whatever connections are still open to it. */
    @Override
    public void close() throws SQLException {
        admin("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    }
}
