package dev.hookline.api.payload;

/**
 * Passed to {@code afterUnloadDocument} after a document left memory.
 *
 * @param document the document name
 */
public record DocumentUnloaded(String document) {
}
