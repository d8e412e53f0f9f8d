package dev.hookline.server.hooks;

import dev.hookline.api.HookContext;
import dev.hookline.api.ServerHooks;
import java.lang.reflect.Method;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * One server hook: its name, payload type and whether it may rewrite. The catalogue of every
 * hook is {@link Hooks}; calls go through {@link HookDispatch}, never through reflection.
 * Reflection is used once, when a chain is built, to see which classes override the hook.
 *
 * @param <P> the payload type
 */
public final class Hook<P> {

    private final int ordinal;
    private final String name;
    private final Class<P> payloadType;
    private final boolean rewrites;
    private final Predicate<P> endsChain;
    private final Method method;

    Hook(int ordinal, String name, Class<P> payloadType, boolean rewrites, Predicate<P> endsChain) {
        this.ordinal = ordinal;
        this.name = Objects.requireNonNull(name);
        this.payloadType = Objects.requireNonNull(payloadType);
        this.rewrites = rewrites;
        this.endsChain = endsChain;
        try {
            this.method = ServerHooks.class.getMethod(name, payloadType, HookContext.class);
        } catch (NoSuchMethodException e) {
            throw new IllegalStateException("ServerHooks has no method " + name + "(" + payloadType.getSimpleName() + ", HookContext)", e);
        }
        if (rewrites == (method.getReturnType() == void.class)) {
            throw new IllegalStateException("hook " + name + ": 'rewrites' disagrees with the method's return type");
        }
    }

    /** @return the position of this hook in {@link Hooks#all()} */
    public int ordinal() {
        return ordinal;
    }

    /** @return the method name, e.g. {@code onUpdate} */
    public String name() {
        return name;
    }

    /** @return the payload type */
    public Class<P> payloadType() {
        return payloadType;
    }

    /** @return whether a hook may return a rewritten payload */
    public boolean rewrites() {
        return rewrites;
    }

    /** @return whether a payload returned by a hook ends the chain (a hook answered an HTTP request) */
    boolean endsChain(P payload) {
        return endsChain != null && endsChain.test(payload);
    }

    /** @return whether {@code type} overrides this hook's default (do-nothing) method */
    boolean isOverriddenBy(Class<? extends ServerHooks> type) {
        try {
            return type.getMethod(method.getName(), method.getParameterTypes()).getDeclaringClass() != ServerHooks.class;
        } catch (NoSuchMethodException e) {
            return false; // cannot happen for a ServerHooks subtype
        }
    }

    @Override
    public String toString() {
        return name;
    }
}
