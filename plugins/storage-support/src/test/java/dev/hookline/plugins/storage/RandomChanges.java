package dev.hookline.plugins.storage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hookline.api.Operation;
import dev.hookline.api.Origin;
import dev.hookline.api.payload.Change;
import dev.hookline.server.documents.AppliedChange;
import dev.hookline.server.documents.DocumentException;
import dev.hookline.server.documents.DocumentState;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Random writes applied to the server's own DocumentState: the reference a replay of the log must
 * match. In the test-jar, for the storage plugins' tests.
 */
public final class RandomChanges {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final String[] KEYS = {"a", "b", "c", "a0", "b/"};

    public final DocumentState state = new DocumentState(null, null, 0);
    public final List<Change> changes = new ArrayList<>();
    private final Random random;
    private final String document;

    public RandomChanges(String document, long seed) {
        this.document = document;
        this.random = new Random(seed);
    }

    /** Applies {@code count} changes that the state accepts; returns them as onChange would see them. */
    public List<Change> run(int count) {
        while (changes.size() < count) {
            Operation op = Operation.values()[random.nextInt(3)];
            String path = randomPath();
            JsonNode value = op == Operation.MERGE ? randomObject(2) : op == Operation.SET ? randomValue(2) : null;
            JsonNode meta = random.nextInt(3) == 0 ? null : NODES.objectNode().put("m", random.nextInt(100));
            try {
                AppliedChange applied = state.apply(op, path, value, meta);
                changes.add(new Change(document, op, applied.path(), applied.value(), applied.meta(), applied.version(),
                        Origin.SERVER));
            } catch (DocumentException rejected) {
                // does not fit the tree: the server would refuse it, nothing is logged
            }
        }
        return changes;
    }

    private String randomPath() {
        int depth = random.nextInt(4);
        List<String> segments = new ArrayList<>();
        for (int i = 0; i < depth; i++) {
            segments.add(KEYS[random.nextInt(3)] + (random.nextInt(4) == 0 ? "0" : ""));
        }
        return String.join("/", segments);
    }

    private JsonNode randomValue(int depth) {
        return switch (random.nextInt(depth > 0 ? 6 : 4)) {
            case 0 -> NODES.numberNode(random.nextInt(1000));
            case 1 -> NODES.textNode("t" + random.nextInt(100));
            case 2 -> NODES.nullNode();
            case 3 -> NODES.arrayNode().add(random.nextInt(10)).add(NODES.objectNode().put("x", 1.5));
            default -> randomObject(depth - 1);
        };
    }

    private ObjectNode randomObject(int depth) {
        ObjectNode object = NODES.objectNode();
        int fields = random.nextInt(4);
        for (int i = 0; i < fields; i++) {
            object.set(KEYS[random.nextInt(KEYS.length)], randomValue(depth));
        }
        return object;
    }
}
