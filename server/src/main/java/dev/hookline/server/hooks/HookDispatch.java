package dev.hookline.server.hooks;

import dev.hookline.api.HookContext;
import dev.hookline.api.ServerHooks;
import dev.hookline.api.payload.*;

/**
 * Calls the method of a hook by its ordinal. One {@code switch} gives every hook a call site of its
 * own, so the only dynamic dispatch left per call is the plugin's own method: a chain loop that
 * called through one lambda per hook would pay a second, megamorphic, interface call on every
 * hook (measured: see docs/benchmarks.md).
 */
final class HookDispatch {

    private HookDispatch() {
    }

    /** @return the hook's result: a rewritten payload, or {@code null} for none and for void hooks */
    static Object call(int ordinal, ServerHooks hooks, Object payload, HookContext context) throws Exception {
        switch (ordinal) {
            case 0: return hooks.onConfigure((Configure) payload, context);
            case 1: hooks.onListen((Listen) payload, context); return null;
            case 2: hooks.onDestroy((Destroy) payload, context); return null;
            case 3: return hooks.onRequest((HttpRequest) payload, context);
            case 4: hooks.onUpgrade((Upgrade) payload, context); return null;
            case 5: return hooks.onConnect((Connect) payload, context);
            case 6: hooks.connected((Connected) payload, context); return null;
            case 7: return hooks.onKeepAlive((KeepAlive) payload, context);
            case 8: hooks.onHeartbeat((Heartbeat) payload, context); return null;
            case 9: hooks.onDisconnect((Disconnect) payload, context); return null;
            case 10: return hooks.onAuthenticate((Authenticate) payload, context);
            case 11: return hooks.onTokenSync((TokenSync) payload, context);
            case 12: hooks.onJoin((Join) payload, context); return null;
            case 13: hooks.onLeave((Leave) payload, context); return null;
            case 14: return hooks.onSubscribe((Subscribe) payload, context);
            case 15: return hooks.onLoadDocument((LoadDocument) payload, context);
            case 16: hooks.afterLoadDocument((DocumentLoaded) payload, context); return null;
            case 17: return hooks.beforeHandleMessage((InboundMessage) payload, context);
            case 18: return hooks.onUpdate((Update) payload, context);
            case 19: return hooks.onDelete((Delete) payload, context);
            case 20: hooks.onChange((Change) payload, context); return null;
            case 21: hooks.onStoreDocument((StoreDocument) payload, context); return null;
            case 22: hooks.afterStoreDocument((DocumentStored) payload, context); return null;
            case 23: hooks.beforeUnloadDocument((UnloadDocument) payload, context); return null;
            case 24: hooks.afterUnloadDocument((DocumentUnloaded) payload, context); return null;
            case 25: return hooks.beforeHandleAwareness((Awareness) payload, context);
            case 26: hooks.onAwarenessUpdate((AwarenessUpdate) payload, context); return null;
            case 27: return hooks.onStateless((Stateless) payload, context);
            case 28: return hooks.beforeBroadcastStateless((BroadcastStateless) payload, context);
            default: throw new IllegalArgumentException("no hook with ordinal " + ordinal);
        }
    }
}
