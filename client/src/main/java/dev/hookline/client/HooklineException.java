package dev.hookline.client;

/**
 * A request the server (or the client, on the server's behalf) refused, with the protocol's code
 * and reason: {@code 4400} bad request, {@code 4401} unauthorized, {@code 4403} forbidden,
 * {@code 4404} not open or not found, {@code 4409} conflict, {@code 4413} payload too large,
 * {@code 4429} too many, {@code 4500} internal... (see {@code docs/protocol.md}, "Error and close codes").
 *
 * <p>When the connection closes before a request was answered, the request fails with the close
 * code (for example {@code 1006} when the socket dropped, {@code 4408} after an idle timeout,
 * {@code 1000} when the client was closed): the server may or may not have applied it.
 */
public class HooklineException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int code;
    private final String reason;

    /**
     * @param code   the protocol code (4000..4999) or a WebSocket close code
     * @param reason human-readable; not meant to be parsed
     */
    public HooklineException(int code, String reason) {
        super(code + " " + reason);
        this.code = code;
        this.reason = reason;
    }

    /** @return the code: an error code from an {@code error} frame, or a close code */
    public int code() {
        return code;
    }

    /** @return the reason the server gave */
    public String reason() {
        return reason;
    }
}
