package dev.hookline.api.payload;

/**
 * Passed to {@code onDisconnect} exactly once per socket, after it closed.
 *
 * @param code the close code
 * @param reason the close reason, possibly empty
 */
public record Disconnect(int code, String reason) {
}
