package dev.hookline.server.session;

import dev.hookline.api.Reject;
import dev.hookline.server.documents.DocumentElsewhere;
import dev.hookline.server.documents.DocumentRegistry;
import dev.hookline.server.documents.LiveDocument;
import dev.hookline.server.protocol.Codes;
import java.util.concurrent.ExecutionException;

/**
 * Joins a session to its document: in this node's memory (loading it if needed), or, in a cluster,
 * on the node that owns it, through the {@link Relay}.
 */
public final class DocumentLinks {

    /** How often a join follows a document whose owner changes under it before giving up. */
    private static final int MAX_HOPS = 8;

    private final DocumentRegistry documents;
    private volatile Relay relay;

    public DocumentLinks(DocumentRegistry documents) {
        this.documents = documents;
    }

    /** Makes documents owned elsewhere reachable (a cluster node); set once, at start. */
    public void relay(Relay relay) {
        this.relay = relay;
    }

    /**
     * @return the session's link and the version at the join
     * @throws Reject the load's reject, or 4503 when the document's owner cannot be reached
     */
    Relay.Joined join(DocumentSession session) {
        String name = session.name();
        for (int hop = 0; ; hop++) {
            LiveDocument document;
            try {
                document = documents.acquire(name).get();
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                if (cause instanceof DocumentElsewhere elsewhere && relay != null) {
                    try {
                        return relay.join(elsewhere.owner(), session);
                    } catch (DocumentElsewhere moved) {
                        if (hop >= MAX_HOPS) {
                            throw new Reject(Codes.UNAVAILABLE, "document " + name
                                    + " changes owner too often to be opened now; try again");
                        }
                        continue; // its owner changed meanwhile: look again
                    }
                }
                throw cause instanceof Reject r ? r : new Reject(Codes.INTERNAL, "internal error");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new Reject(Codes.UNAVAILABLE, "interrupted");
            }
            LiveDocument live = document;
            Long joinedAt = live.lane().call(() -> live.join(session) ? live.version() : null);
            if (joinedAt != null) {
                return new Relay.Joined(new LocalLink(documents, live, session, session.answers()), joinedAt);
            }
            // Unloaded between acquire and join: acquire again (it loads afresh).
        }
    }
}
