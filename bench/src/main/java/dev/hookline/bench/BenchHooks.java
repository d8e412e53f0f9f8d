package dev.hookline.bench;

import dev.hookline.api.HookContext;
import dev.hookline.api.ServerHooks;
import dev.hookline.api.payload.Change;
import dev.hookline.api.payload.Delete;
import dev.hookline.api.payload.Update;
import java.util.function.Function;

/**
 * Hook implementations for the benchmarks. Each kind comes in {@value #KINDS} distinct classes,
 * cycled over a chain, so that the call of {@code onUpdate} inside the engine sees as many
 * receiver classes as it would with real plugins: with one class it would be monomorphic, the JIT
 * would inline the hook, and the figure would flatter the engine.
 */
final class BenchHooks {

    /** How many distinct classes each kind of hook comes in. */
    static final int KINDS = 8;

    private BenchHooks() {
    }

    // ---- no-op: overrides onUpdate, returns null (no rewrite) ----------------------------------

    static final class NoOp0 implements ServerHooks {
        @Override
        public Update onUpdate(Update update, HookContext context) {
            return null;
        }
    }

    static final class NoOp1 implements ServerHooks {
        @Override
        public Update onUpdate(Update update, HookContext context) {
            return null;
        }
    }

    static final class NoOp2 implements ServerHooks {
        @Override
        public Update onUpdate(Update update, HookContext context) {
            return null;
        }
    }

    static final class NoOp3 implements ServerHooks {
        @Override
        public Update onUpdate(Update update, HookContext context) {
            return null;
        }
    }

    static final class NoOp4 implements ServerHooks {
        @Override
        public Update onUpdate(Update update, HookContext context) {
            return null;
        }
    }

    static final class NoOp5 implements ServerHooks {
        @Override
        public Update onUpdate(Update update, HookContext context) {
            return null;
        }
    }

    static final class NoOp6 implements ServerHooks {
        @Override
        public Update onUpdate(Update update, HookContext context) {
            return null;
        }
    }

    static final class NoOp7 implements ServerHooks {
        @Override
        public Update onUpdate(Update update, HookContext context) {
            return null;
        }
    }

    /** @return the {@code i}th no-op hook of a chain: class {@code NoOp(i % 8)} */
    static ServerHooks noOp(int i) {
        return switch (i % KINDS) {
            case 0 -> new NoOp0();
            case 1 -> new NoOp1();
            case 2 -> new NoOp2();
            case 3 -> new NoOp3();
            case 4 -> new NoOp4();
            case 5 -> new NoOp5();
            case 6 -> new NoOp6();
            default -> new NoOp7();
        };
    }

    // ---- rewrite: overrides onUpdate, returns a copy with another path -------------------------

    /** A rewriting hook; the path it writes is computed once, so a call allocates only the new record. */
    abstract static class Rewrite implements ServerHooks {
        final String path;

        Rewrite(String path) {
            this.path = path;
        }
    }

    static final class Rewrite0 extends Rewrite {
        Rewrite0(String path) {
            super(path);
        }

        @Override
        public Update onUpdate(Update update, HookContext context) {
            return update.withPath(path);
        }
    }

    static final class Rewrite1 extends Rewrite {
        Rewrite1(String path) {
            super(path);
        }

        @Override
        public Update onUpdate(Update update, HookContext context) {
            return update.withPath(path);
        }
    }

    static final class Rewrite2 extends Rewrite {
        Rewrite2(String path) {
            super(path);
        }

        @Override
        public Update onUpdate(Update update, HookContext context) {
            return update.withPath(path);
        }
    }

    static final class Rewrite3 extends Rewrite {
        Rewrite3(String path) {
            super(path);
        }

        @Override
        public Update onUpdate(Update update, HookContext context) {
            return update.withPath(path);
        }
    }

    static final class Rewrite4 extends Rewrite {
        Rewrite4(String path) {
            super(path);
        }

        @Override
        public Update onUpdate(Update update, HookContext context) {
            return update.withPath(path);
        }
    }

    static final class Rewrite5 extends Rewrite {
        Rewrite5(String path) {
            super(path);
        }

        @Override
        public Update onUpdate(Update update, HookContext context) {
            return update.withPath(path);
        }
    }

    static final class Rewrite6 extends Rewrite {
        Rewrite6(String path) {
            super(path);
        }

        @Override
        public Update onUpdate(Update update, HookContext context) {
            return update.withPath(path);
        }
    }

    static final class Rewrite7 extends Rewrite {
        Rewrite7(String path) {
            super(path);
        }

        @Override
        public Update onUpdate(Update update, HookContext context) {
            return update.withPath(path);
        }
    }

    /** @return the {@code i}th rewriting hook of a chain: class {@code Rewrite(i % 8)}, writing path {@code /rewritten/i} */
    static ServerHooks rewrite(int i) {
        String path = "/rewritten/" + i;
        Function<String, ServerHooks> make = switch (i % KINDS) {
            case 0 -> Rewrite0::new;
            case 1 -> Rewrite1::new;
            case 2 -> Rewrite2::new;
            case 3 -> Rewrite3::new;
            case 4 -> Rewrite4::new;
            case 5 -> Rewrite5::new;
            case 6 -> Rewrite6::new;
            default -> Rewrite7::new;
        };
        return make.apply(path);
    }

    // ---- other hooks, used only to give the engine's shared call sites a realistic profile ------

    static final class DeleteNoOp implements ServerHooks {
        @Override
        public Delete onDelete(Delete delete, HookContext context) {
            return null;
        }
    }

    static final class ChangeListener implements ServerHooks {
        long seen;

        @Override
        public void onChange(Change change, HookContext context) {
            seen++;
        }
    }
}
