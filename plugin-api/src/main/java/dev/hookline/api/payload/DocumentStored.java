package dev.hookline.api.payload;

/**
 * Passed to {@code afterStoreDocument} after every store hook succeeded.
 *
 * @param document the document name
 * @param version the version stored
 */
public record DocumentStored(String document, long version) {
}
