package dev.hookline.plugins.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** What every connection of the plugin runs with, as PostgreSQL itself reports it. */
class PoolsTest {

    @RegisterExtension
    final TestDatabase db = TestDatabase.perTest();

    @Test
    void aSessionIdleInsideATransactionIsEndedSoAFrozenNodeFreesItsLocks() throws Exception {
        try (Pools pools = new Pools(new PostgresSettings(db.url(), null, null, null, null));
             Connection connection = pools.writer().getConnection()) {
            assertThat(connection.getAutoCommit()).isFalse();
            try (Statement statement = connection.createStatement();
                 ResultSet rs = statement.executeQuery("SHOW idle_in_transaction_session_timeout")) {
                rs.next();
                assertThat(rs.getString(1)).isEqualTo(Pools.IDLE_IN_TRANSACTION);
            }
            // The SHOW opened a transaction (auto-commit is off); left idle in it, the session ends.
            Thread.sleep(3_000);
            assertThatThrownBy(() -> {
                try (Statement statement = connection.createStatement()) {
                    statement.execute("SELECT 1");
                }
            }).isInstanceOf(SQLException.class);
        }
    }
}
