package dev.hookline.server.documents;

/**
 * Which documents this node may load, write and store. On a single node it owns everything; in a
 * cluster a document is owned by the node that holds its lease ({@code docs/scaling.md}).
 */
public interface Ownership {

    /** A node on its own: every document is its own, without fencing. */
    Ownership SINGLE_NODE = new Ownership() {
        @Override
        public long claim(String document) {
            return 0;
        }

        @Override
        public boolean holds(String document, long fence) {
            return true;
        }

        @Override
        public void released(String document, long fence) {
        }
    };

    /**
     * Takes the document before it is loaded here.
     *
     * @return the fencing token of the ownership (0 on a single node), passed to the storage hooks
     * @throws DocumentElsewhere when another node owns it
     * @throws dev.hookline.api.Reject 4503 when ownership cannot be decided now (the cluster service is unreachable)
     */
    long claim(String document);

    /**
     * @return whether this node still holds the ownership taken with {@code fence}, as far as it can
     *         know without asking anyone: false once the lease may have expired
     */
    boolean holds(String document, long fence);

    /** The document left memory: its ownership can go to any node now. */
    void released(String document, long fence);
}
