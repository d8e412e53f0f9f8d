package dev.hookline.faults.cluster;

import java.util.UUID;

/**
 * The loopback PostgreSQL (127.0.0.1:5432, user {@code postgres}, trust auth) through {@code psql}:
 * a fresh database per test class, dropped at the end even if nodes still hold connections to it.
 */
final class Postgres {

    private Postgres() {
    }

    /** @return the name of a new, empty database */
    static String createDatabase() {
        String name = "hookline_it_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        sql("postgres", "CREATE DATABASE " + name);
        return name;
    }

    /** The JDBC URL the postgres plugin gets for {@code database}. */
    static String jdbcUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:5432/" + database + "?user=postgres";
    }

    /** Drops the database, disconnecting whatever is still connected to it (a killed node's pool, say). */
    static void dropDatabase(String database) {
        sql("postgres", "DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
    }

    /** Runs one statement and returns its rows, unaligned, one per line. */
    static Commands.Result sql(String database, String statement) {
        return Commands.check(30, "psql", "-h", "127.0.0.1", "-U", "postgres", "-d", database, "-X", "-q",
                "-v", "ON_ERROR_STOP=1", "-tA", "-c", statement);
    }
}
