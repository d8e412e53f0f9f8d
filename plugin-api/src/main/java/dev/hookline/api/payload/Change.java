package dev.hookline.api.payload;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hookline.api.Operation;
import dev.hookline.api.Origin;

/**
 * A change just applied, passed to {@code onChange} before it is broadcast and acknowledged.
 *
 * @param document the document name
 * @param operation what was done
 * @param path the path changed
 * @param value the value written, or {@code null} for a delete
 * @param meta meta written with it, or {@code null}
 * @param version the document's version after this change
 * @param origin where the change came from
 */
public record Change(String document, Operation operation, String path, JsonNode value, JsonNode meta, long version, Origin origin) {
}
