package dev.hookline.server.protocol;

/**
 * Error and close codes of protocol v1: {@code 4000 +} the nearest HTTP status, plus the two
 * standard WebSocket codes the server uses. {@code docs/protocol.md} documents each one.
 */
public final class Codes {

    /** Normal close. */
    public static final int NORMAL = 1000;
    /** Going away: the server shuts down. */
    public static final int GOING_AWAY = 1001;
    /** A frame larger than the limit. */
    public static final int TOO_BIG = 1009;
    /** Malformed frame, unknown type, missing or invalid field. */
    public static final int BAD_REQUEST = 4400;
    /** Authentication failed or the token was refused. */
    public static final int UNAUTHORIZED = 4401;
    /** Not allowed: a read-only session writing, a denied subscription. */
    public static final int FORBIDDEN = 4403;
    /** The document is not open on this connection, or the subscription does not exist. */
    public static final int NOT_FOUND = 4404;
    /** No pong in time: the connection was idle too long. */
    public static final int TIMEOUT = 4408;
    /** The document is already open on this connection. */
    public static final int CONFLICT = 4409;
    /** A payload over its limit: a stateless payload or a presence state (nothing is sent on). */
    public static final int PAYLOAD_TOO_LARGE = 4413;
    /** A limit was reached: open documents per connection, queued frames. */
    public static final int TOO_MANY = 4429;
    /** A hook failed (an exception other than a reject), or the server failed. */
    public static final int INTERNAL = 4500;
    /** The server is shutting down. */
    public static final int UNAVAILABLE = 4503;
    /** A hook overran its deadline. */
    public static final int HOOK_TIMEOUT = 4504;
    /**
     * Slow consumer: the client did not read its frames, and its outbound queue passed the
     * limit. (507 Insufficient Storage: the server will not buffer more for it.)
     */
    public static final int SLOW_CONSUMER = 4507;

    private Codes() {
    }
}
