package dev.hookline.faults.support;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every acknowledged write of a test, each to a path of its own, so that "every acknowledged
 * write is there" is one comparison per write against a fresh read of the document.
 */
public final class Ledger {

    private final Map<String, Map<String, JsonNode>> byDocument = new ConcurrentHashMap<>();

    /** Records an acknowledged write. */
    public void acked(String document, String path, JsonNode value) {
        byDocument.computeIfAbsent(document, d -> new ConcurrentHashMap<>()).put(path, value);
    }

    /** @return the number of acknowledged writes recorded */
    public int size() {
        return byDocument.values().stream().mapToInt(Map::size).sum();
    }

    /** Reopens every document and compares each acknowledged write with what the server has. */
    public void assertAllPresent(NormalClient reader) {
        List<String> missing = new ArrayList<>();
        byDocument.forEach((document, writes) -> {
            JsonNode root = reader.read(document, "");
            writes.forEach((path, value) -> {
                JsonNode actual = root.at("/" + path);
                if (!value.equals(actual)) {
                    missing.add(document + "/" + path + " (acked " + value + ", found " + actual + ")");
                }
            });
        });
        if (!missing.isEmpty()) {
            throw new AssertionError(missing.size() + " of " + size() + " acknowledged writes are missing or changed: "
                    + (missing.size() > 10 ? missing.subList(0, 10) + " ..." : missing));
        }
    }
}
