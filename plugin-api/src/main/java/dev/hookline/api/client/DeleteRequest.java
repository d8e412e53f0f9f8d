package dev.hookline.api.client;

/**
 * A delete a client is about to send, passed to {@link ClientHooks#delete}.
 *
 * @param document the document name
 * @param path     the path deleted
 */
public record DeleteRequest(String document, String path) {

    /** @return a copy with another path */
    public DeleteRequest withPath(String path) {
        return new DeleteRequest(document, path);
    }
}
