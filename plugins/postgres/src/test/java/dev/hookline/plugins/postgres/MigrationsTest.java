package dev.hookline.plugins.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The schema migrations on a fresh database: idempotent, safe when nodes start at once, never downgrading. */
class MigrationsTest {

    @RegisterExtension
    final TestDatabase db = TestDatabase.perTest();

    private int apply(String schema) throws SQLException {
        try (Connection connection = db.connect()) {
            connection.setAutoCommit(false);
            connection.setSchema(schema);
            return Migrations.apply(connection, schema);
        }
    }

    @Test
    void aSecondRunAppliesNothing() throws Exception {
        assertThat(apply("public")).isEqualTo(Migrations.latest());
        assertThat(apply("public")).isZero();
        assertThat(db.count("SELECT count(*) FROM hookline_schema_version")).isEqualTo(Migrations.latest());
        for (String table : new String[] {"hookline_snapshots", "hookline_changes", "hookline_skipped_changes",
            "hookline_fences"}) {
            assertThat(db.count("SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tablename = '"
                    + table + "'")).as(table).isEqualTo(1);
        }
    }

    @Test
    void threeNodesStartingAtOnceApplyEachMigrationOnce() throws Exception {
        int nodes = 3;
        CountDownLatch go = new CountDownLatch(1);
        try (var threads = Executors.newFixedThreadPool(nodes)) {
            List<Future<Integer>> runs = new ArrayList<>();
            for (int i = 0; i < nodes; i++) {
                runs.add(threads.submit(() -> {
                    go.await();
                    return apply("hl_nodes"); // the schema is created too, once
                }));
            }
            go.countDown();
            int applied = 0;
            for (Future<Integer> run : runs) {
                applied += run.get();
            }
            assertThat(applied).isEqualTo(Migrations.latest());
        }
        assertThat(db.count("SELECT count(*) FROM hl_nodes.hookline_schema_version")).isEqualTo(Migrations.latest());
    }

    @Test
    void aDatabaseOfANewerPluginIsRefused() throws Exception {
        apply("public");
        db.execute("INSERT INTO hookline_schema_version (version, file) VALUES (" + (Migrations.latest() + 1)
                + ", 'V99__future.sql')");
        assertThatThrownBy(() -> apply("public")).hasMessageContaining("newer postgres plugin");
    }
}
