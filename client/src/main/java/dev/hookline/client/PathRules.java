package dev.hookline.client;

import java.util.List;

/** Paths as the protocol defines them (the same rules as the server's). */
final class PathRules {

    static final int MAX_LENGTH = 1024;

    private PathRules() {
    }

    /**
     * @return the canonical form: one leading and one trailing {@code /} dropped
     * @throws IllegalArgumentException for a path the server would refuse
     */
    static String normalize(String path) {
        if (path == null) {
            return "";
        }
        int length = path.length();
        if (length > MAX_LENGTH) {
            throw new IllegalArgumentException("path is " + length + " characters long, more than " + MAX_LENGTH);
        }
        int start = length > 0 && path.charAt(0) == '/' ? 1 : 0;
        int end = length > start && path.charAt(length - 1) == '/' ? length - 1 : length;
        if (start == end && length > 1) {
            throw new IllegalArgumentException("path \"" + path + "\" has an empty segment");
        }
        for (int i = start; i < end; i++) {
            char c = path.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                throw new IllegalArgumentException(String.format(
                        "path has a control character (U+%04X) at index %d", (int) c, i));
            }
            if (c == '/' && (i == start || i == end - 1 || path.charAt(i - 1) == '/')) {
                throw new IllegalArgumentException("path \"" + path + "\" has an empty segment");
            }
        }
        return start == 0 && end == length ? path : path.substring(start, end);
    }

    /** @return the segments of a canonical path; empty for the root */
    static List<String> segments(String canonical) {
        return canonical.isEmpty() ? List.of() : List.of(canonical.split("/", -1));
    }

    /** @return whether {@code ancestor} is {@code path} or an ancestor of it, by whole segments (canonical paths) */
    static boolean isAncestorOrSelf(String ancestor, String path) {
        return ancestor.isEmpty()
                || path.startsWith(ancestor) && (path.length() == ancestor.length() || path.charAt(ancestor.length()) == '/');
    }

    /** @return whether a change at {@code changed} touches a subscription at {@code subscribed} */
    static boolean touches(String subscribed, String changed) {
        return isAncestorOrSelf(subscribed, changed) || isAncestorOrSelf(changed, subscribed);
    }

    static String child(String path, String key) {
        return path.isEmpty() ? key : path + "/" + key;
    }
}
