package dev.hookline.faults;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.IntNode;
import dev.hookline.client.HooklineException;
import dev.hookline.faults.support.Ledger;
import dev.hookline.faults.support.NormalClient;
import dev.hookline.faults.support.ServerProcess;
import dev.hookline.testkit.PluginJar;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue #9, item 6: a plugin whose {@code onUpdate} never returns for some documents: it spins,
 * ignoring interrupts, from two connections at once (on two cores, both pinned). The writers of
 * those documents get a 4504, the clients of other documents go on being served, and SIGTERM
 * still stops the process within its shutdown grace.
 *
 * <p>The spin is bounded so that nothing outlives the test: it ends when the release file
 * exists (the test writes it when it ends) or after two minutes.
 */
class StuckHookIT extends FaultTestBase {

    private static final int STUCK_WRITERS = 2;
    private static final Duration GRACE = Duration.ofSeconds(5);
    private static final Duration HOOK_DEADLINE = Duration.ofSeconds(3);
    /** A stop gives the final stores at least the hook deadline plus a second (docs/configuration.md). */
    private static final Duration STOP_BOUND = GRACE.plus(HOOK_DEADLINE).plusSeconds(1).plusSeconds(15);

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void aHookThatNeverReturnsLeavesOtherDocumentsServedAndSigtermStillStops() throws Exception {
        Path release = dir.resolve("release");
        Files.copy(spinningPlugin(release), home.resolve("plugins/spinner.jar"));
        ServerProcess server = start(ServerProcess.options()
                .set("server.shutdownGrace", GRACE.toSeconds() + "s")
                .set("hooks.defaultTimeout", HOOK_DEADLINE.toSeconds() + "s"));
        Ledger ledger = new Ledger();
        List<NormalClient> stuck = new ArrayList<>();
        try (NormalClient calm = NormalClient.connect(server.port())) {
            calm.write(ledger, "calm", "before", IntNode.valueOf(0));

            List<CompletableFuture<Long>> stuckWrites = new ArrayList<>();
            for (int i = 0; i < STUCK_WRITERS; i++) {
                NormalClient writer = NormalClient.connect(server.port());
                stuck.add(writer);
                stuckWrites.add(writer.writeAsync("stuck-" + i, "x", IntNode.valueOf(i)));
            }

            // While both hook calls spin: the other document's client, and a new one, are served.
            for (int i = 0; i < 10; i++) {
                calm.write(ledger, "calm", "during/" + i, IntNode.valueOf(i));
            }
            NormalClient.assertServedAndNothingLost(server.port(), ledger);
            assertThat(server.get("/health").statusCode()).as("/health while hooks spin").isEqualTo(200);

            for (CompletableFuture<Long> write : stuckWrites) {
                assertThat(answerCode(write)).as("the writer of a document whose hook never returns is answered "
                        + "4504 after the hook deadline (%s)", HOOK_DEADLINE).isEqualTo(4504);
            }
        } finally {
            stuck.forEach(NormalClient::close);
        }

        // SIGTERM while the hook threads still spin.
        long stopping = System.nanoTime();
        server.terminate();
        Integer exit = server.exitValue(STOP_BOUND);
        log("stuck hook: SIGTERM with %d spinning hook calls: %s", STUCK_WRITERS, exit == null
                ? "still running after " + STOP_BOUND.toSeconds() + " s"
                : "exited " + exit + " after " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stopping) + " ms");
        assertThat(exit).as("SIGTERM stops the server within shutdownGrace + hook deadline + 1 s + margin (%s s)",
                STOP_BOUND.toSeconds()).isNotNull();

        Files.writeString(release, "done"); // the restarted server's hooks must not spin
        ServerProcess again = restart(server);
        NormalClient.assertServedAndNothingLost(again.port(), ledger);
    }

    /** @return the close or error code a write failed with; fails the test if it was acknowledged or unanswered */
    private static int answerCode(CompletableFuture<Long> write) throws InterruptedException {
        try {
            Long version = write.get(15, TimeUnit.SECONDS);
            throw new AssertionError("a write whose hook never returned was acknowledged at version " + version);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof HooklineException refused) {
                log("stuck hook: the writer got %d %s", refused.code(), refused.reason());
                return refused.code();
            }
            throw new AssertionError("the write failed with " + e.getCause(), e.getCause());
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError("a write whose hook never returned got no answer within 15 s");
        }
    }

    private Path spinningPlugin(Path release) {
        return PluginJar.builder("spinner").version("1.0.0")
                .source("spin.Spinner", """
                        package spin;
                        import java.nio.file.Files;
                        import java.nio.file.Path;
                        public class Spinner implements dev.hookline.api.ServerHooks {
                            private static final Path RELEASE = Path.of("%s");
                            @Override
                            public dev.hookline.api.payload.Update onUpdate(dev.hookline.api.payload.Update update,
                                    dev.hookline.api.HookContext context) {
                                if (update.document().startsWith("stuck")) {
                                    // Spins on a core and never looks at its interrupt flag; bounded so
                                    // that it cannot outlive the test.
                                    long end = System.nanoTime() + 120_000_000_000L;
                                    long spins = 0;
                                    while (System.nanoTime() < end) {
                                        if (++spins %% 1_000_000 == 0 && Files.exists(RELEASE)) {
                                            break;
                                        }
                                        Thread.onSpinWait();
                                    }
                                }
                                return update;
                            }
                        }
                        """.formatted(release.toString().replace("\\", "\\\\")))
                .hooks("spin.Spinner")
                .writeTo(dir.resolve("built"));
    }
}
