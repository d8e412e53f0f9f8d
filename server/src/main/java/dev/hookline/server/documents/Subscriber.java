package dev.hookline.server.documents;

/**
 * One subscription: a member following the value at a path (and its subtree), or its child keys.
 *
 * @param member the member
 * @param id     the id of the request that made it; the client refers to it to unsubscribe
 * @param path   the canonical path
 * @param keys   whether it follows the child keys rather than the value
 */
public record Subscriber(Member member, long id, String path, boolean keys) {
}
