/**
 * The in-memory document model: {@link dev.hookline.server.documents.Paths paths},
 * {@link dev.hookline.server.documents.DocumentState a document's tree, version and meta} with
 * revertible changes, the {@link dev.hookline.server.documents.SubscriptionIndex index of path
 * subscriptions} and the {@link dev.hookline.server.documents.ChangeLog log of recent changes}
 * that catches reconnecting clients up. None of it is thread-safe: each document has one writer,
 * which owns its state, index and log.
 */
package dev.hookline.server.documents;
