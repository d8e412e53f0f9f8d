package dev.hookline.plugins.postgres;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.time.Duration;
import java.util.Arrays;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The connections: one pool of {@code poolSize} for loads and migrations, and one connection of
 * its own for the writer, so a burst of loads never keeps the writer (every acknowledgement in
 * {@code ack} mode) waiting for a connection, nor the other way round.
 *
 * <p>Both pools start empty and never fail to start: a database that is down at start-up only
 * makes the hooks fail with 4503 until it is back. Every wait is bounded: a connection is handed
 * out within {@link #CONNECTION_TIMEOUT} or the call fails, connecting gives up after
 * {@link #CONNECT_TIMEOUT_SECONDS} and a statement whose answer does not come within
 * {@link #SOCKET_TIMEOUT_SECONDS} fails (its connection is dropped).
 */
final class Pools implements AutoCloseable {

    /** The longest a hook waits for a connection; well below the default hook deadline of 10 s. */
    static final Duration CONNECTION_TIMEOUT = Duration.ofSeconds(3);
    /** pgjdbc's connectTimeout, unless the URL sets one. */
    static final int CONNECT_TIMEOUT_SECONDS = 3;
    /** pgjdbc's socketTimeout, unless the URL sets one: a dead server cannot hold the writer forever. */
    static final int SOCKET_TIMEOUT_SECONDS = 30;

    private final HikariDataSource readers;
    private final HikariDataSource writer;
    private final String target;

    /** @throws IllegalArgumentException naming the key {@code url} when the URL does not parse */
    Pools(PostgresSettings settings) {
        PGSimpleDataSource source = dataSource(settings.url());
        this.target = Arrays.toString(source.getServerNames()).replaceAll("[\\[\\] ]", "") + "/"
                + source.getDatabaseName() + " schema " + settings.schema();
        this.readers = pool(source, "hookline-postgres-readers", settings.poolSize(), settings.schema());
        this.writer = pool(source, "hookline-postgres-writer", 1, settings.schema());
    }

    private static PGSimpleDataSource dataSource(String url) {
        PGSimpleDataSource source = new PGSimpleDataSource();
        try {
            source.setUrl(url);
        } catch (IllegalArgumentException e) {
            // pgjdbc's message would repeat the URL, which may hold a password.
            throw new IllegalArgumentException("postgres setting 'url' is not a valid PostgreSQL JDBC URL (e.g. "
                    + PostgresSettings.EXAMPLE_URL + ")");
        }
        // Defaults for what the URL does not say; the URL's own parameters win.
        if (!url.contains("connectTimeout=")) {
            source.setConnectTimeout(CONNECT_TIMEOUT_SECONDS);
        }
        if (!url.contains("socketTimeout=")) {
            source.setSocketTimeout(SOCKET_TIMEOUT_SECONDS);
        }
        if (!url.contains("ApplicationName=")) {
            source.setApplicationName("hookline");
        }
        if (!url.contains("tcpKeepAlive=")) {
            source.setTcpKeepAlive(true);
        }
        // A node frozen in the middle of a transaction (a long pause, SIGSTOP) would hold its row
        // locks for as long as it is frozen, and the node that takes its documents over would wait
        // for them: PostgreSQL ends such a session after a short idle time inside a transaction,
        // which this plugin's transactions never have (their statements follow each other at once).
        // A startup option, not a SET: with auto-commit off a SET would itself open a transaction.
        String options = source.getOptions();
        source.setOptions((options == null || options.isBlank() ? "" : options + " ")
                + "-c idle_in_transaction_session_timeout=" + IDLE_IN_TRANSACTION);
        return source;
    }

    /** How long a session of this plugin may sit idle inside a transaction before PostgreSQL ends it. */
    static final String IDLE_IN_TRANSACTION = "2s";

    private static HikariDataSource pool(PGSimpleDataSource source, String name, int size, String schema) {
        HikariConfig config = new HikariConfig();
        config.setDataSource(source);
        config.setPoolName(name);
        config.setMaximumPoolSize(size);
        config.setMinimumIdle(Math.min(1, size));
        config.setAutoCommit(false);
        config.setSchema(schema);
        config.setConnectionTimeout(CONNECTION_TIMEOUT.toMillis());
        config.setValidationTimeout(Math.min(1_000, CONNECTION_TIMEOUT.toMillis() - 250));
        // -1: the pool starts even when the database is down, and connects when asked.
        config.setInitializationFailTimeout(-1);
        return new HikariDataSource(config);
    }

    /** @return the pool for loads, fencing-token records and migrations */
    HikariDataSource readers() {
        return readers;
    }

    /** @return the writer's pool of one */
    HikariDataSource writer() {
        return writer;
    }

    /** @return where the database is, without user or password, for log lines */
    String target() {
        return target;
    }

    @Override
    public void close() {
        writer.close();
        readers.close();
    }
}
