package dev.hookline.server.testsupport;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;

/**
 * A test-side recorder that plugin code built during a test can call: plugin class loaders fall
 * back to the application class loader, where this class lives, so plugins and the test share it.
 */
public final class Probe {

    private static final List<String> EVENTS = new CopyOnWriteArrayList<>();
    private static final Map<String, CountDownLatch> LATCHES = new ConcurrentHashMap<>();
    private static final Map<String, Object> VALUES = new ConcurrentHashMap<>();

    private Probe() {
    }

    /** Records that something happened, e.g. {@code "start a"}. */
    public static void event(String event) {
        EVENTS.add(event);
    }

    public static List<String> events() {
        return List.copyOf(EVENTS);
    }

    /** A latch shared by name; created with count 1 on first use. */
    public static CountDownLatch latch(String name) {
        return LATCHES.computeIfAbsent(name, n -> new CountDownLatch(1));
    }

    public static void put(String key, Object value) {
        VALUES.put(key, value);
    }

    public static Object get(String key) {
        return VALUES.get(key);
    }

    public static void reset() {
        EVENTS.clear();
        LATCHES.values().forEach(latch -> {
            while (latch.getCount() > 0) {
                latch.countDown();
            }
        });
        LATCHES.clear();
        VALUES.clear();
    }
}
