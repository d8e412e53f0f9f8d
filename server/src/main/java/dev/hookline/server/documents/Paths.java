package dev.hookline.server.documents;

import java.util.List;

/**
 * Paths into a document: {@code /}-separated object keys, {@code ""} being the root. Arrays are
 * values, not paths, so a segment is always an object key.
 *
 * <p>One leading and one trailing {@code /} are accepted and dropped ({@code "/a/b/"} is
 * {@code "a/b"}); the canonical form has neither. A path may not have empty segments
 * ({@code "a//b"}, {@code "//"}), control characters (below U+0020, and U+007F), or more than
 * {@link #MAX_LENGTH} characters. Every method here validates its arguments and throws
 * {@link IllegalArgumentException} with a message that quotes the path (shortened if long).
 *
 * <p>Ancestry is by whole segments, never by string prefix: {@code players/1} is not an
 * ancestor of {@code players/10}.
 */
public final class Paths {

    /** The longest path accepted, in UTF-16 characters, counted before the slashes are stripped. */
    public static final int MAX_LENGTH = 1024;

    /** How much of a bad path an error message quotes: messages reach clients and logs. */
    private static final int QUOTE_LIMIT = 80;

    private Paths() {}

    /**
     * @param path a path, possibly with one leading and one trailing {@code /}
     * @return its segments in order; empty for the root ({@code ""} or {@code "/"})
     * @throws IllegalArgumentException if the path is null, too long, has an empty segment or a
     *                                  control character
     */
    public static List<String> segments(String path) {
        String canonical = normalize(path);
        return canonical.isEmpty() ? List.of() : List.of(canonical.split("/", -1));
    }

    /**
     * @param path a path
     * @return its canonical form: the segments joined by {@code /}, no leading or trailing
     *         {@code /}; the argument itself when it already is canonical (no copy)
     * @throws IllegalArgumentException as {@link #segments(String)}
     */
    public static String normalize(String path) {
        if (path == null) {
            throw new IllegalArgumentException("path is null");
        }
        int length = path.length();
        if (length > MAX_LENGTH) {
            throw new IllegalArgumentException(
                    "path " + quote(path) + " is " + length + " characters long, more than " + MAX_LENGTH);
        }
        int start = length > 0 && path.charAt(0) == '/' ? 1 : 0;
        int end = length > start && path.charAt(length - 1) == '/' ? length - 1 : length;
        if (start == end && length > 1) {
            // "//": stripping one slash each side leaves nothing, which is an empty segment, not the root.
            throw emptySegment(path);
        }
        for (int i = start; i < end; i++) {
            char c = path.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                throw new IllegalArgumentException(String.format(
                        "path %s has a control character (U+%04X) at index %d", quote(path), (int) c, i));
            }
            if (c == '/' && (i == start || i == end - 1 || path.charAt(i - 1) == '/')) {
                throw emptySegment(path);
            }
        }
        return start == 0 && end == length ? path : path.substring(start, end);
    }

    /**
     * @param path a path other than the root
     * @return the canonical path of its parent; {@code ""} for a top-level key
     * @throws IllegalArgumentException if the path is the root, or invalid
     */
    public static String parent(String path) {
        String canonical = normalize(path);
        if (canonical.isEmpty()) {
            throw new IllegalArgumentException("the root path " + quote(path) + " has no parent");
        }
        int slash = canonical.lastIndexOf('/');
        return slash < 0 ? "" : canonical.substring(0, slash);
    }

    /**
     * @param ancestor a path
     * @param path     a path
     * @return whether {@code ancestor} is {@code path} or one of its ancestors, by whole segments;
     *         the root is an ancestor of every path
     * @throws IllegalArgumentException if either path is invalid
     */
    public static boolean isAncestorOrSelf(String ancestor, String path) {
        String a = normalize(ancestor);
        String p = normalize(path);
        return a.isEmpty()
                || p.startsWith(a) && (p.length() == a.length() || p.charAt(a.length()) == '/');
    }

    /**
     * Whether a change at {@code changed} concerns a subscription at {@code subscribed}: the
     * change is at the subscribed node or below it, or it replaces or deletes the node or one of
     * its ancestors.
     *
     * @param subscribed the path subscribed to
     * @param changed    the path changed
     * @return {@code isAncestorOrSelf(subscribed, changed) || isAncestorOrSelf(changed, subscribed)}
     * @throws IllegalArgumentException if either path is invalid
     */
    public static boolean touches(String subscribed, String changed) {
        return isAncestorOrSelf(subscribed, changed) || isAncestorOrSelf(changed, subscribed);
    }

    private static IllegalArgumentException emptySegment(String path) {
        return new IllegalArgumentException("path " + quote(path) + " has an empty segment");
    }

    /**
     * The path in double quotes, control characters, quotes and backslashes escaped so that the
     * message stays one printable line, cut after {@value #QUOTE_LIMIT} characters.
     */
    static String quote(String path) {
        StringBuilder out = new StringBuilder(Math.min(path.length(), QUOTE_LIMIT) + 16).append('"');
        int shown = Math.min(path.length(), QUOTE_LIMIT);
        for (int i = 0; i < shown; i++) {
            char c = path.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                out.append(String.format("\\u%04x", (int) c));
            } else if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else {
                out.append(c);
            }
        }
        out.append('"');
        if (shown < path.length()) {
            out.insert(out.length() - 1, "...");
        }
        return out.toString();
    }
}
