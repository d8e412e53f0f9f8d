package dev.hookline.server.documents;

/**
 * A change that cannot be applied to a document, through the fault of whoever asked for it: a
 * value of the wrong type, a path through something that is not an object. The document is left
 * as it was. The server answers the write with an error carrying {@link #code()} and
 * {@link #reason()}; the reason is written for the client and names the path and the types
 * involved.
 *
 * <p>Like {@code Reject}, it is control flow: it carries no stack trace and costs little to throw.
 */
public class DocumentException extends RuntimeException {

    /** Bad request: what every error of the document model is today. */
    public static final int BAD_REQUEST = 4400;

    private static final long serialVersionUID = 1L;

    /** The Hookline error code, 4000 + the nearest HTTP status. */
    private final int code;
    /** The reason sent to the client. */
    private final String reason;

    /**
     * @param code   a Hookline error code (4000 + an HTTP status), e.g. {@link #BAD_REQUEST}
     * @param reason a short reason for the client; {@code null} becomes {@code ""}
     */
    public DocumentException(int code, String reason) {
        super(code + " " + reason, null, false, false);
        this.code = code;
        this.reason = reason == null ? "" : reason;
    }

    /** @return the error code, e.g. 4400 */
    public int code() {
        return code;
    }

    /** @return the reason given to the client */
    public String reason() {
        return reason;
    }
}
