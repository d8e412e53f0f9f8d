package dev.hookline.api.payload;

/**
 * A subscription request, passed to {@code onSubscribe}. A rewrite of the path subscribes to that
 * path instead.
 *
 * @param document the document name
 * @param path the path, {@code ""} for the root
 * @param kind a subscription to the value at the path or to its child keys
 * @param since the last version the client saw, or -1 for a fresh snapshot
 */
public record Subscribe(String document, String path, Kind kind, long since) {

    /** What a subscription follows. */
    public enum Kind {
        /** The value at the path and every change in its subtree. */
        VALUE,
        /** The child keys added and removed at the path. */
        KEYS
    }

    /** @return a copy with another path */
    public Subscribe withPath(String path) {
        return new Subscribe(document, path, kind, since);
    }
}
