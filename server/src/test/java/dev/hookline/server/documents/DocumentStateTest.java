package dev.hookline.server.documents;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hookline.api.Operation;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class DocumentStateTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** JSON with single quotes, for readability. */
    static JsonNode json(String text) {
        try {
            return JSON.readTree(text.replace('\'', '"'));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
    }

    static DocumentState state(String tree) {
        return new DocumentState(json(tree), null, 0);
    }

    /** Tree, key order, meta and version: everything revert has to restore. */
    record Observed(String tree, Map<String, JsonNode> meta, long version) {
        static Observed of(DocumentState state) {
            // Serialized, so that key order counts (ObjectNode.equals ignores it).
            return new Observed(state.root().toString(), state.metaSnapshot(), state.version());
        }
    }

    @Nested
    class Construction {

        @Test
        void nullIsAnEmptyDocument() {
            DocumentState state = new DocumentState(null, null, 0);
            assertThat(state.root()).isEqualTo(json("{}"));
            assertThat(state.version()).isZero();
            assertThat(state.meta()).isEmpty();
        }

        @Test
        void copiesItsInputs() {
            ObjectNode initial = (ObjectNode) json("{'a':{'b':1}}");
            ObjectNode meta = (ObjectNode) json("{'by':'x'}");
            DocumentState state = new DocumentState(initial, Map.of("/a/", meta), 7);
            initial.put("c", 2);
            ((ObjectNode) initial.get("a")).put("b", 5);
            meta.put("by", "y");
            assertThat(state.root()).isEqualTo(json("{'a':{'b':1}}"));
            assertThat(state.metaOf("a")).isEqualTo(json("{'by':'x'}"));
            assertThat(state.version()).isEqualTo(7);
        }

        @Test
        void rejectsNonObjectsAndNegativeVersions() {
            assertThatThrownBy(() -> new DocumentState(json("[1]"), null, 0))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("an array");
            assertThatThrownBy(() -> new DocumentState(json("null"), null, 0))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> new DocumentState(null, null, -1))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Nested
    class Reading {

        private final DocumentState state = state("{'a':{'z':1,'b':[1,2],'c':'s'},'n':3}");

        @Test
        void getWalksObjectsOnly() {
            assertThat(state.get("")).isSameAs(state.root());
            assertThat(state.get("/a/z")).isEqualTo(json("1"));
            assertThat(state.get("a/b")).isEqualTo(json("[1,2]"));
            assertThat(state.get("a/b/0")).isNull();
            assertThat(state.get("n/x")).isNull();
            assertThat(state.get("missing/x")).isNull();
        }

        @Test
        void keysInInsertionOrder() {
            assertThat(state.keys("a")).containsExactly("z", "b", "c");
            assertThat(state.keys("")).containsExactly("a", "n");
            assertThat(state.keys("n")).isEmpty();
            assertThat(state.keys("missing")).isEmpty();
        }

        @Test
        void snapshotIsACopy() {
            ObjectNode snapshot = state.snapshot();
            snapshot.put("new", 1);
            assertThat(state.get("new")).isNull();
        }

        @Test
        void metaViewIsUnmodifiable() {
            assertThatThrownBy(() -> state.meta().put("a", json("1")))
                    .isInstanceOf(UnsupportedOperationException.class);
        }
    }

    @Nested
    class Set {

        @Test
        void createsMissingParents() {
            DocumentState state = state("{'a':{}}");
            AppliedChange change = state.apply(Operation.SET, "/a/b/c/", json("{'x':1}"), null);
            assertThat(state.root()).isEqualTo(json("{'a':{'b':{'c':{'x':1}}}}"));
            assertThat(change.path()).isEqualTo("a/b/c");
            assertThat(change.version()).isEqualTo(1);
            assertThat(change.operation()).isEqualTo(Operation.SET);
            assertThat(change.value()).isEqualTo(json("{'x':1}"));
        }

        @Test
        void replacesInPlaceKeepingKeyOrder() {
            DocumentState state = state("{'a':1,'b':2,'c':3}");
            state.apply(Operation.SET, "b", json("[9]"), null);
            assertThat(state.root().toString()).isEqualTo("{\"a\":1,\"b\":[9],\"c\":3}");
        }

        @Test
        void valueIsCopiedAndTheRecordIsIndependentOfTheTree() {
            DocumentState state = state("{}");
            ObjectNode value = (ObjectNode) json("{'x':1}");
            AppliedChange change = state.apply(Operation.SET, "a", value, null);
            value.put("x", 2);
            assertThat(state.get("a/x")).isEqualTo(json("1"));
            state.apply(Operation.MERGE, "a", json("{'y':2}"), null);
            assertThat(change.value()).isEqualTo(json("{'x':1}"));
        }

        @Test
        void throughANonObjectFailsAndLeavesTheStateUnchanged() {
            DocumentState state = state("{'a':{'b':5,'arr':[1]}}");
            AppliedChange previous = state.apply(Operation.SET, "k", json("1"), json("{'m':1}"));
            Observed before = Observed.of(state);

            assertThatThrownBy(() -> state.apply(Operation.SET, "a/b/c", json("1"), null))
                    .isInstanceOfSatisfying(DocumentException.class, e -> {
                        assertThat(e.code()).isEqualTo(4400);
                        assertThat(e.reason()).isEqualTo("cannot set a/b/c: a/b is a number, not an object");
                    });
            assertThatThrownBy(() -> state.apply(Operation.SET, "a/arr/0", json("1"), null))
                    .isInstanceOfSatisfying(DocumentException.class,
                            e -> assertThat(e.reason()).contains("a/arr is an array"));
            assertThat(Observed.of(state)).isEqualTo(before);
            // A failed change is not a change: the previous one is still the last, and revertible.
            state.revert(previous);
            assertThat(state.version()).isZero();
        }

        @Test
        void rootOnlyToAnObject() {
            DocumentState state = state("{'a':1}");
            assertThatThrownBy(() -> state.apply(Operation.SET, "", json("[1]"), null))
                    .isInstanceOfSatisfying(DocumentException.class, e -> {
                        assertThat(e.code()).isEqualTo(4400);
                        assertThat(e.reason()).contains("root").contains("an array");
                    });
            state.apply(Operation.SET, "/", json("{'b':2}"), null);
            assertThat(state.root()).isEqualTo(json("{'b':2}"));
        }

        @Test
        void missingValueAndBadPathAreBadRequests() {
            DocumentState state = state("{}");
            assertThatThrownBy(() -> state.apply(Operation.SET, "a", null, null))
                    .isInstanceOfSatisfying(DocumentException.class, e -> assertThat(e.code()).isEqualTo(4400));
            assertThatThrownBy(() -> state.apply(Operation.SET, "a//b", json("1"), null))
                    .isInstanceOfSatisfying(DocumentException.class, e -> {
                        assertThat(e.code()).isEqualTo(4400);
                        assertThat(e.reason()).contains("empty segment");
                    });
            assertThat(state.version()).isZero();
        }

        @Test
        void jsonNullIsAValue() {
            DocumentState state = state("{}");
            state.apply(Operation.SET, "a", json("null"), null);
            assertThat(state.get("a")).isEqualTo(JsonNodeFactory.instance.nullNode());
        }
    }

    @Nested
    class Merge {

        @Test
        void nestedObjectsMergeArraysAndNullReplace() {
            DocumentState state = state("{'p':{'name':'a','stats':{'hp':10,'mp':5},'tags':[1,2],'x':{'y':1}}}");
            AppliedChange change = state.apply(Operation.MERGE, "p",
                    json("{'stats':{'hp':7},'tags':[3],'x':null,'new':{'k':true}}"), null);
            assertThat(state.get("p")).isEqualTo(
                    json("{'name':'a','stats':{'hp':7,'mp':5},'tags':[3],'x':null,'new':{'k':true}}"));
            assertThat(change.value()).isEqualTo(json("{'stats':{'hp':7},'tags':[3],'x':null,'new':{'k':true}}"));
            assertThat(change.version()).isEqualTo(1);
        }

        @Test
        void objectReplacesAScalar() {
            DocumentState state = state("{'p':{'a':1}}");
            state.apply(Operation.MERGE, "p", json("{'a':{'b':2}}"), null);
            assertThat(state.get("p")).isEqualTo(json("{'a':{'b':2}}"));
        }

        @Test
        void createsAnAbsentTargetAndItsParents() {
            DocumentState state = state("{}");
            state.apply(Operation.MERGE, "a/b", json("{'c':{'d':1}}"), null);
            assertThat(state.root()).isEqualTo(json("{'a':{'b':{'c':{'d':1}}}}"));
        }

        @Test
        void intoTheRoot() {
            DocumentState state = state("{'a':{'x':1},'b':2}");
            state.apply(Operation.MERGE, "", json("{'a':{'y':2},'c':3}"), null);
            assertThat(state.root()).isEqualTo(json("{'a':{'x':1,'y':2},'b':2,'c':3}"));
        }

        @Test
        void patchIsCopied() {
            DocumentState state = state("{}");
            ObjectNode patch = (ObjectNode) json("{'a':{'b':1}}");
            state.apply(Operation.MERGE, "", patch, null);
            ((ObjectNode) patch.get("a")).put("b", 2);
            assertThat(state.get("a/b")).isEqualTo(json("1"));
        }

        @Test
        void valueMustBeAnObject() {
            DocumentState state = state("{'a':{}}");
            for (JsonNode bad : new JsonNode[] {json("1"), json("[1]"), json("null"), null}) {
                assertThatThrownBy(() -> state.apply(Operation.MERGE, "a", bad, null))
                        .isInstanceOfSatisfying(DocumentException.class, e -> {
                            assertThat(e.code()).isEqualTo(4400);
                            assertThat(e.reason()).contains("must be an object");
                        });
            }
            assertThat(state.version()).isZero();
        }

        @Test
        void intoANonObjectFailsAndLeavesTheStateUnchanged() {
            DocumentState state = state("{'a':{'b':'s','n':1}}");
            Observed before = Observed.of(state);
            assertThatThrownBy(() -> state.apply(Operation.MERGE, "a/b", json("{'x':1}"), null))
                    .isInstanceOfSatisfying(DocumentException.class,
                            e -> assertThat(e.reason()).isEqualTo("cannot merge into a/b: a/b is a string, not an object"));
            assertThatThrownBy(() -> state.apply(Operation.MERGE, "a/n/deeper", json("{'x':1}"), null))
                    .isInstanceOfSatisfying(DocumentException.class,
                            e -> assertThat(e.reason()).contains("a/n is a number"));
            assertThat(Observed.of(state)).isEqualTo(before);
        }
    }

    @Nested
    class Delete {

        @Test
        void removesTheNode() {
            DocumentState state = state("{'a':{'b':1,'c':2}}");
            AppliedChange change = state.apply(Operation.DELETE, "a/b", null, null);
            assertThat(state.root()).isEqualTo(json("{'a':{'c':2}}"));
            assertThat(change.value()).isNull();
            assertThat(change.meta()).isNull();
            assertThat(change.version()).isEqualTo(1);
        }

        @Test
        void theRootClearsIt() {
            DocumentState state = state("{'a':{'b':1}}");
            state.apply(Operation.DELETE, "", null, null);
            assertThat(state.root()).isEqualTo(json("{}"));
        }

        @Test
        void anAbsentPathIsStillAChange() {
            DocumentState state = state("{'a':1}");
            AppliedChange missing = state.apply(Operation.DELETE, "nope", null, null);
            AppliedChange throughScalar = state.apply(Operation.DELETE, "a/b", null, null);
            assertThat(missing.version()).isEqualTo(1);
            assertThat(throughScalar.version()).isEqualTo(2);
            assertThat(state.root()).isEqualTo(json("{'a':1}"));
        }
    }

    @Nested
    class Meta {

        private final DocumentState state = state("{'a':{'b':{'c':1},'d':2},'a2':{}}");

        private void seed() {
            state.apply(Operation.MERGE, "a", json("{}"), json("{'m':'a'}"));
            state.apply(Operation.MERGE, "a/b", json("{}"), json("{'m':'ab'}"));
            state.apply(Operation.SET, "a/b/c", json("1"), json("{'m':'abc'}"));
            state.apply(Operation.SET, "a/d", json("2"), json("{'m':'ad'}"));
            state.apply(Operation.MERGE, "a2", json("{}"), json("{'m':'a2'}"));
        }

        @Test
        void storedAsACopy() {
            ObjectNode meta = (ObjectNode) json("{'by':'u1'}");
            AppliedChange change = state.apply(Operation.SET, "x", json("1"), meta);
            meta.put("by", "u2");
            assertThat(state.metaOf("/x")).isEqualTo(json("{'by':'u1'}"));
            assertThat(change.meta()).isEqualTo(json("{'by':'u1'}"));
        }

        @Test
        void setDropsDescendantsAndReplacesOrClearsItsOwn() {
            seed();
            state.apply(Operation.SET, "a/b", json("{'c':5}"), null);
            assertThat(state.meta()).containsOnlyKeys("a", "a/d", "a2");
            state.apply(Operation.SET, "a", json("{}"), json("{'m':'new'}"));
            assertThat(state.meta()).containsOnlyKeys("a", "a2");
            assertThat(state.metaOf("a")).isEqualTo(json("{'m':'new'}"));
        }

        @Test
        void setOfTheRootDropsAllButItsOwn() {
            seed();
            state.apply(Operation.SET, "", json("{}"), json("{'m':'root'}"));
            assertThat(state.meta()).containsOnlyKeys("");
        }

        @Test
        void mergeKeepsOrReplacesItsOwnAndKeepsMergedDescendants() {
            seed();
            AppliedChange change = state.apply(Operation.MERGE, "a", json("{'b':{'c':2}}"), null);
            assertThat(change.meta()).isNull();
            assertThat(state.meta()).containsOnlyKeys("a", "a/b", "a/b/c", "a/d", "a2");
            assertThat(state.metaOf("a")).isEqualTo(json("{'m':'a'}"));
            state.apply(Operation.MERGE, "a", json("{}"), json("{'m':'a!'}"));
            assertThat(state.metaOf("a")).isEqualTo(json("{'m':'a!'}"));
        }

        @Test
        void mergeDropsTheMetaBelowAnObjectItReplaces() {
            seed();
            state.apply(Operation.MERGE, "a", json("{'b':7}"), null);
            assertThat(state.meta()).containsOnlyKeys("a", "a/b", "a/d", "a2");
        }

        @Test
        void deleteDropsThePathAndBelowButNotPrefixSiblings() {
            seed();
            state.apply(Operation.DELETE, "a", null, null);
            assertThat(state.meta()).containsOnlyKeys("a2");
        }

        @Test
        void deleteOfTheRootDropsAll() {
            seed();
            state.apply(Operation.SET, "", state.snapshot(), json("{'m':'root'}"));
            state.apply(Operation.DELETE, "/", null, null);
            assertThat(state.meta()).isEmpty();
        }

        @Test
        void jsonNullMetaIsNoMeta() {
            state.apply(Operation.SET, "x", json("1"), json("null"));
            assertThat(state.metaOf("x")).isNull();
        }
    }

    @Test
    void everyChangeIncrementsTheVersionByOne() {
        DocumentState state = new DocumentState(null, null, 41);
        assertThat(state.apply(Operation.SET, "a", json("1"), null).version()).isEqualTo(42);
        assertThat(state.apply(Operation.MERGE, "b", json("{}"), null).version()).isEqualTo(43);
        assertThat(state.apply(Operation.DELETE, "a", null, null).version()).isEqualTo(44);
        assertThat(state.version()).isEqualTo(44);
    }

    @Nested
    class Revert {

        private DocumentState seeded() {
            DocumentState state = state("{'a':{'x':1,'b':{'c':[1,2],'d':'s'},'y':2},'z':3,'a2':{}}");
            // Outermost first: a SET drops the meta below its path.
            state.apply(Operation.SET, "a", state.get("a"), json("{'m':'a'}"));
            state.apply(Operation.SET, "a/b", state.get("a/b"), json("{'m':'ab'}"));
            state.apply(Operation.SET, "a/b/d", json("'s'"), json("{'m':'abd'}"));
            state.apply(Operation.SET, "a2", json("{}"), json("{'m':'a2'}"));
            return state;
        }

        private void assertRevertRestores(String description, Operation op, String path, String value, String meta) {
            DocumentState state = seeded();
            Observed before = Observed.of(state);
            AppliedChange change = state.apply(op, path, value == null ? null : json(value), meta == null ? null : json(meta));
            assertThat(Observed.of(state)).as(description + " changes something").isNotEqualTo(before);
            state.revert(change);
            assertThat(Observed.of(state)).as(description).isEqualTo(before);
            assertThat(state.root()).as(description).isEqualTo(json(before.tree()));
        }

        @Test
        void restoresExactlyForEveryOperation() {
            assertRevertRestores("set replacing", Operation.SET, "a/b", "{'q':1}", null);
            assertRevertRestores("set with meta", Operation.SET, "a/x", "5", "{'m':'ax'}");
            assertRevertRestores("set creating parents", Operation.SET, "n/e/w", "1", "{'m':1}");
            assertRevertRestores("set of the root", Operation.SET, "", "{'r':1}", "{'m':'r'}");
            assertRevertRestores("merge", Operation.MERGE, "a",
                    "{'b':{'c':[9],'d':{'deep':1},'e':2},'x':null,'w':{'v':1}}", "{'m':'a!'}");
            assertRevertRestores("merge replacing an object", Operation.MERGE, "", "{'a':7}", null);
            assertRevertRestores("merge creating", Operation.MERGE, "n/e/w", "{'k':1}", "{'m':1}");
            assertRevertRestores("delete in the middle", Operation.DELETE, "a/b", null, null);
            assertRevertRestores("delete the first key", Operation.DELETE, "a", null, null);
            assertRevertRestores("delete the root", Operation.DELETE, "", null, null);
        }

        @Test
        void deleteOfAnAbsentPathRevertsTheVersion() {
            DocumentState state = seeded();
            Observed before = Observed.of(state);
            state.revert(state.apply(Operation.DELETE, "nope", null, null));
            assertThat(Observed.of(state)).isEqualTo(before);
        }

        @Test
        void onlyTheLastChangeOnce() {
            DocumentState state = state("{}");
            AppliedChange first = state.apply(Operation.SET, "a", json("1"), null);
            AppliedChange second = state.apply(Operation.SET, "b", json("2"), null);
            assertThatThrownBy(() -> state.revert(first)).isInstanceOf(IllegalStateException.class);
            state.revert(second);
            assertThatThrownBy(() -> state.revert(second)).isInstanceOf(IllegalStateException.class);
            // The one before the reverted change was never made revertible again.
            assertThatThrownBy(() -> state.revert(first)).isInstanceOf(IllegalStateException.class);
            assertThat(state.root()).isEqualTo(json("{'a':1}"));
            assertThat(state.version()).isEqualTo(1);
        }

        @Test
        void notAChangeOfAnotherState() {
            DocumentState one = state("{}");
            DocumentState other = state("{}");
            AppliedChange change = one.apply(Operation.SET, "a", json("1"), null);
            other.apply(Operation.SET, "a", json("1"), null);
            assertThatThrownBy(() -> other.revert(change)).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(() -> one.revert(new AppliedChange(1, Operation.SET, "a", null, null, null)))
                    .isInstanceOf(IllegalStateException.class);
        }

        @Test
        void theNextChangeReleasesTheUndo() {
            DocumentState state = state("{'big':{'x':1}}");
            AppliedChange first = state.apply(Operation.SET, "big", json("1"), null);
            state.apply(Operation.SET, "b", json("2"), null);
            assertThat(first.undo().released()).isTrue();
        }

        @Test
        void appliesAgainAfterARevert() {
            DocumentState state = seeded();
            long version = state.version();
            state.revert(state.apply(Operation.MERGE, "a", json("{'x':9}"), null));
            AppliedChange again = state.apply(Operation.SET, "a/x", json("10"), null);
            assertThat(again.version()).isEqualTo(version + 1);
            assertThat(state.get("a/x")).isEqualTo(json("10"));
            assertThat(state.keys("a")).containsExactly("x", "b", "y");
            assertThat(List.copyOf(state.meta().keySet())).containsExactly("a", "a/b", "a/b/d", "a2");
        }
    }
}
