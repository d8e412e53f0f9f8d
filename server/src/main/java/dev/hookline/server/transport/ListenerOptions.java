package dev.hookline.server.transport;

import dev.hookline.server.config.ServerConfig;
import io.undertow.Undertow;
import io.undertow.UndertowOptions;
import org.xnio.Options;

/**
 * The Undertow and XNIO options that bound what one client can make the listener hold: request
 * head size and count, the time to send one, request bodies, and open TCP connections.
 */
public final class ListenerOptions {

    private ListenerOptions() {
    }

    /**
     * Applies the limits to a builder.
     *
     * @return the builder
     */
    public static Undertow.Builder apply(Undertow.Builder builder, ServerConfig config, ConnectionBudget budget) {
        ServerConfig.ConnectionLimits limits = config.connections();
        int headTimeoutMillis = (int) Math.min(Integer.MAX_VALUE, limits.requestHeadTimeout().toMillis());
        return builder
                // Bodies: HTTP routes take none bigger than a frame (onRequest sees no body at all).
                .setServerOption(UndertowOptions.MAX_ENTITY_SIZE, (long) config.maxFrameBytes())
                // Request heads: Undertow's default is 1 MiB per connection, which let 1,000
                // unfinished heads fill a 1 GiB heap. Over the limit, Undertow answers 400 and closes.
                .setServerOption(UndertowOptions.MAX_HEADER_SIZE, limits.maxHeaderBytes())
                .setServerOption(UndertowOptions.MAX_HEADERS, limits.maxHeaders())
                .setServerOption(UndertowOptions.MAX_COOKIES, limits.maxHeaders())
                .setServerOption(UndertowOptions.MAX_PARAMETERS, limits.maxHeaders())
                // Slowloris: a head dribbled byte by byte is cut when its parse runs past the timeout;
                // a connection that sends nothing (or nothing more after a response) when it sat idle
                // that long. Neither touches an upgraded WebSocket, which has its own keep-alive.
                .setServerOption(UndertowOptions.REQUEST_PARSE_TIMEOUT, headTimeoutMillis)
                .setServerOption(UndertowOptions.NO_REQUEST_TIMEOUT, headTimeoutMillis)
                // Descriptors: above the high water the listener stops accepting (clients wait in
                // the kernel's backlog), below the low water it accepts again. XNIO splits both
                // among the IO threads.
                .setSocketOption(Options.CONNECTION_HIGH_WATER, budget.acceptHighWater())
                .setSocketOption(Options.CONNECTION_LOW_WATER, budget.acceptLowWater());
    }
}
