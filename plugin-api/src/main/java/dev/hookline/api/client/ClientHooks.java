package dev.hookline.api.client;

/**
 * Hooks of the Hookline clients. An application registers instances with the client; for each
 * hook they form a chain with the same rules as {@link dev.hookline.api.ServerHooks}: higher
 * {@link #priority()} first (ties in registration order), {@code null} means "no change", a
 * returned payload is seen by the next hook and by the client, and {@link dev.hookline.api.Stop}
 * ends the chain successfully.
 *
 * <p>Client hooks run on the client's own thread for events; keep them short.
 */
public interface ClientHooks {

    /** @return the priority of this instance's hooks: higher runs first; 100 unless overridden */
    default int priority() {
        return 100;
    }

    /**
     * Before a set or merge is sent. Rewrite: path, value and meta sent. Any exception drops the
     * write: it is not sent and its acknowledgement fails with that exception.
     */
    default SetRequest set(SetRequest request) throws Exception {
        return null;
    }

    /** Before a delete is sent. Rewrite: the path deleted. Any exception drops the delete. */
    default DeleteRequest delete(DeleteRequest request) throws Exception {
        return null;
    }

    /** After the first successful connection. */
    default void firstConnect() throws Exception {
    }

    /**
     * After a reconnection succeeded, before subscriptions are resumed.
     *
     * @param attempts how many attempts it took
     */
    default void reconnect(int attempts) throws Exception {
    }

    /**
     * When the server's goodbye arrives, before {@link #disconnect}: the server says why it is
     * about to close the connection.
     */
    default void serverDisconnectMessage(Goodbye goodbye) throws Exception {
    }

    /**
     * After the connection closed, whatever the cause.
     *
     * @param code   the close code
     * @param reason the close reason, possibly empty
     */
    default void disconnect(int code, String reason) throws Exception {
    }

    /**
     * For each keep-alive ping from the server. Rewrite: the pong payload (initially the ping's
     * payload, echoed).
     */
    default Heartbeat heartbeat(Heartbeat heartbeat) throws Exception {
        return null;
    }
}
