package dev.hookline.api;

/**
 * Thrown by a hook to refuse what the hook is asked about. The chain stops at once: later
 * hooks do not run, and the server takes the reject action the hook documents (close the
 * socket, deny the document, answer the write with an error, and so on).
 *
 * <p>The code is a Hookline error code, {@code 4000 + } the nearest HTTP status: {@code 4401}
 * unauthorized, {@code 4403} forbidden, {@code 4404} not found, {@code 4429} too many requests.
 * Where the reject answers an HTTP request ({@code onRequest}, {@code onUpgrade}), the HTTP
 * status is {@code code - 4000}. The reason is sent to the client; keep secrets out of it.
 *
 * <p>A reject is control flow, not a failure: it carries no stack trace and costs little to throw.
 * Any other exception a hook throws counts as {@code Reject(4500, "internal error")}, is logged
 * with the plugin id and the hook name, and is never shown to the client.
 */
public class Reject extends RuntimeException {

    /** Bad request: the client sent something malformed. */
    public static final int BAD_REQUEST = 4400;
    /** Unauthorized: no or invalid credentials. */
    public static final int UNAUTHORIZED = 4401;
    /** Forbidden: valid credentials, but not allowed. */
    public static final int FORBIDDEN = 4403;
    /** Not found. */
    public static final int NOT_FOUND = 4404;
    /** Too many requests. */
    public static final int TOO_MANY_REQUESTS = 4429;
    /** Internal error: what any exception other than {@code Reject} or {@link Stop} becomes. */
    public static final int INTERNAL_ERROR = 4500;
    /** A hook overran its deadline. */
    public static final int HOOK_TIMEOUT = 4504;

    private static final long serialVersionUID = 1L;

    /** The reject code, 4000..4999. */
    private final int code;
    /** The reason sent to the client. */
    private final String reason;

    /**
     * @param code   a code from 4000 to 4999
     * @param reason a short, human-readable reason sent to the client; never {@code null}
     * @throws IllegalArgumentException if the code is outside 4000..4999
     */
    public Reject(int code, String reason) {
        super(code + " " + reason, null, false, false);
        if (code < 4000 || code > 4999) {
            throw new IllegalArgumentException("a reject code is 4000..4999 (4000 + an HTTP status), not " + code);
        }
        this.code = code;
        this.reason = reason == null ? "" : reason;
    }

    /** @return the code, 4000..4999 */
    public int code() {
        return code;
    }

    /** @return the reason given to the client */
    public String reason() {
        return reason;
    }

    /** @return the HTTP status this reject maps to, {@code code - 4000} */
    public int httpStatus() {
        return code - 4000;
    }

    /** @return a {@code 4400} reject */
    public static Reject badRequest(String reason) {
        return new Reject(BAD_REQUEST, reason);
    }

    /** @return a {@code 4401} reject */
    public static Reject unauthorized(String reason) {
        return new Reject(UNAUTHORIZED, reason);
    }

    /** @return a {@code 4403} reject */
    public static Reject forbidden(String reason) {
        return new Reject(FORBIDDEN, reason);
    }

    /** @return a {@code 4404} reject */
    public static Reject notFound(String reason) {
        return new Reject(NOT_FOUND, reason);
    }

    /** @return a {@code 4429} reject */
    public static Reject tooManyRequests(String reason) {
        return new Reject(TOO_MANY_REQUESTS, reason);
    }
}
