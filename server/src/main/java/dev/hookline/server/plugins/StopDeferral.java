package dev.hookline.server.plugins;

import java.util.ArrayList;
import java.util.List;

/**
 * Holds back plugin {@code stop()} calls while the host swaps a plugin for its new version, and
 * runs them once the swap is done. Confined to the host's lock.
 */
final class StopDeferral {

    private record Pending(String id, Runnable stop) {
    }

    private boolean deferring;
    private final List<Pending> pending = new ArrayList<>();

    /** From now on, stops are collected instead of run. */
    void begin() {
        deferring = true;
    }

    /** @return whether the stop was deferred; if not, the caller runs it now */
    boolean defer(String id, Runnable stop) {
        if (!deferring) {
            return false;
        }
        pending.add(new Pending(id, stop));
        return true;
    }

    /** Stops deferring and hands back the held stops, in the order PF4J asked for them. */
    List<Runnable> end() {
        deferring = false;
        List<Runnable> stops = new ArrayList<>();
        pending.forEach(p -> stops.add(p.stop()));
        pending.clear();
        return stops;
    }
}
