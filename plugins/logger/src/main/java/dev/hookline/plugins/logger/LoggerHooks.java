package dev.hookline.plugins.logger;

import dev.hookline.api.HookContext;
import dev.hookline.api.ServerHooks;
import dev.hookline.api.payload.Authenticate;
import dev.hookline.api.payload.Change;
import dev.hookline.api.payload.Configure;
import dev.hookline.api.payload.Connect;
import dev.hookline.api.payload.Connected;
import dev.hookline.api.payload.Destroy;
import dev.hookline.api.payload.Disconnect;
import dev.hookline.api.payload.DocumentLoaded;
import dev.hookline.api.payload.DocumentStored;
import dev.hookline.api.payload.DocumentUnloaded;
import dev.hookline.api.payload.HttpRequest;
import dev.hookline.api.payload.Join;
import dev.hookline.api.payload.Leave;
import dev.hookline.api.payload.Listen;
import dev.hookline.api.payload.LoadDocument;
import dev.hookline.api.payload.Upgrade;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;

/**
 * Logs the lifecycle events named in the {@code events} setting, one line each, through the
 * plugin's logger ({@code hookline.plugin.logger}), modelled on Hocuspocus's Logger extension.
 *
 * <p><b>Observer only.</b> Every hook returns {@code null} (no rewrite) and never throws: a
 * failure to format or write a line is caught and reported once at WARN. Invalid settings do not
 * stop anything either: they are reported once at ERROR, naming the key, and the defaults apply.
 *
 * <p><b>Runs last.</b> Priority {@value #PRIORITY}, far below the default 100 (and below sqlite's
 * 10): in every chain the logger sees the payload as the other plugins left it (the attributes
 * {@code onConnect} hooks set, the state and version the storage loaded), and an event that an
 * earlier hook rejected (or ended with {@code Stop}) is not logged. The configuration can still
 * override it ({@code plugins.logger.priority}).
 *
 * <p><b>Cheap.</b> A hook class joins the chain of every method it overrides, whatever its
 * settings, and Java cannot override conditionally; so each hook first checks its bit in
 * {@link #mask} (one plain field read, a mask and a branch) and returns when its event is off.
 * The settings are bound once, on the first call (normally {@code onConfigure} at start-up);
 * until then the mask has every bit set, so the first calls take the slow path that binds them.
 * The field is deliberately not volatile: a thread that still sees the initial value only takes
 * the slow path once more, which reads the bound settings from {@link #state}.
 */
public class LoggerHooks implements ServerHooks {

    /** The priority of every hook of this class: runs after every plugin with a higher one. */
    public static final int PRIORITY = -1000;

    private static final int UNBOUND = -1;

    private static final int CONFIGURE = Event.ON_CONFIGURE.bit();
    private static final int LISTEN = Event.ON_LISTEN.bit();
    private static final int DESTROY = Event.ON_DESTROY.bit();
    private static final int REQUEST = Event.ON_REQUEST.bit();
    private static final int UPGRADE = Event.ON_UPGRADE.bit();
    private static final int CONNECT = Event.ON_CONNECT.bit();
    private static final int CONNECTED = Event.CONNECTED.bit();
    private static final int DISCONNECT = Event.ON_DISCONNECT.bit();
    private static final int AUTHENTICATE = Event.ON_AUTHENTICATE.bit();
    private static final int JOIN = Event.ON_JOIN.bit();
    private static final int LEAVE = Event.ON_LEAVE.bit();
    private static final int LOAD = Event.ON_LOAD_DOCUMENT.bit();
    private static final int LOADED = Event.AFTER_LOAD_DOCUMENT.bit();
    private static final int CHANGE = Event.ON_CHANGE.bit();
    private static final int STORED = Event.AFTER_STORE_DOCUMENT.bit();
    private static final int UNLOADED = Event.AFTER_UNLOAD_DOCUMENT.bit();

    /** The bound settings, ready to use. */
    record State(int mask, String prefix, boolean debug, boolean includeAttributes) {
        static State of(LoggerSettings settings) {
            String prefix = settings.prefix().isEmpty() ? "" : "[" + settings.prefix() + "] ";
            return new State(settings.mask(), prefix, settings.debug(), settings.includeAttributes());
        }
    }

    /** The events to log; {@link #UNBOUND} (every bit) until the settings are bound. */
    private int mask = UNBOUND;
    private final AtomicReference<State> state = new AtomicReference<>();
    private final AtomicBoolean failureReported = new AtomicBoolean();

    /** Creates the hooks; the settings are bound on the first call. */
    public LoggerHooks() {
    }

    @Override
    public int priority() {
        return PRIORITY;
    }

    // ---- the hooks: one field read when the event is off ---------------------------------------

    @Override
    public Configure onConfigure(Configure configure, HookContext context) {
        if ((mask & CONFIGURE) != 0) {
            emit(CONFIGURE, configure, context);
        }
        return null;
    }

    @Override
    public void onListen(Listen listen, HookContext context) {
        if ((mask & LISTEN) != 0) {
            emit(LISTEN, listen, context);
        }
    }

