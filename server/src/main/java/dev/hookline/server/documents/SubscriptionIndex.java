package dev.hookline.server.documents;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * Path subscriptions of one document, in a trie keyed by path segments, so that finding who a
 * change concerns costs the depth of the changed path plus the subscriptions found, not the
 * number of subscriptions: the walk goes down the changed path's segments (ancestors and self)
 * and then through the subtree below it (descendants). Matching is by whole segments: a
 * subscriber of {@code players/1} is never visited for a change at {@code players/10}.
 *
 * <p>Subscribers are compared with {@code equals}/{@code hashCode} (identity for a class that
 * does not override them) and kept in the order they subscribed.
 *
 * <p><b>Not thread-safe</b>: owned by the document's writer, like {@link DocumentState}.
 *
 * @param <T> the subscriber, e.g. a connection's subscription handle
 */
public final class SubscriptionIndex<T> {

    /** One path: its subscribers and the paths one segment below it. */
    private static final class Node<T> {
        final Node<T> parent;
        final String key;
        /** The canonical path, kept so that visiting builds no strings. */
        final String path;
        /** Created on first use: most nodes have either children or subscribers, not both. */
        Map<String, Node<T>> children;
        Set<T> subscribers;

        Node(Node<T> parent, String key, String path) {
            this.parent = parent;
            this.key = key;
            this.path = path;
        }

        boolean isEmpty() {
            return (children == null || children.isEmpty()) && (subscribers == null || subscribers.isEmpty());
        }
    }

    private final Node<T> root = new Node<>(null, "", "");
    private int size;

    /**
     * Subscribes; a no-op if this subscriber already has this path.
     *
     * @param path       the path subscribed to
     * @param subscriber who
     * @throws IllegalArgumentException if the path is invalid
     */
    public void add(String path, T subscriber) {
        Objects.requireNonNull(subscriber, "subscriber");
        Node<T> node = root;
        for (String segment : Paths.segments(path)) {
            if (node.children == null) {
                node.children = new LinkedHashMap<>();
            }
            Node<T> parent = node;
            node = node.children.computeIfAbsent(segment,
                    key -> new Node<>(parent, key, parent.path.isEmpty() ? key : parent.path + "/" + key));
        }
        if (node.subscribers == null) {
            node.subscribers = new LinkedHashSet<>();
        }
        if (node.subscribers.add(subscriber)) {
            size++;
        }
    }

    /**
     * Unsubscribes, and drops the trie nodes left with neither subscribers nor children.
     *
     * @param path       the path subscribed to
     * @param subscriber who
     * @return whether the subscription existed
     * @throws IllegalArgumentException if the path is invalid
     */
    public boolean remove(String path, T subscriber) {
        Node<T> node = find(Paths.segments(path));
        if (node == null || node.subscribers == null || !node.subscribers.remove(subscriber)) {
            return false;
        }
        size--;
        while (node.parent != null && node.isEmpty()) {
            node.parent.children.remove(node.key);
            node = node.parent;
        }
        return true;
    }

    /** @return whether there are no subscriptions */
    public boolean isEmpty() {
        return size == 0;
    }

    /** @return the number of (path, subscriber) pairs */
    public int size() {
        return size;
    }

    /**
     * Calls {@code action} once for every subscription that a change at {@code changedPath}
     * touches ({@link Paths#touches}): first those at the ancestors of the path, root first, then
     * at the path itself, then at every path below it. The action must not add or remove
     * subscriptions (collect them and do it afterwards).
     *
     * @param changedPath the path changed
     * @param action      given the subscribed path (canonical) and the subscriber
     * @throws IllegalArgumentException if the path is invalid
     */
    public void forEachTouched(String changedPath, BiConsumer<String, ? super T> action) {
        Node<T> node = root;
        for (String segment : Paths.segments(changedPath)) {
            visit(node, action);
            node = node.children == null ? null : node.children.get(segment);
            if (node == null) {
                return; // nobody at or below the changed path
            }
        }
        visitSubtree(node, action);
    }

    private void visitSubtree(Node<T> node, BiConsumer<String, ? super T> action) {
        visit(node, action);
        if (node.children != null) {
            // Recursion is bounded: a path of at most 1024 characters has at most 512 segments.
            for (Node<T> child : node.children.values()) {
                visitSubtree(child, action);
            }
        }
    }

    private void visit(Node<T> node, BiConsumer<String, ? super T> action) {
        if (node.subscribers != null) {
            for (T subscriber : node.subscribers) {
                action.accept(node.path, subscriber);
            }
        }
    }

    private Node<T> find(List<String> segments) {
        Node<T> node = root;
        for (String segment : segments) {
            node = node.children == null ? null : node.children.get(segment);
            if (node == null) {
                return null;
            }
        }
        return node;
    }
}
