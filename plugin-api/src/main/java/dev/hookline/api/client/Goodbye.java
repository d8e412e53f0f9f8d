package dev.hookline.api.client;

/**
 * The server's last word before it closes a connection, passed to
 * {@link ClientHooks#serverDisconnectMessage}.
 *
 * @param code   the close code that follows
 * @param reason why the server closes the connection
 */
public record Goodbye(int code, String reason) {
}
