package dev.hookline.api.payload;

/**
 * Passed to {@code onListen} once the listener is bound.
 *
 * @param host the bound host
 * @param port the bound port (the real one when 0 was configured)
 */
public record Listen(String host, int port) {
}
