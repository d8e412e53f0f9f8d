package dev.hookline.api.payload;

/**
 * Passed to {@code beforeUnloadDocument} when a document has no connections and nothing pending.
 *
 * @param document the document name
 */
public record UnloadDocument(String document) {
}
