package dev.hookline.client;

/** The state of a {@link HooklineClient}'s connection. */
public enum Status {
    /** Opening a socket, or waiting for the server's welcome (also between reconnect attempts). */
    CONNECTING,
    /** Welcomed by the server: requests are being sent. */
    OPEN,
    /** The socket closed; a reconnect follows unless the client was {@linkplain HooklineClient#close() closed}. */
    CLOSED
}
