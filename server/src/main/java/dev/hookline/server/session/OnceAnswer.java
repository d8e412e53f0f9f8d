package dev.hookline.server.session;

import dev.hookline.api.Reject;
import dev.hookline.server.hooks.Hook;
import dev.hookline.server.protocol.Outbound;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * The answer to one request handled on a document's lane, sent at most once: by the lane when it
 * is done, or earlier by the hook watchdog when a hook on that lane overran its deadline and
 * ignores the interrupt (as an accepted {@code (hook, reject)}). The lane's late answer is then
 * dropped, so the client never sees two answers to one request. The connection's own lane does
 * the same in {@code ClientConnection}.
 */
// Extends AtomicBoolean (true once sent) rather than holding one: one object per write, not two.
final class OnceAnswer extends AtomicBoolean implements BiConsumer<Hook<?>, Reject> {

    private final Consumer<byte[]> recipient;
    private final Long id;
    private final String doc;

    OnceAnswer(Consumer<byte[]> recipient, Long id, String doc) {
        this.recipient = recipient;
        this.id = id;
        this.doc = doc;
    }

    /** Sends {@code frame} unless the request was answered already. */
    void send(byte[] frame) {
        if (compareAndSet(false, true)) {
            recipient.accept(frame);
        }
    }

    /** The watchdog's answer: the hook's deadline reject (4504), now. */
    @Override
    public void accept(Hook<?> hook, Reject reject) {
        send(Outbound.error(id, doc, reject.code(), reject.reason()));
    }
}
