package dev.hookline.server.hooks;

import java.util.List;

/** An immutable snapshot of every chain, one per hook; the engine swaps snapshots atomically. */
public final class Chains {

    private final HookChain<?>[] chains;

    Chains(HookChain<?>[] chains) {
        this.chains = chains;
    }

    static Chains empty() {
        List<Hook<?>> all = Hooks.all();
        HookChain<?>[] chains = new HookChain<?>[all.size()];
        for (Hook<?> hook : all) {
            chains[hook.ordinal()] = emptyChain(hook);
        }
        return new Chains(chains);
    }

    private static <P> HookChain<P> emptyChain(Hook<P> hook) {
        return new HookChain<>(hook, new HookEntry[0]);
    }

    /** @return the chain of {@code hook} in this snapshot */
    @SuppressWarnings("unchecked")
    public <P> HookChain<P> of(Hook<P> hook) {
        return (HookChain<P>) chains[hook.ordinal()];
    }
}
