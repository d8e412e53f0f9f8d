package dev.hookline.server.hooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.hookline.api.HookContext;
import dev.hookline.api.Operation;
import dev.hookline.api.Origin;
import dev.hookline.api.ServerHooks;
import dev.hookline.api.payload.Update;
import dev.hookline.server.flow.CarrierHeadroom;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The watchdog lends the JDK's virtual-thread scheduler a carrier while a hook call runs on a CPU
 * for long, and takes it back when the call returns: virtual threads that would wait behind
 * spinning calls get to run (JDK 24 and later; this build runs on 25).
 */
class CarrierLendingTest {

    /** The hook spins while this is set; every test clears it, so no thread is left spinning. */
    private static volatile boolean spinning;
    private static final int CORES = Runtime.getRuntime().availableProcessors();
    private static final CountDownLatch entered = new CountDownLatch(CORES);

    /** Spins, deaf to interrupts, on every onUpdate. */
    public static final class Spinner implements ServerHooks {
        @Override
        public Update onUpdate(Update update, HookContext context) {
            entered.countDown();
            while (spinning) {
                Thread.onSpinWait();
            }
            return null;
        }
    }

    private final HookEngine engine = new HookEngine();

    @AfterEach
    void stop() {
        spinning = false;
        engine.close();
    }

    @Test
    void callsSpinningOnEveryCarrierGetCarriersLentWhileTheyRunAndGivenBackAfter() throws Exception {
        assertThat(CarrierHeadroom.canLend()).as("a JDK with VirtualThreadSchedulerMXBean").isTrue();
        spinning = true;
        engine.install(HookSource.of("app", new Spinner()));
        Update update = new Update("d", Operation.SET, "k", JsonNodeFactory.instance.numberNode(1), null, Origin.SERVER);
        // As many spinning calls as carriers (the JDK's default: the cores), each on a virtual thread.
        CompletableFuture<?>[] calls = new CompletableFuture<?>[CORES];
        for (int i = 0; i < CORES; i++) {
            calls[i] = engine.runAsync(Hooks.ON_UPDATE, update, null, null);
        }
        assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();

        // Every carrier spins; yet a new virtual thread runs, on a lent carrier.
        CountDownLatch ran = new CountDownLatch(1);
        Thread.ofVirtual().start(ran::countDown);
        assertThat(ran.await(10, TimeUnit.SECONDS)).as("a virtual thread started behind the spinning calls").isTrue();
        assertThat(CarrierHeadroom.lent()).isGreaterThanOrEqualTo(1);

        spinning = false;
        CompletableFuture.allOf(calls).get(10, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(5)).until(() -> CarrierHeadroom.lent() == 0);
    }
}
