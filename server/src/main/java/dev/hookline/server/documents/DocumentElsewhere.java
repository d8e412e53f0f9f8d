package dev.hookline.server.documents;

import dev.hookline.api.Reject;

/**
 * A document another node of the cluster owns: it is not loaded here; requests for it are relayed
 * to {@link #owner()}. Reaches a client only where nothing can relay (4503).
 */
public final class DocumentElsewhere extends Reject {

    private final String owner;

    public DocumentElsewhere(String document, String owner) {
        super(4503, "document " + document + " is owned by node " + owner);
        this.owner = owner;
    }

    /** @return the id of the node that owns the document */
    public String owner() {
        return owner;
    }
}
