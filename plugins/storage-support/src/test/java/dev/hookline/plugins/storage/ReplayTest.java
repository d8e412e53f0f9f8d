package dev.hookline.plugins.storage;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hookline.api.payload.Change;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The storage plugins' replay applies changes exactly as the server's DocumentState does, meta included. */
class ReplayTest {

    @Test
    void replayMatchesTheServersStateAfterEveryChange() throws Exception {
        for (long seed = 1; seed <= 200; seed++) {
            RandomChanges random = new RandomChanges("d", seed);
            Replay replay = new Replay(null, null, 0);
            for (Change change : random.run(60)) {
                // Through JSON text, as the log stores them.
                JsonNode value = change.value() == null ? null : StoredJson.JSON.readTree(StoredJson.JSON.writeValueAsString(change.value()));
                JsonNode meta = change.meta() == null ? null : StoredJson.JSON.readTree(change.meta().toString());
                replay.apply(change.version(), change.operation(), change.path(), value, meta);
            }
            assertThat(replay.root()).as("seed %d", seed).isEqualTo(random.state.root());
            assertThat(fieldOrder(replay.root())).as("key order, seed %d", seed).isEqualTo(fieldOrder(random.state.root()));
            assertThat(new TreeMap<>(replay.meta())).as("meta, seed %d", seed).isEqualTo(new TreeMap<>(random.state.meta()));
            assertThat(replay.version()).isEqualTo(random.state.version());
        }
    }

    @Test
    void metaRulesOfSetMergeAndDelete() {
        Replay replay = new Replay(null, Map.of(), 0);
        var nodes = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance;
        replay.apply(1, dev.hookline.api.Operation.SET, "a/b", nodes.objectNode().put("c", 1), nodes.textNode("m1"));
        replay.apply(2, dev.hookline.api.Operation.SET, "a/b/c", nodes.numberNode(2), nodes.textNode("m2"));
        replay.apply(3, dev.hookline.api.Operation.MERGE, "a", nodes.objectNode().put("b", 5), null);
        // the merge replaced object a/b with a number: meta below it goes, its own stays
        assertThat(replay.meta()).containsOnlyKeys("a/b");
        replay.apply(4, dev.hookline.api.Operation.SET, "a/b", nodes.numberNode(6), null);
        assertThat(replay.meta()).isEmpty(); // set without meta clears it
        replay.apply(5, dev.hookline.api.Operation.DELETE, "", null, null);
        assertThat(replay.root()).isEqualTo(nodes.objectNode());
    }

    private static String fieldOrder(JsonNode node) {
        return node.toString();
    }
}
