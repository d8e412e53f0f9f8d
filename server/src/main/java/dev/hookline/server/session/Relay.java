package dev.hookline.server.session;

import dev.hookline.api.Reject;

/**
 * Reaches documents that another node of the cluster owns. Implemented by the cluster; a single
 * node has none.
 */
public interface Relay {

    /**
     * Joins the session to the document on its owner, through the owner's relay.
     *
     * @return the link to the document there, once joined, with the version at the join
     * @throws dev.hookline.server.documents.DocumentElsewhere when {@code owner} no longer owns it
     *         (try again: the caller looks for the owner anew)
     * @throws Reject the owner's refusal (its load failed), or 4503 when it cannot be reached
     */
    Joined join(String owner, DocumentSession session);

    /** A session joined to its document: how to reach it, and the version at the join. */
    record Joined(DocumentLink link, long version) {
    }
}
