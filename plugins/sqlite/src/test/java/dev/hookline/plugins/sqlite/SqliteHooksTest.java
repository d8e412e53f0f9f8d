package dev.hookline.plugins.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hookline.api.Reject;
import dev.hookline.api.payload.LoadDocument;
import dev.hookline.plugins.storage.StorageHooksContract;
import dev.hookline.testkit.TestHookContext;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteDataSource;

/**
 * The hooks called directly, as the server calls them, on a database in a temporary folder: the
 * storage plugins' contract, and what is SQLite's own.
 */
class SqliteHooksTest extends StorageHooksContract<SqliteHooks> {

    @TempDir
    Path dir;

    private final List<SqliteHooks> opened = new ArrayList<>();

    @AfterEach
    void closeAll() {
        opened.forEach(SqliteHooks::close);
    }

    @Override
    protected TestHookContext context(String extra) {
        String file = dir.resolve("sub/dir/test.db").toString().replace("\\", "\\\\");
        return TestHookContext.of("sqlite", "{\"file\":\"" + file + "\"" + extra + "}");
    }

    @Override
    protected SqliteHooks hooks() {
        SqliteHooks hooks = new SqliteHooks();
        opened.add(hooks);
        return hooks;
    }

    @Override
    protected String table(String name) {
        return name;
    }

    @Override
    protected long damagedLoads(SqliteHooks hooks) {
        return hooks.damagedLoads();
    }

    private Connection connect() throws Exception {
        SQLiteDataSource source = new SQLiteDataSource();
        source.setUrl("jdbc:sqlite:" + dir.resolve("sub/dir/test.db"));
        return source.getConnection();
    }

    @Override
    protected long count(String sql) throws Exception {
        try (Connection c = connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getLong(1) : -1;
        }
    }

    @Override
    protected void execute(String sql) throws Exception {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.executeUpdate(sql);
        }
    }

    @Test
    void aNewDocumentLoadsAsNothingStoredAndTheParentFoldersAreCreated() throws Exception {
        SqliteHooks hooks = hooks();
        assertThat(hooks.onLoadDocument(empty("fresh"), context(""))).isNull();
        assertThat(dir.resolve("sub/dir/test.db")).exists();
    }

    @Test
    void aValueThatDoesNotParseEndsTheValidPrefix() throws Exception {
        SqliteHooks hooks = hooks();
        for (long version = 1; version <= 3; version++) {
            hooks.onChange(set("bent", version), context(""));
        }
        execute("UPDATE changes SET value = '{not json' WHERE document = 'bent' AND version = 2");
        LoadDocument loaded = hooks.onLoadDocument(empty("bent"), context(""));
        assertThat(loaded.version()).isEqualTo(1);
        assertThat(count("SELECT count(*) FROM skipped_changes WHERE document = 'bent'")).isEqualTo(2);
    }

    @Test
    void invalidSettingsNameTheKey() {
        assertThatThrownBy(() -> hooks().onLoadDocument(empty("x"), context(",\"durability\":\"sometimes\"")))
                .isInstanceOfSatisfying(Reject.class, r -> assertThat(r.reason()).contains("'durability'", "sometimes"));
        assertThatThrownBy(() -> new SqliteSettings(null, null, 0, null)).hasMessageContaining("'asyncFlushMillis'");
        assertThatThrownBy(() -> new SqliteSettings(null, null, null, "off")).hasMessageContaining("'synchronous'");
        assertThatThrownBy(() -> new SqliteSettings(" ", null, null, null)).hasMessageContaining("'file'");
        assertThatThrownBy(() -> hooks().onLoadDocument(empty("x"), context(",\"durabilty\":\"ack\"")))
                .isInstanceOfSatisfying(Reject.class, r -> assertThat(r.reason()).contains("durabilty"));
        assertThat(SqliteSettings.DEFAULTS).isEqualTo(new SqliteSettings("data/hookline.db", "ack", 50, "normal"));
        assertThat(new SqliteSettings(null, "ASYNC", null, "Full").async()).isTrue();
    }
}
