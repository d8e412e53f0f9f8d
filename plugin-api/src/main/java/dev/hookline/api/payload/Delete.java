package dev.hookline.api.payload;

import dev.hookline.api.Origin;

/**
 * A delete about to be applied, passed to {@code onDelete}. A rewrite of the path deletes that
 * path instead.
 *
 * @param document the document name
 * @param path the path deleted
 * @param origin where the delete came from
 */
public record Delete(String document, String path, Origin origin) {

    /** @return a copy with another path */
    public Delete withPath(String path) {
        return new Delete(document, path, origin);
    }
}