    @Override
    public void onDestroy(Destroy destroy, HookContext context) {
        if ((mask & DESTROY) != 0) {
            emit(DESTROY, destroy, context);
        }
    }

    @Override
    public HttpRequest onRequest(HttpRequest request, HookContext context) {
        if ((mask & REQUEST) != 0) {
            emit(REQUEST, request, context);
        }
        return null;
    }

    @Override
    public void onUpgrade(Upgrade upgrade, HookContext context) {
        if ((mask & UPGRADE) != 0) {
            emit(UPGRADE, upgrade, context);
        }
    }

    @Override
    public Connect onConnect(Connect connect, HookContext context) {
        if ((mask & CONNECT) != 0) {
            emit(CONNECT, connect, context);
        }
        return null;
    }

    @Override
    public void connected(Connected connected, HookContext context) {
        if ((mask & CONNECTED) != 0) {
            emit(CONNECTED, connected, context);
        }
    }

    @Override
    public void onDisconnect(Disconnect disconnect, HookContext context) {
        if ((mask & DISCONNECT) != 0) {
            emit(DISCONNECT, disconnect, context);
        }
    }

    @Override
    public Authenticate onAuthenticate(Authenticate authenticate, HookContext context) {
        if ((mask & AUTHENTICATE) != 0) {
            emit(AUTHENTICATE, authenticate, context);
        }
        return null;
    }

    @Override
    public void onJoin(Join join, HookContext context) {
        if ((mask & JOIN) != 0) {
            emit(JOIN, join, context);
        }
    }

    @Override
    public void onLeave(Leave leave, HookContext context) {
        if ((mask & LEAVE) != 0) {
            emit(LEAVE, leave, context);
        }
    }

    @Override
    public LoadDocument onLoadDocument(LoadDocument load, HookContext context) {
        if ((mask & LOAD) != 0) {
            emit(LOAD, load, context);
        }
        return null;
    }

    @Override
    public void afterLoadDocument(DocumentLoaded loaded, HookContext context) {
        if ((mask & LOADED) != 0) {
            emit(LOADED, loaded, context);
        }
    }

    @Override
    public void onChange(Change change, HookContext context) {
        if ((mask & CHANGE) != 0) {
            emit(CHANGE, change, context);
        }
    }

    @Override
    public void afterStoreDocument(DocumentStored stored, HookContext context) {
        if ((mask & STORED) != 0) {
            emit(STORED, stored, context);
        }
    }

    @Override
    public void afterUnloadDocument(DocumentUnloaded unloaded, HookContext context) {
        if ((mask & UNLOADED) != 0) {
            emit(UNLOADED, unloaded, context);
        }
    }

    // ---- the slow path ----------------------------------------------------------------------

    /** Writes the line for an event that may be on; never throws (except a VirtualMachineError). */
    private void emit(int bit, Object payload, HookContext context) {
        try {
            State current = state(context);
            if ((current.mask() & bit) == 0) {
                return;
            }
            Logger logger = context.plugin().logger();
            if (current.debug() ? !logger.isDebugEnabled() : !logger.isInfoEnabled()) {
                return;
            }
            String line = current.prefix() + Lines.describe(payload, context, current.includeAttributes());
            if (current.debug()) {
                logger.debug(line);
            } else {
                logger.info(line);
            }
        } catch (StackOverflowError e) {
            reportFailure(bit, context, e);
        } catch (VirtualMachineError e) {
            throw e; // out of memory and the like: the process is in trouble, as the engine treats it
        } catch (Throwable e) {
            reportFailure(bit, context, e);
        }
    }

    /** The bound settings; binds them on the first call, falling back to the defaults when they are invalid. */
    State state(HookContext context) {
        State current = state.get();
        if (current != null) {
            return current;
        }
        State bound;
        String problem = null;
        try {
            bound = State.of(context.plugin().settings(LoggerSettings.class));
        } catch (RuntimeException e) {
            bound = State.of(LoggerSettings.DEFAULTS);
            problem = describe(e);
        }
        if (state.compareAndSet(null, bound)) {
            mask = bound.mask();
            if (problem != null) {
                context.plugin().logger().error("{}invalid settings, logging with the defaults instead: {}",
                        bound.prefix(), problem);
            }
            return bound;
        }
        return state.get();
    }

    /** @return our own validation message when that is the cause (without Jackson's wrapping), else the message */
    private static String describe(RuntimeException e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof LoggerSettings.InvalidSetting invalid) {
                return invalid.getMessage();
            }
            if (cause.getCause() == cause) {
                break;
            }
        }
        return String.valueOf(e.getMessage());
    }

    private void reportFailure(int bit, HookContext context, Throwable e) {
        if (!failureReported.compareAndSet(false, true)) {
            return;
        }
        try {
            String hook = "?";
            for (Event event : Event.values()) {
                if (event.bit() == bit) {
                    hook = event.hook();
                }
            }
            context.plugin().logger().warn("could not log {} (reported once, later failures are silent): {}",
                    hook, e.toString(), e);
        } catch (Throwable ignored) {
            // nothing left to do: the logger must never make a hook fail
        }
    }
}
