package dev.hookline.client;

import java.util.concurrent.CompletableFuture;

/** A request waiting for its ack or error. */
final class Pending {

    enum Kind { OPEN, SUB, WRITE, VOID, TOKEN }

    final long id;
    final Kind kind;
    final ClientDocument document;
    /** WRITE: Long; VOID, TOKEN: Void; OPEN: ClientDocument; SUB: unused (the entry handles it). */
    final CompletableFuture<Object> future;
    /** SUB: the entry subscribed; TOKEN: the new token. */
    final Object subject;
    /** The connection it was sent on; 0 while queued. */
    volatile int generation;

    Pending(long id, Kind kind, ClientDocument document, CompletableFuture<Object> future, Object subject) {
        this.id = id;
        this.kind = kind;
        this.document = document;
        this.future = future;
        this.subject = subject;
    }
}
