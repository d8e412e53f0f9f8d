package dev.hookline.client;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hookline.api.Operation;
import dev.hookline.server.documents.AppliedChange;
import dev.hookline.server.documents.DocumentException;
import dev.hookline.server.documents.DocumentState;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;

/**
 * The client's cache against the server's own {@link DocumentState}: random sets, merges and
 * deletes (with meta) at random paths, applied to the server state and, as change frames, to a
 * cached entry per subscribed path. Every entry must always hold exactly the server's node and
 * meta at its path.
 */
class CacheSemanticsTest {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final List<String> KEYS = List.of("a", "b", "c");
    private static final List<String> SUBSCRIBED = List.of("", "a", "a/b", "a/b/c", "b", "c/a");

    @RepeatedTest(20)
    void theCacheFollowsTheServerExactly(RepetitionInfo repetition) {
        Random random = new Random(repetition.getCurrentRepetition() * 7919L);
        DocumentState state = new DocumentState(null, null, 0);
        ClientDocument document = new ClientDocument(null, "d", "", new CompletableFuture<>());
        List<ValueEntry> entries = SUBSCRIBED.stream().map(path -> {
            ValueEntry entry = new ValueEntry(document, path);
            entry.snapshot(0, NullNode.getInstance(), null, false);
            return entry;
        }).toList();
        if (entries.get(0).value().isNull()) {
            entries.get(0).snapshot(0, state.snapshot(), null, false);
        }

        for (int step = 0; step < 300; step++) {
            Operation op = Operation.values()[random.nextInt(3)];
            String path = randomPath(random);
            JsonNode value = op == Operation.MERGE ? randomObject(random, 2) : randomValue(random, 2);
            JsonNode meta = random.nextInt(3) == 0 ? NODES.objectNode().put("m", step) : null;
            AppliedChange change;
            try {
                change = state.apply(op, path, value, meta);
            } catch (DocumentException refused) {
                continue;
            }
            for (ValueEntry entry : entries) {
                if (entry.accepts(change.version(), change.path())) {
                    entry.apply(change.version(), op, change.path(), change.value(), change.meta(), "connection");
                }
            }
            for (ValueEntry entry : entries) {
                JsonNode expected = state.get(entry.path);
                assertThat(entry.value()).as("step %d %s %s at %s, entry %s", step, op, value, path, entry.path)
                        .isEqualTo(expected == null ? NullNode.getInstance() : expected);
                Map<String, JsonNode> expectedMeta = new TreeMap<>();
                state.meta().forEach((p, m) -> {
                    if (PathRules.isAncestorOrSelf(entry.path, p)) {
                        expectedMeta.put(p, m);
                    }
                });
                ChangeInfo[] info = new ChangeInfo[1];
                ValueEntry.Listener probe = new ValueEntry.Listener((v, i) -> info[0] = i, null);
                entry.prime(probe);
                assertThat(info[0].metaByPath()).as("meta at step %d, entry %s", step, entry.path).isEqualTo(expectedMeta);
            }
        }
    }

    private static String randomPath(Random random) {
        int depth = random.nextInt(4);
        StringBuilder path = new StringBuilder();
        for (int i = 0; i < depth; i++) {
            path.append(i == 0 ? "" : "/").append(KEYS.get(random.nextInt(KEYS.size())));
        }
        return path.toString();
    }

    private static JsonNode randomValue(Random random, int depth) {
        return switch (random.nextInt(depth > 0 ? 5 : 3)) {
            case 0 -> NODES.numberNode(random.nextInt(10));
            case 1 -> NODES.nullNode();
            case 2 -> NODES.arrayNode().add(random.nextInt(3));
            default -> randomObject(random, depth - 1);
        };
    }

    private static ObjectNode randomObject(Random random, int depth) {
        ObjectNode object = NODES.objectNode();
        int size = random.nextInt(3);
        for (int i = 0; i < size; i++) {
            object.set(KEYS.get(random.nextInt(KEYS.size())), randomValue(random, depth));
        }
        return object;
    }

}
