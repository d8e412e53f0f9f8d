package dev.hookline.api.payload;

/**
 * Passed to {@code onJoin} when a connection joined a document.
 *
 * @param document the document name
 */
public record Join(String document) {
}
