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
import java.util.List;
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
 * <p>How the server calls a chain: one {@link CallContext} per sequential worker, reused for
 * every call, and {@link HookEngine#run} (which reads the current chain snapshot) on the
 * worker's thread. A call therefore includes: the snapshot read, the context's begin/end
 * (deadline bookkeeping: one CAS per chain, two release stores and a per-hook call count per
 * hook), the sampled timing (a random one call in 16 per hook is timed with
 * {@code System.nanoTime}), and the megamorphic call of each hook.
 *
 * <p>Hooks are instances of 8 distinct classes cycled over the chain, one plugin id each
 * ({@code p00}, {@code p01}, ...). With {@code profile=mixed} (the default), set-up also runs
 * a throw-away engine with every benchmark class and with {@code onDelete} and {@code onChange}
 * chains before measuring, so the engine's shared call sites have the type profile they have in
 * a server running many hooks of many plugins: without it, the 1-hook chain (one class) and
 * the engine's {@code invoker.invoke} call (one hook type) would be monomorphic and inlined.
 * {@code -p profile=isolated} skips that, for comparison.
 *
 * <p>Run it with {@code ./scripts/bench HookChainBenchmark -prof gc}; see docs/benchmarks.md.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 2)
@Fork(value = 2, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class HookChainBenchmark {

    /** A chain of {@code hooks} no-op hooks: each returns {@code null}, so nothing is rewritten. */
    @State(Scope.Thread)
    public static class NoOpChain {

        @Param({"0", "1", "10", "50"})
        int hooks;

        /** {@code mixed}: shared call sites see many classes and hooks first; {@code isolated}: they do not. */
        @Param({"mixed"})
        String profile;

        HookEngine engine;
        CallContext context;
        Update update;

        @Setup(Level.Trial)
        public void setUp() {
            Profiles.prepare(profile);
            engine = new HookEngine();
            for (int i = 0; i < hooks; i++) {
                engine.install(HookSource.of(pluginId(i), BenchHooks.noOp(i)));
            }
            context = engine.newContext(null, null);
            update = update();
            check(engine.chains().of(Hooks.ON_UPDATE).links().size() == hooks, "chain length");
            check(engine.run(Hooks.ON_UPDATE, update, context) == update, "a no-op chain returns its payload itself");
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            Profiles.reportTiming(engine);
            context.close();
            engine.close();
        }
    }

    /** A chain of {@value #REWRITES} hooks that each return a copy of the update with another path. */
    @State(Scope.Thread)
    public static class RewriteChain {

        static final int REWRITES = 10;

        @Param({"mixed"})
        String profile;

        HookEngine engine;
        CallContext context;
        Update update;

        @Setup(Level.Trial)
        public void setUp() {
            Profiles.prepare(profile);
            engine = new HookEngine();
            for (int i = 0; i < REWRITES; i++) {
                engine.install(HookSource.of(pluginId(i), BenchHooks.rewrite(i)));
            }
            context = engine.newContext(null, null);
            update = update();
            check(engine.chains().of(Hooks.ON_UPDATE).links().size() == REWRITES, "chain length");
            Update result = engine.run(Hooks.ON_UPDATE, update, context);
            check(result != update && result.path().equals("/rewritten/" + (REWRITES - 1)),
                    "every hook rewrote, the last one last");
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            Profiles.reportTiming(engine);
            context.close();
            engine.close();
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
        return String.format(Locale.ROOT, "p%02d", i); // p00 < p01 < ... : chain order is install order
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

    /** Type-profile preparation and the timing report. */
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

        /**
         * Prints how many calls were timed. The engine times a random 1 in 16 calls of a hook, and
         * every call of a hook once a timed call took over 20 us: more than ~6% means that happened.
         */
        static void reportTiming(HookEngine engine) {
            List<HookStats> stats = engine.stats().stream().filter(s -> s.hook().equals("onUpdate")).toList();
            long calls = 0;
            long timed = 0;
            int latched = 0;
            for (HookStats s : stats) {
                calls += s.calls();
                timed += s.timedCalls();
                if (s.maxNanos() > 20_000) {
                    latched++;
                }
            }
            if (calls > 0) {
                System.out.printf(Locale.ROOT, "%n[hookline] onUpdate hook calls: %,d; timed: %,d (%.2f%%, sampling alone: 6.25%%);"
                                + " hooks that saw a call over 20 us and now time every call: %d of %d%n",
                        calls, timed, 100.0 * timed / calls, latched, stats.size());
            }
        }
    }
}
