package dev.hookline.plugins.postgres;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * Creates and upgrades the plugin's tables: the SQL files in {@code migrations/} next to this
 * class, applied in order, each recorded in {@code hookline_schema_version}. Everything runs in
 * one transaction under a transaction-scoped advisory lock, so nodes starting at once take turns:
 * the first applies what is missing, the others then find nothing to do. DDL in PostgreSQL is
 * transactional, so a migration that fails leaves nothing half-applied.
 */
final class Migrations {

    /** The migration files, in order; file {@code i} brings the schema to version {@code i + 1}. */
    static final List<String> FILES = List.of("V1__documents.sql");

    /** The first key of the advisory lock ("Hkln"); the second is the schema's hash. */
    private static final int LOCK_KEY = 0x486b6c6e;
    /** How long a node waits for another node's migration before giving up (and retrying later). */
    private static final String LOCK_TIMEOUT = "30s";

    private Migrations() {
    }

    /** @return the schema version this code writes */
    static int latest() {
        return FILES.size();
    }

    /**
     * Brings the schema up to {@link #latest()}. The connection's {@code search_path} must be the
     * schema (the pools set it); its auto-commit must be off.
     *
     * @return how many migrations this call applied (0 when another node or an earlier start did)
     * @throws SQLException when the database was written by a newer plugin, or a migration fails
     */
    static int apply(Connection connection, String schema) throws SQLException {
        try {
            try (Statement statement = connection.createStatement()) {
                statement.execute("SET LOCAL lock_timeout = '" + LOCK_TIMEOUT + "'");
            }
            try (PreparedStatement lock = connection.prepareStatement("SELECT pg_advisory_xact_lock(?, hashtext(?))")) {
                lock.setInt(1, LOCK_KEY);
                lock.setString(2, schema);
                lock.execute();
            }
            createSchema(connection, schema);
            try (Statement statement = connection.createStatement()) {
                statement.execute("""
                        CREATE TABLE IF NOT EXISTS hookline_schema_version (
                          version    integer PRIMARY KEY,
                          file       text NOT NULL,
                          applied_at timestamptz NOT NULL DEFAULT now()
                        )""");
            }
            int current = current(connection);
            if (current > latest()) {
                throw new SQLException("the database schema " + schema + " was written by a newer postgres plugin "
                        + "(schema version " + current + ", this plugin knows " + latest() + ")");
            }
            int applied = 0;
            for (int version = current + 1; version <= latest(); version++) {
                String file = FILES.get(version - 1);
                try (Statement statement = connection.createStatement()) {
                    statement.execute(read(file));
                }
                try (PreparedStatement record = connection.prepareStatement(
                        "INSERT INTO hookline_schema_version (version, file) VALUES (?, ?)")) {
                    record.setInt(1, version);
                    record.setString(2, file);
                    record.executeUpdate();
                }
                applied++;
            }
            connection.commit(); // also releases the advisory lock
            return applied;
        } catch (SQLException | RuntimeException e) {
            try {
                connection.rollback();
            } catch (SQLException rollback) {
                e.addSuppressed(rollback);
            }
            throw e;
        }
    }

    /**
     * Creates the schema if it is missing. Looked up first: {@code CREATE SCHEMA IF NOT EXISTS}
     * needs the CREATE privilege on the database even when the schema exists.
     */
    private static void createSchema(Connection connection, String schema) throws SQLException {
        try (PreparedStatement exists = connection.prepareStatement("SELECT 1 FROM pg_namespace WHERE nspname = ?")) {
            exists.setString(1, schema);
            try (ResultSet rs = exists.executeQuery()) {
                if (rs.next()) {
                    return;
                }
            }
        }
        try (Statement statement = connection.createStatement()) {
            // The name is validated by PostgresSettings (a plain lower-case identifier).
            statement.execute("CREATE SCHEMA " + schema);
        }
    }

    private static int current(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SELECT coalesce(max(version), 0) FROM hookline_schema_version")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private static String read(String file) throws SQLException {
        try (InputStream in = Migrations.class.getResourceAsStream("migrations/" + file)) {
            if (in == null) {
                throw new SQLException("the migration " + file + " is missing from the plugin jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new SQLException("cannot read the migration " + file + ": " + e.getMessage(), e);
        }
    }
}
