package dev.hookline.plugins.postgres;

import java.io.IOException;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.util.Set;

/** Tells a failure of the database being unreachable or busy for now from one of the data. */
final class Failures {

    /** SQLSTATEs of "not now": the server is shutting down, starting, or has no connection slot left. */
    private static final Set<String> NOT_NOW = Set.of("57P01", "57P02", "57P03", "53300", "40001", "40P01", "55P03");

    /** The SQLSTATE of our own "the storage is closed" (connection_does_not_exist). */
    static final String CLOSED = "08003";

    private Failures() {
    }

    /**
     * @return whether the failure says the database cannot be used now (unreachable, restarting,
     *         out of connections, a connection lost mid-transaction, a lock conflict to retry),
     *         as opposed to a problem with the data or the SQL; looks through the causes
     */
    static boolean unavailable(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLTransientException || t instanceof SQLRecoverableException
                    || t instanceof SQLNonTransientConnectionException || t instanceof IOException) {
                return true;
            }
            if (t instanceof SQLException sql && sql.getSQLState() != null
                    && (sql.getSQLState().startsWith("08") || NOT_NOW.contains(sql.getSQLState()))) {
                return true;
            }
        }
        return false;
    }
}
