package dev.hookline.client;

import dev.hookline.api.Stop;
import dev.hookline.api.client.ClientHooks;
import dev.hookline.api.client.DeleteRequest;
import dev.hookline.api.client.Goodbye;
import dev.hookline.api.client.Heartbeat;
import dev.hookline.api.client.SetRequest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client hooks, one array per hook, holding only the instances that override it, in chain
 * order: higher {@link ClientHooks#priority()} first, ties in registration order. Running a chain
 * allocates nothing beyond what the hooks return; an empty chain costs a length check.
 *
 * <p>Rules, as on the server: {@code null} = no change; a returned payload is what the next hook
 * sees; {@link Stop} ends the chain successfully ({@link Stop#with} also replaces the payload).
 * For {@code set} and {@code delete} any other exception is thrown on (the write is dropped); for
 * the event hooks it is logged and the chain goes on.
 */
final class HookChain {

    private static final Logger log = LoggerFactory.getLogger(HookChain.class);

    private final ClientHooks[] set;
    private final ClientHooks[] delete;
    private final ClientHooks[] firstConnect;
    private final ClientHooks[] reconnect;
    private final ClientHooks[] goodbye;
    private final ClientHooks[] disconnect;
    private final ClientHooks[] heartbeat;

    HookChain(List<ClientHooks> registered) {
        List<ClientHooks> ordered = new ArrayList<>(registered);
        // List.sort is stable: ties keep registration order.
        ordered.sort(Comparator.comparingInt(ClientHooks::priority).reversed());
        set = overriding(ordered, "set", SetRequest.class);
        delete = overriding(ordered, "delete", DeleteRequest.class);
        firstConnect = overriding(ordered, "firstConnect");
        reconnect = overriding(ordered, "reconnect", int.class);
        goodbye = overriding(ordered, "serverDisconnectMessage", Goodbye.class);
        disconnect = overriding(ordered, "disconnect", int.class, String.class);
        heartbeat = overriding(ordered, "heartbeat", Heartbeat.class);
    }

    private static ClientHooks[] overriding(List<ClientHooks> hooks, String name, Class<?>... parameters) {
        return hooks.stream().filter(h -> overrides(h, name, parameters)).toArray(ClientHooks[]::new);
    }

    private static boolean overrides(ClientHooks hook, String name, Class<?>... parameters) {
        try {
            return hook.getClass().getMethod(name, parameters).getDeclaringClass() != ClientHooks.class;
        } catch (NoSuchMethodException | SecurityException e) {
            return true;
        }
    }

    boolean hasSet() {
        return set.length > 0;
    }

    boolean hasDelete() {
        return delete.length > 0;
    }

    /** @throws Exception when a hook drops the write */
    SetRequest set(SetRequest request) throws Exception {
        SetRequest current = request;
        for (ClientHooks hook : set) {
            try {
                SetRequest rewritten = hook.set(current);
                if (rewritten != null) {
                    current = rewritten;
                }
            } catch (Stop stop) {
                return stopped(stop, current, SetRequest.class, hook);
            }
        }
        return current;
    }

    /** @throws Exception when a hook drops the delete */
    DeleteRequest delete(DeleteRequest request) throws Exception {
        DeleteRequest current = request;
        for (ClientHooks hook : delete) {
            try {
                DeleteRequest rewritten = hook.delete(current);
                if (rewritten != null) {
                    current = rewritten;
                }
            } catch (Stop stop) {
                return stopped(stop, current, DeleteRequest.class, hook);
            }
        }
        return current;
    }

    Heartbeat heartbeat(Heartbeat beat) {
        Heartbeat current = beat;
        for (ClientHooks hook : heartbeat) {
            try {
                Heartbeat rewritten = hook.heartbeat(current);
                if (rewritten != null) {
                    current = rewritten;
                }
            } catch (Stop stop) {
                try {
                    return stopped(stop, current, Heartbeat.class, hook);
                } catch (IllegalStateException e) {
                    log.warn("{}", e.getMessage());
                    return current;
                }
            } catch (Exception e) {
                log.warn("client hook {}.heartbeat failed; the pong goes on with the payload as it stood", name(hook), e);
            }
        }
        return current;
    }

    void firstConnect() {
        for (ClientHooks hook : firstConnect) {
            if (!event(hook, "firstConnect", () -> hook.firstConnect())) {
                return;
            }
        }
    }

    void reconnect(int attempts) {
        for (ClientHooks hook : reconnect) {
            if (!event(hook, "reconnect", () -> hook.reconnect(attempts))) {
                return;
            }
        }
    }

    void serverDisconnectMessage(Goodbye bye) {
        for (ClientHooks hook : goodbye) {
            if (!event(hook, "serverDisconnectMessage", () -> hook.serverDisconnectMessage(bye))) {
                return;
            }
        }
    }

    void disconnect(int code, String reason) {
        for (ClientHooks hook : disconnect) {
            if (!event(hook, "disconnect", () -> hook.disconnect(code, reason))) {
                return;
            }
        }
    }

    @FunctionalInterface
    private interface Call {
        void run() throws Exception;
    }

    /** @return whether the chain goes on */
    private static boolean event(ClientHooks hook, String name, Call call) {
        try {
            call.run();
            return true;
        } catch (Stop stop) {
            return false;
        } catch (Exception e) {
            log.warn("client hook {}.{} failed", name(hook), name, e);
            return true;
        }
    }

    private static <T> T stopped(Stop stop, T current, Class<T> type, ClientHooks hook) {
        Object payload = stop.payload();
        if (payload == null) {
            return current;
        }
        if (type.isInstance(payload)) {
            return type.cast(payload);
        }
        throw new IllegalStateException("client hook " + name(hook) + " stopped with a "
                + payload.getClass().getName() + ", not a " + type.getSimpleName());
    }

    private static String name(ClientHooks hook) {
        return hook.getClass().getName();
    }
}
