package dev.hookline.bench;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.hookline.api.Operation;
import dev.hookline.api.Origin;
import dev.hookline.api.payload.Change;
import dev.hookline.api.payload.Delete;
import dev.hookline.api.payload.Update;
import dev.hookline.server.hooks.CallContext;
import dev.hookline.server.hooks.HookEngine;
import dev.hookline.server.hooks.HookSource;
import dev.hookline.server.hooks.HookStats;
import dev.hookline.server.hooks.Hooks;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The cost of running an {@code onUpdate} chain through the hook engine (issue #2): chains of
 * 0 (baseline), 1, 10 and 50 no-op hooks, and a chain of 10 hooks that each rewrite the update.
 *
 * <p>Called the way the server calls a chain: one {@link CallContext} per sequential worker,
 * reused for every call, and {@link HookEngine#run} (which reads the current chain snapshot) on
 * the worker's thread. A call therefore includes the snapshot read, the context's deadline
 * bookkeeping (one CAS per chain; per hook two release stores, a coarse-clock read, a call count
 * and a phase check), the timing decision (a random 1 run in 64 has each of its hook calls timed with
 * {@code System.nanoTime}, every call of a hook whose typical call is slow) and the
 * megamorphic call of each hook. Each trial prints the share of hook calls that were timed.
 *
 * <p>Hooks are instances of 8 distinct classes cycled over the chain, one plugin id each
 * ({@code p00}, {@code p01}, ...). With {@code profile=mixed} (the default), set-up first runs a
 * throw-away engine with every benchmark hook class and with {@code onDelete} and
 * {@code onChange} chains, so the engine's shared call sites have the type profile they have in
 * a server running many hooks of many plugins: otherwise the 1-hook chain (one class) and the
 * engine's hook call sites (one hook) would be monomorphic and inlined.
 * {@code -p profile=isolated} skips that, for comparison.
 *
 * <p>Run it with {@code ./scripts/bench HookChainBenchmark -prof gc}; results in docs/benchmarks.md.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 2)
@Fork(value = 2, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class HookChainBenchmark {

    /** What both chains share: the engine, the reused context, the payload, the knobs. */
    @State(Scope.Thread)
    public abstract static class EngineState {

        /** {@code mixed}: shared call sites see many classes and hooks first; {@code isolated}: they do not. */
        @Param({"mixed"})
        public String profile;

        HookEngine engine;
        CallContext context;
        Update update;

        /** Installs the chain on {@link #engine}. */
        abstract void install();

        /** Checks what one run of the chain returned. */
        abstract void checkResult(Update result);

        @Setup(Level.Trial)
        public void setUp() {
            Profiles.prepare(profile);
            engine = new HookEngine();
            install();
            context = engine.newContext(null, null);
            update = update();
            checkResult(engine.run(Hooks.ON_UPDATE, update, context));
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            reportTiming();
            context.close();
            engine.close();
        }

        /**
         * Prints the share of hook calls that were timed. The engine times the calls of a random 1 chain run in 64
         * of a fast hook, and every call of a hook while its typical timed call exceeds 20 us:
         * a share well above 1.56% for no-op hooks would mean they are being timed on every call.
         */
        private void reportTiming() {
            long calls = 0;
            long timed = 0;
            for (HookStats s : engine.stats()) {
                if (s.hook().equals("onUpdate")) {
                    calls += s.calls();
                    timed += s.timedCalls();
                }
            }
            if (calls > 0) {
                System.out.printf(Locale.ROOT, "%n[hookline] this trial, warm-up included: %,d hook calls, %.2f%% timed"
                        + " (sampling alone: %.2f%%)%n", calls, 100.0 * timed / calls,
                        100.0 / HookEngine.Options.DEFAULTS.timingSample());
            }
        }
    }

    /** A chain of {@code hooks} no-op hooks: each returns {@code null}, so nothing is rewritten. */
    @State(Scope.Thread)
    public static class NoOpChain extends EngineState {

        @Param({"0", "1", "10", "50"})
        public int hooks;

        @Override
        void install() {
            for (int i = 0; i < hooks; i++) {
                engine.install(HookSource.of(pluginId(i), BenchHooks.noOp(i)));
            }
            check(engine.chains().of(Hooks.ON_UPDATE).links().size() == hooks, "chain length");
        }

        @Override
        void checkResult(Update result) {
            check(result == update, "a no-op chain returns its payload itself");
        }
    }

    /** A chain of {@value #REWRITES} hooks that each return a copy of the update with another path. */
    @State(Scope.Thread)
    public static class RewriteChain extends EngineState {

        static final int REWRITES = 10;

        @Override
        void install() {
            for (int i = 0; i < REWRITES; i++) {
                engine.install(HookSource.of(pluginId(i), BenchHooks.rewrite(i)));
            }
            check(engine.chains().of(Hooks.ON_UPDATE).links().size() == REWRITES, "chain length");
        }

        @Override
        void checkResult(Update result) {
            check(result != update && result.path().equals("/rewritten/" + (REWRITES - 1)),
                    "every hook rewrote, the last one last");
        }
    }

    @Benchmark
    public Update noOpChain(NoOpChain s) {
        return s.engine.run(Hooks.ON_UPDATE, s.update, s.context);
    }

    @Benchmark
    public Update rewriteChain(RewriteChain s) {
        return s.engine.run(Hooks.ON_UPDATE, s.update, s.context);
    }

    // ---- helpers -------------------------------------------------------------------------------

    static String pluginId(int i) {
        return String.format(Locale.ROOT, "p%02d", i); // p00 < p01 < ...: the chain runs in install order
    }

    static Update update() {
        return new Update("bench-doc", Operation.SET, "/items/0/title", JsonNodeFactory.instance.textNode("hello"),
                null, Origin.connection("conn-1"));
    }

    static void check(boolean condition, String what) {
        if (!condition) {
            throw new IllegalStateException("benchmark set-up is wrong: " + what);
        }
    }

    /** Type-profile preparation: see the class comment. */
    static final class Profiles {

        private Profiles() {
        }

        static void prepare(String profile) {
            switch (profile) {
                case "mixed" -> mix();
                case "isolated" -> {
                }
                default -> throw new IllegalArgumentException("profile must be mixed or isolated, not " + profile);
            }
        }

        /**
         * Runs chains of every benchmark hook class, and onDelete and onChange chains, on a
         * throw-away engine, long enough for the JIT to compile the engine with that profile.
         */
        private static void mix() {
            try (HookEngine engine = new HookEngine()) {
                for (int k = 0; k < BenchHooks.KINDS; k++) {
                    engine.install(HookSource.of("mix-noop-" + k, BenchHooks.noOp(k)));
                    engine.install(HookSource.of("mix-rewrite-" + k, BenchHooks.rewrite(k)));
                }
                engine.install(HookSource.of("mix-other", new BenchHooks.DeleteNoOp(), new BenchHooks.ChangeListener()));
                Update update = update();
                Delete delete = new Delete("bench-doc", "/items/0", Origin.connection("conn-1"));
                Change change = new Change("bench-doc", Operation.SET, "/items/0/title", update.value(), null, 1L,
                        Origin.connection("conn-1"));
                try (CallContext context = engine.newContext(null, null)) {
                    for (int i = 0; i < 50_000; i++) {
                        engine.run(Hooks.ON_UPDATE, update, context);
                        engine.run(Hooks.ON_DELETE, delete, context);
                        engine.run(Hooks.ON_CHANGE, change, context);
                    }
                }
            }
        }
    }
}
