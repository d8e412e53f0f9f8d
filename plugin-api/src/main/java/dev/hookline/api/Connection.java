package dev.hookline.api;

import java.util.Map;

/**
 * A client's WebSocket connection, as hooks see it. Safe to keep and use after the hook returns:
 * it stays valid (and {@link #isOpen()} turns false) after the socket closes.
 */
public interface Connection {

    /** @return the server-assigned id, unique while the server runs */
    String id();

    /** @return the remote address as {@code host:port} */
    String remoteAddress();

    /**
     * @return the connection's attributes: what {@code onConnect} hooks returned, with what
     *         {@code onAuthenticate} and {@code onTokenSync} hooks added for any document merged in,
     *         in the order they ran; an immutable snapshot
     */
    Map<String, Object> attributes();

    /**
     * @return whether the whole connection may only read (set by {@code onConnect} hooks); a
     *         document session can also be made read-only by {@code onAuthenticate}
     */
    boolean readOnly();

    /** @return whether the socket is still open */
    boolean isOpen();

    /**
     * Sends the goodbye message and closes the socket.
     *
     * @param code   a close code, 4000..4999 (or 1000 for a normal close)
     * @param reason the reason given in the goodbye and the close frame
     */
    void close(int code, String reason);
}
