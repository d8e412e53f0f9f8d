package dev.hookline.api;

import dev.hookline.api.payload.Authenticate;
import dev.hookline.api.payload.Awareness;
import dev.hookline.api.payload.AwarenessUpdate;
import dev.hookline.api.payload.BroadcastStateless;
import dev.hookline.api.payload.Change;
import dev.hookline.api.payload.Configure;
import dev.hookline.api.payload.Connect;
import dev.hookline.api.payload.Connected;
import dev.hookline.api.payload.Delete;
import dev.hookline.api.payload.Destroy;
import dev.hookline.api.payload.Disconnect;
import dev.hookline.api.payload.DocumentLoaded;
import dev.hookline.api.payload.DocumentStored;
import dev.hookline.api.payload.DocumentUnloaded;
import dev.hookline.api.payload.Heartbeat;
import dev.hookline.api.payload.HttpRequest;
import dev.hookline.api.payload.InboundMessage;
import dev.hookline.api.payload.Join;
import dev.hookline.api.payload.KeepAlive;
import dev.hookline.api.payload.Leave;
import dev.hookline.api.payload.Listen;
import dev.hookline.api.payload.LoadDocument;
import dev.hookline.api.payload.Stateless;
import dev.hookline.api.payload.StoreDocument;
import dev.hookline.api.payload.Subscribe;
import dev.hookline.api.payload.TokenSync;
import dev.hookline.api.payload.UnloadDocument;
import dev.hookline.api.payload.Update;
import dev.hookline.api.payload.Upgrade;

/**
 * The server's hooks. A plugin implements this interface in one or more classes, overriding only
 * the hooks it cares about, and lists the classes (one per line) in
 * {@code META-INF/services/dev.hookline.api.ServerHooks}. Each class needs a public no-argument
 * constructor; the server makes one instance per class when the plugin loads.
 *
 * <h2>Chains</h2>
 * For each hook the server builds a chain of the classes that override it, ordered by
 * {@link #priority()} (higher first; ties by plugin id, then class name). A hook that does not
 * override a method costs nothing for that event.
 *
 * <ul>
 *   <li><b>Rewrite.</b> A hook that returns a payload type may return {@code null} (no change) or a
 *       new payload made with the record's {@code withX} methods. The new payload is what every
 *       later hook, and the server itself, sees.</li>
 *   <li><b>Reject.</b> Throwing {@link Reject} stops the chain; the server takes the reject action
 *       documented on the hook.</li>
 *   <li><b>Stop.</b> Throwing {@link Stop} ends the chain successfully with the current payload;
 *       in a hook that returns a payload, {@link Stop#with(Object)} also rewrites it.</li>
 *   <li><b>Errors.</b> Any other exception counts as {@code Reject(4500, "internal error")}: it is
 *       logged with the plugin id and hook name, counted, and never reaches the client.</li>
 *   <li><b>Blocking.</b> Hooks run on virtual threads, never on network threads: blocking calls
 *       (JDBC, HTTP) are fine. Each call has a deadline (10 s unless configured); a hook that
 *       overruns it is interrupted and counts as a {@code 4504} reject ("hook onX timed out"),
 *       even if it returns a result later.</li>
 * </ul>
 *
 * <p>Instances are shared by every connection and document: keep them thread-safe.
 */
public interface ServerHooks {

    /**
     * The priority of every hook in this class: higher runs first. Configuration can override it
     * per plugin ({@code plugins.<id>.priority}).
     *
     * @return the priority; 100 unless overridden
     */
    default int priority() {
        return 100;
    }

    // ---- server lifecycle -------------------------------------------------------------------

    /**
     * Fires once, after the configuration is loaded and before the server listens.
     * Rewrite: the configuration the server starts with. Reject: start-up fails with the reason.
     */
    default Configure onConfigure(Configure configure, HookContext context) throws Exception {
        return null;
    }

    /** Fires once the listener is bound. Reject: start-up fails. */
    default void onListen(Listen listen, HookContext context) throws Exception {
    }

    /**
     * Fires last at shutdown, after connections were closed and every document stored.
     * Reject: logged.
     */
    default void onDestroy(Destroy destroy, HookContext context) throws Exception {
    }

    // ---- HTTP -------------------------------------------------------------------------------

    /**
     * Fires for each HTTP request before the built-in routes. Rewrite: the request the routes
     * see; a hook may also answer it with {@link HttpRequest#respond}, which ends the chain and
     * sends that response. Reject: answered with the HTTP status {@code code - 4000} and the
     * reason as the body.
     */
    default HttpRequest onRequest(HttpRequest request, HookContext context) throws Exception {
        return null;
    }

    /**
     * Fires before the WebSocket handshake. Reject: answered with HTTP status
     * {@code code - 4000}; no upgrade.
     */
    default void onUpgrade(Upgrade upgrade, HookContext context) throws Exception {
    }

    // ---- connections ------------------------------------------------------------------------

    /**
     * Fires when a socket is established. Rewrite: the connection's attributes and read-only flag
     * (the next hook sees them at once). Reject: the socket is closed with the reject's code and
     * reason.
     */
    default Connect onConnect(Connect connect, HookContext context) throws Exception {
        return null;
    }

    /** Fires after every {@code onConnect} hook accepted the socket. Reject: logged. */
    default void connected(Connected connected, HookContext context) throws Exception {
    }

