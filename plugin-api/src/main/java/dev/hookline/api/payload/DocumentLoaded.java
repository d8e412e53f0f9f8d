package dev.hookline.api.payload;

/**
 * Passed to {@code afterLoadDocument} once a document is live.
 *
 * @param document the document name
 * @param version its version
 */
public record DocumentLoaded(String document, long version) {
}
