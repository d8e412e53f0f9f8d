package dev.hookline.server.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hookline.api.Operation;

/** A frame from a client, parsed and validated. Requests carry an {@code id}; the others may not. */
public sealed interface Inbound {

    /** @return the request id, or {@code null} for a frame that expects no answer */
    Long id();

    /** Opens a document with a token: answered with an ack carrying the version, or an error. */
    record Open(Long id, String doc, String token) implements Inbound {
    }

    /** Leaves a document. */
    record Leave(Long id, String doc) implements Inbound {
    }

    /**
     * Subscribes to a path's value (and every change in its subtree), or to its child keys.
     * {@code since} is the last version the client saw, or -1 for a fresh snapshot.
     */
    record Subscribe(Long id, String doc, String path, boolean keys, long since) implements Inbound {
    }

    /** Ends the subscription made by request {@code sub}. */
    record Unsubscribe(Long id, String doc, long sub) implements Inbound {
    }

    /** A set, merge or delete. */
    record Write(Long id, String doc, Operation op, String path, JsonNode value, JsonNode meta) implements Inbound {
    }

    /** This connection's presence state in a document ({@code null} clears it). */
    record Presence(Long id, String doc, JsonNode state) implements Inbound {
    }

    /** A stateless message for the document's other connections. */
    record Stateless(Long id, String doc, JsonNode payload) implements Inbound {
    }

    /** A fresh token for an open document. */
    record Token(Long id, String doc, String token) implements Inbound {
    }

    /** The answer to a server ping. */
    record Pong(Long id, JsonNode payload) implements Inbound {
    }
}
