package dev.hookline.server.protocol;

/** A frame the server cannot accept: answered with an error carrying this code and reason. */
public final class ProtocolException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int code;
    private final String reason;
    private final Long requestId;

    public ProtocolException(int code, String reason, Long requestId) {
        super(code + " " + reason, null, false, false);
        this.code = code;
        this.reason = reason;
        this.requestId = requestId;
    }

    public int code() {
        return code;
    }

    public String reason() {
        return reason;
    }

    /** @return the id of the request, when the frame had a readable one */
    public Long requestId() {
        return requestId;
    }
}