    /**
     * Fires before each keep-alive ping the server sends. Rewrite: the ping's payload. Reject:
     * the server sends its goodbye with the reason, then closes the socket.
     */
    default KeepAlive onKeepAlive(KeepAlive keepAlive, HookContext context) throws Exception {
        return null;
    }

    /** Fires for each pong. Reject: goodbye with the reason, then close. */
    default void onHeartbeat(Heartbeat heartbeat, HookContext context) throws Exception {
    }

    /** Fires exactly once per socket, after it closed. Reject: logged. */
    default void onDisconnect(Disconnect disconnect, HookContext context) throws Exception {
    }

    // ---- document sessions ------------------------------------------------------------------

    /**
     * Fires when a client opens a document with its token. Rewrite: the session's attributes and
     * read-only flag (the next hook sees them at once). Reject: that document is denied with the
     * reject's code; the socket stays open.
     */
    default Authenticate onAuthenticate(Authenticate authenticate, HookContext context) throws Exception {
        return null;
    }

    /**
     * Fires when a client sends a fresh token for an open document. Rewrite: as
     * {@link #onAuthenticate}. Reject: that document session is closed with 4401.
     */
    default TokenSync onTokenSync(TokenSync tokenSync, HookContext context) throws Exception {
        return null;
    }

    /** Fires after a connection joined a document. Reject: logged. */
    default void onJoin(Join join, HookContext context) throws Exception {
    }

    /** Fires after a connection left a document. Reject: logged. */
    default void onLeave(Leave leave, HookContext context) throws Exception {
    }

    /**
     * Fires when a client subscribes to a path or to its keys: the place for read authorization.
     * Rewrite: the path subscribed. Reject: reading that path is denied.
     */
    default Subscribe onSubscribe(Subscribe subscribe, HookContext context) throws Exception {
        return null;
    }

    // ---- document lifecycle -----------------------------------------------------------------

    /**
     * Fires on the first open of a document that is not in memory; storage plugins load it here.
     * Rewrite: the initial state. Reject: every pending open of the document is denied, the
     * document is not created, and it can never be stored over real data.
     */
    default LoadDocument onLoadDocument(LoadDocument load, HookContext context) throws Exception {
        return null;
    }

    /** Fires when a loaded document is live. Reject: the opens fail as for {@link #onLoadDocument}. */
    default void afterLoadDocument(DocumentLoaded loaded, HookContext context) throws Exception {
    }

    /**
     * Fires for every inbound frame, before the server handles it. Rewrite: the frame handled.
     * Reject: the client gets an error reply (or the socket closes, for a close code).
     */
    default InboundMessage beforeHandleMessage(InboundMessage message, HookContext context) throws Exception {
        return null;
    }

    /**
     * Fires before a set or merge is applied: the place for write validation. Rewrite: path,
     * value and meta applied. Reject: nothing is applied; the sender gets an error with the code
     * and reason.
     */
    default Update onUpdate(Update update, HookContext context) throws Exception {
        return null;
    }

    /** Fires before a delete is applied. Rewrite: the path deleted. Reject: as {@link #onUpdate}. */
    default Delete onDelete(Delete delete, HookContext context) throws Exception {
        return null;
    }

    /**
     * Fires after a change is applied, before it is broadcast and acknowledged; a durable store
     * appends it here. Reject: the change is reverted and not broadcast; the sender gets an error.
     */
    default void onChange(Change change, HookContext context) throws Exception {
    }

    /**
     * Fires to store a document: debounced after changes, on last leave and on shutdown.
     * {@link Stop} means "stored, skip the remaining store hooks". Reject: the document stays in
     * memory and the store is retried with backoff.
     */
    default void onStoreDocument(StoreDocument store, HookContext context) throws Exception {
    }

    /** Fires after every store hook succeeded. Reject: logged. */
    default void afterStoreDocument(DocumentStored stored, HookContext context) throws Exception {
    }

    /** Fires when a document has no connections left and nothing pending. Reject: unload vetoed. */
    default void beforeUnloadDocument(UnloadDocument unload, HookContext context) throws Exception {
    }

    /** Fires after a document was removed from memory. Reject: logged. */
    default void afterUnloadDocument(DocumentUnloaded unloaded, HookContext context) throws Exception {
    }

    // ---- presence and stateless messages ----------------------------------------------------

    /**
     * Fires for an inbound presence state. Rewrite: the state shared. Reject: the update is
     * dropped and the sender gets an error.
     */
    default Awareness beforeHandleAwareness(Awareness awareness, HookContext context) throws Exception {
        return null;
    }

    /** Fires after a connection's presence changed. Reject: logged. */
    default void onAwarenessUpdate(AwarenessUpdate update, HookContext context) throws Exception {
    }

    /**
     * Fires when a client sends a stateless message. Rewrite: the payload. Reject: the sender
     * gets an error.
     */
    default Stateless onStateless(Stateless stateless, HookContext context) throws Exception {
        return null;
    }

    /**
     * Fires before a stateless broadcast fans out. Rewrite: the payload sent. Reject: the
     * broadcast is vetoed.
     */
    default BroadcastStateless beforeBroadcastStateless(BroadcastStateless broadcast, HookContext context)
            throws Exception {
        return null;
    }
}
