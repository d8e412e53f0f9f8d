package dev.hookline.plugins.redis;

import dev.hookline.api.PluginContext;
import dev.hookline.api.cluster.ClusterNode;
import dev.hookline.testkit.TestHookContext;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/** A node as the engine sees it, with the settings bound as the server binds them; records what it is handed. */
final class TestNode implements ClusterNode {

    /** A message as received, with the thread that handed it over. */
    record Received(String from, byte[] message, String thread) {
    }

    private final String id;
    final List<Received> received = new CopyOnWriteArrayList<>();
    final AtomicInteger reconnections = new AtomicInteger();
    /** The plugin's side, from the testkit: its settings (bound as the server binds them) and logger. */
    private final PluginContext context;

    TestNode(String id, String settingsJson) {
        this.id = id;
        this.context = TestHookContext.of("redis", settingsJson);
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public PluginContext plugin() {
        return context;
    }

    @Override
    public void receive(String from, byte[] message) {
        received.add(new Received(from, message, Thread.currentThread().getName()));
    }

    @Override
    public void reconnected() {
        reconnections.incrementAndGet();
    }
}
