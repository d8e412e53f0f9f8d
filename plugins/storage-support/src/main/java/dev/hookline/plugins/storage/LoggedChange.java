package dev.hookline.plugins.storage;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hookline.api.Operation;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Locale;

/**
 * A change as its row in the change log: JSON as text, the operation as {@code set},
 * {@code merge} or {@code delete}.
 *
 * @param value the value's JSON text, or {@code null} (a delete)
 * @param meta  the meta's JSON text, or {@code null} when the change has none
 */
public record LoggedChange(String document, long version, String op, String path, String value, String meta) {

    /** The row of a change as {@code onChange} gets it. */
    public static LoggedChange of(String document, long version, Operation operation, String path, JsonNode value,
                                  JsonNode meta) {
        return new LoggedChange(document, version, operation.name().toLowerCase(Locale.ROOT), path,
                StoredJson.text(value), meta == null || meta.isNull() || meta.isMissingNode() ? null : StoredJson.text(meta));
    }

    /**
     * Sets parameters 1 to 6 of an insert into the log, in the order
     * {@code (document, version, op, path, value, meta)}.
     */
    public void bind(PreparedStatement insert) throws SQLException {
        insert.setString(1, document);
        insert.setLong(2, version);
        insert.setString(3, op);
        insert.setString(4, path);
        insert.setString(5, value);
        insert.setString(6, meta);
    }

    /** @return {@code document@version}, for the log */
    public String at() {
        return document + "@" + version;
    }
}
