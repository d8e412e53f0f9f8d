package dev.hookline.server.hooks;

import dev.hookline.api.payload.*;
import java.util.List;

/**
 * The catalogue of server hooks, one constant per method of {@link dev.hookline.api.ServerHooks},
 * in the order of DESIGN's hook table. {@code HooksCatalogueTest} checks that none is missing and
 * that {@link HookDispatch} calls the right method for each.
 */
public final class Hooks {

    public static final Hook<Configure> ON_CONFIGURE = new Hook<>(0, "onConfigure", Configure.class, true, null);
    public static final Hook<Listen> ON_LISTEN = new Hook<>(1, "onListen", Listen.class, false, null);
    public static final Hook<Destroy> ON_DESTROY = new Hook<>(2, "onDestroy", Destroy.class, false, null);
    public static final Hook<HttpRequest> ON_REQUEST = new Hook<>(3, "onRequest", HttpRequest.class, true, r -> r.response() != null);
    public static final Hook<Upgrade> ON_UPGRADE = new Hook<>(4, "onUpgrade", Upgrade.class, false, null);
    public static final Hook<Connect> ON_CONNECT = new Hook<>(5, "onConnect", Connect.class, true, null);
    public static final Hook<Connected> CONNECTED = new Hook<>(6, "connected", Connected.class, false, null);
    public static final Hook<KeepAlive> ON_KEEP_ALIVE = new Hook<>(7, "onKeepAlive", KeepAlive.class, true, null);
    public static final Hook<Heartbeat> ON_HEARTBEAT = new Hook<>(8, "onHeartbeat", Heartbeat.class, false, null);
    public static final Hook<Disconnect> ON_DISCONNECT = new Hook<>(9, "onDisconnect", Disconnect.class, false, null);
    public static final Hook<Authenticate> ON_AUTHENTICATE = new Hook<>(10, "onAuthenticate", Authenticate.class, true, null);
    public static final Hook<TokenSync> ON_TOKEN_SYNC = new Hook<>(11, "onTokenSync", TokenSync.class, true, null);
    public static final Hook<Join> ON_JOIN = new Hook<>(12, "onJoin", Join.class, false, null);
    public static final Hook<Leave> ON_LEAVE = new Hook<>(13, "onLeave", Leave.class, false, null);
    public static final Hook<Subscribe> ON_SUBSCRIBE = new Hook<>(14, "onSubscribe", Subscribe.class, true, null);
    public static final Hook<LoadDocument> ON_LOAD_DOCUMENT = new Hook<>(15, "onLoadDocument", LoadDocument.class, true, null);
    public static final Hook<DocumentLoaded> AFTER_LOAD_DOCUMENT = new Hook<>(16, "afterLoadDocument", DocumentLoaded.class, false, null);
    public static final Hook<InboundMessage> BEFORE_HANDLE_MESSAGE = new Hook<>(17, "beforeHandleMessage", InboundMessage.class, true, null);
    public static final Hook<Update> ON_UPDATE = new Hook<>(18, "onUpdate", Update.class, true, null);
    public static final Hook<Delete> ON_DELETE = new Hook<>(19, "onDelete", Delete.class, true, null);
    public static final Hook<Change> ON_CHANGE = new Hook<>(20, "onChange", Change.class, false, null);
    public static final Hook<StoreDocument> ON_STORE_DOCUMENT = new Hook<>(21, "onStoreDocument", StoreDocument.class, false, null);
    public static final Hook<DocumentStored> AFTER_STORE_DOCUMENT = new Hook<>(22, "afterStoreDocument", DocumentStored.class, false, null);
    public static final Hook<UnloadDocument> BEFORE_UNLOAD_DOCUMENT = new Hook<>(23, "beforeUnloadDocument", UnloadDocument.class, false, null);
    public static final Hook<DocumentUnloaded> AFTER_UNLOAD_DOCUMENT = new Hook<>(24, "afterUnloadDocument", DocumentUnloaded.class, false, null);
    public static final Hook<Awareness> BEFORE_HANDLE_AWARENESS = new Hook<>(25, "beforeHandleAwareness", Awareness.class, true, null);
    public static final Hook<AwarenessUpdate> ON_AWARENESS_UPDATE = new Hook<>(26, "onAwarenessUpdate", AwarenessUpdate.class, false, null);
    public static final Hook<Stateless> ON_STATELESS = new Hook<>(27, "onStateless", Stateless.class, true, null);
    public static final Hook<BroadcastStateless> BEFORE_BROADCAST_STATELESS = new Hook<>(28, "beforeBroadcastStateless", BroadcastStateless.class, true, null);

    private static final List<Hook<?>> ALL = List.of(
            ON_CONFIGURE,
            ON_LISTEN,
            ON_DESTROY,
            ON_REQUEST,
            ON_UPGRADE,
            ON_CONNECT,
            CONNECTED,
            ON_KEEP_ALIVE,
            ON_HEARTBEAT,
            ON_DISCONNECT,
            ON_AUTHENTICATE,
            ON_TOKEN_SYNC,
            ON_JOIN,
            ON_LEAVE,
            ON_SUBSCRIBE,
            ON_LOAD_DOCUMENT,
            AFTER_LOAD_DOCUMENT,
            BEFORE_HANDLE_MESSAGE,
            ON_UPDATE,
            ON_DELETE,
            ON_CHANGE,
            ON_STORE_DOCUMENT,
            AFTER_STORE_DOCUMENT,
            BEFORE_UNLOAD_DOCUMENT,
            AFTER_UNLOAD_DOCUMENT,
            BEFORE_HANDLE_AWARENESS,
            ON_AWARENESS_UPDATE,
            ON_STATELESS,
            BEFORE_BROADCAST_STATELESS);

    private Hooks() {
    }

    /** @return every server hook, indexed by {@link Hook#ordinal()} */
    public static List<Hook<?>> all() {
        return ALL;
    }

    /** @return the hook with that method name, or {@code null} */
    public static Hook<?> byName(String name) {
        for (Hook<?> hook : ALL) {
            if (hook.name().equals(name)) {
                return hook;
            }
        }
        return null;
    }
}
