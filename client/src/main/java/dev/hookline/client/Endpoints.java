package dev.hookline.client;

import java.net.URI;
import java.util.List;

/**
 * The servers a client may connect to, taken in turn. Without a load balancer a client that knew
 * one node could not reach another when that node died: the first attempt goes to the first URI
 * and every later attempt (after a failed attempt or a lost connection) to the next one, round
 * the list, so a client of a dead node lands on a live one within one pass. Event thread only.
 */
final class Endpoints {

    private final List<URI> uris;
    private int next;

    /** @param uris not empty, no nulls (the builder checked) */
    Endpoints(List<URI> uris) {
        this.uris = List.copyOf(uris);
    }

    /** @return the URI of the next connection attempt: the first one first, then round the list */
    URI advance() {
        URI uri = uris.get(next);
        next = (next + 1) % uris.size();
        return uri;
    }
}
