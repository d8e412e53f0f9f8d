package dev.hookline.api.payload;

/**
 * Passed to {@code onLeave} when a connection left a document (or closed).
 *
 * @param document the document name
 */
public record Leave(String document) {
}
