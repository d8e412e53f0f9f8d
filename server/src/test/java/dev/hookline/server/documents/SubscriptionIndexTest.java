package dev.hookline.server.documents;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SubscriptionIndexTest {

    private final SubscriptionIndex<String> index = new SubscriptionIndex<>();

    /** "path=subscriber" for each visit, in visiting order. */
    private List<String> touched(String changed) {
        List<String> visits = new ArrayList<>();
        index.forEachTouched(changed, (path, subscriber) -> visits.add(path + "=" + subscriber));
        return visits;
    }

    private void subscribeAll() {
        index.add("", "root");
        index.add("players", "all");
        index.add("players/1", "one");
        index.add("players/1/score", "score1");
        index.add("players/10", "ten");
        index.add("players/10/score", "score10");
        index.add("players/2", "two");
        index.add("teams", "teams");
    }

    @Test
    void visitsAncestorsSelfAndDescendantsOnly() {
        subscribeAll();
        assertThat(touched("players/1")).containsExactly("=root", "players=all", "players/1=one", "players/1/score=score1");
        assertThat(touched("/players/1/score/")).containsExactly("=root", "players=all", "players/1=one", "players/1/score=score1");
        assertThat(touched("players/1/name")).containsExactly("=root", "players=all", "players/1=one");
        assertThat(touched("players/10")).containsExactly("=root", "players=all", "players/10=ten", "players/10/score=score10");
        assertThat(touched("teams/red")).containsExactly("=root", "teams=teams");
        assertThat(touched("nobody/here")).containsExactly("=root");
    }

    @Test
    void aChangeOfTheRootTouchesEveryone() {
        subscribeAll();
        assertThat(touched("")).containsExactlyInAnyOrder("=root", "players=all", "players/1=one",
                "players/1/score=score1", "players/10=ten", "players/10/score=score10", "players/2=two", "teams=teams");
    }

    @Test
    void agreesWithPathsTouchesOnRandomPaths() {
        Random random = new Random(42);
        List<String> paths = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            paths.add(randomPath(random));
        }
        for (int i = 0; i < paths.size(); i++) {
            index.add(paths.get(i), paths.get(i) + "#" + (i % 3));
        }
        for (int n = 0; n < 300; n++) {
            String changed = randomPath(random);
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < paths.size(); i++) {
                if (Paths.touches(paths.get(i), changed)) {
                    expected.add(paths.get(i) + "=" + paths.get(i) + "#" + (i % 3));
                }
            }
            assertThat(touched(changed)).as(changed).containsExactlyInAnyOrderElementsOf(
                    expected.stream().distinct().toList());
        }
    }

    private static String randomPath(Random random) {
        String[] keys = {"1", "10", "a", "ab", "b"};
        int depth = random.nextInt(4);
        List<String> segments = new ArrayList<>();
        for (int i = 0; i < depth; i++) {
            segments.add(keys[random.nextInt(keys.length)]);
        }
        return String.join("/", segments);
    }

    @Test
    void subscribersInOrderWithoutDuplicates() {
        index.add("p", "b");
        index.add("p", "a");
        index.add("/p/", "b");
        assertThat(index.size()).isEqualTo(2);
        assertThat(touched("p")).containsExactly("p=b", "p=a");
    }

    @Test
    void removesAndPrunes() {
        index.add("a/b/c", "x");
        index.add("a/b/c", "y");
        index.add("a", "z");
        assertThat(index.size()).isEqualTo(3);

        assertThat(index.remove("a/b/c", "nobody")).isFalse();
        assertThat(index.remove("a/b", "x")).isFalse();
        assertThat(index.remove("q/r", "x")).isFalse();
        assertThat(index.remove("a/b/c", "x")).isTrue();
        assertThat(index.remove("a/b/c", "x")).isFalse();
        assertThat(touched("a/b/c")).containsExactly("a=z", "a/b/c=y");

        assertThat(index.remove("/a/b/c", "y")).isTrue();
        assertThat(index.remove("a", "z")).isTrue();
        assertThat(index.isEmpty()).isTrue();
        assertThat(index.size()).isZero();
        assertThat(touched("")).isEmpty();
        assertThat(index).extracting("root").extracting("children")
                .satisfies(children -> assertThat(children == null || ((java.util.Map<?, ?>) children).isEmpty()).isTrue());
    }

    @Test
    void pruningKeepsNodesStillInUse() {
        index.add("a/b", "x");
        index.add("a/b/c", "y");
        index.remove("a/b", "x");
        assertThat(touched("a/b/c")).containsExactly("a/b/c=y");
        index.remove("a/b/c", "y");
        index.add("a/b", "x");
        assertThat(touched("a")).containsExactly("a/b=x");
    }

    @Test
    void rejectsInvalidPaths() {
        assertThatThrownBy(() -> index.add("a//b", "x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> index.forEachTouched("a\n", (p, s) -> {})).isInstanceOf(IllegalArgumentException.class);
    }
}
