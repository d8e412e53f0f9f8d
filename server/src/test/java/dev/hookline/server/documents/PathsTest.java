package dev.hookline.server.documents;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PathsTest {

    @Test
    void splitsAndStripsOneLeadingAndOneTrailingSlash() {
        assertThat(Paths.segments("a/b")).containsExactly("a", "b");
        assertThat(Paths.segments("/a/b/")).containsExactly("a", "b");
        assertThat(Paths.segments("/a")).containsExactly("a");
        assertThat(Paths.segments("a/")).containsExactly("a");
        assertThat(Paths.normalize("/a/b/")).isEqualTo("a/b");
    }

    @Test
    void rootIsEmptyOrOneSlash() {
        assertThat(Paths.segments("")).isEmpty();
        assertThat(Paths.segments("/")).isEmpty();
        assertThat(Paths.normalize("/")).isEmpty();
    }

    @Test
    void canonicalPathIsReturnedAsIs() {
        String path = "players/1";
        assertThat(Paths.normalize(path)).isSameAs(path);
    }

    @ParameterizedTest
    @ValueSource(strings = {"a//b", "//", "///", "//a", "a//", "/a//b/"})
    void rejectsEmptySegments(String path) {
        assertThatThrownBy(() -> Paths.segments(path))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("empty segment")
                .hasMessageContaining("\"" + path + "\"");
    }

    @ParameterizedTest
    @ValueSource(strings = {"a\nb", "a\u0000", "\tx", "a/b\u007f"})
    void rejectsControlCharacters(String path) {
        assertThatThrownBy(() -> Paths.segments(path))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("control character")
                .hasMessageNotContaining("\n");
    }

    @Test
    void rejectsNullAndTooLong() {
        assertThatThrownBy(() -> Paths.segments(null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("null");
        String longest = "a".repeat(Paths.MAX_LENGTH);
        assertThat(Paths.normalize(longest)).isEqualTo(longest);
        assertThatThrownBy(() -> Paths.segments(longest + "b"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("1025 characters")
                .hasMessageContaining("\"aaaa");
    }

    @Test
    void parent() {
        assertThat(Paths.parent("a/b/c")).isEqualTo("a/b");
        assertThat(Paths.parent("/a/b/")).isEqualTo("a");
        assertThat(Paths.parent("a")).isEmpty();
        assertThatThrownBy(() -> Paths.parent("")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Paths.parent("/")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void ancestryIsByWholeSegments() {
        assertThat(Paths.isAncestorOrSelf("players/1", "players/1")).isTrue();
        assertThat(Paths.isAncestorOrSelf("players/1", "players/1/score")).isTrue();
        assertThat(Paths.isAncestorOrSelf("/players/1/", "players/1/score")).isTrue();
        assertThat(Paths.isAncestorOrSelf("players/1", "players/10")).isFalse();
        assertThat(Paths.isAncestorOrSelf("players/1", "players/10/score")).isFalse();
        assertThat(Paths.isAncestorOrSelf("players/1/score", "players/1")).isFalse();
        assertThat(Paths.isAncestorOrSelf("", "players/1")).isTrue();
        assertThat(Paths.isAncestorOrSelf("/", "")).isTrue();
        assertThat(Paths.isAncestorOrSelf("players", "")).isFalse();
    }

    @Test
    void touchesAncestorsSelfAndDescendantsOnly() {
        assertThat(Paths.touches("players/1", "players/1/score")).isTrue();
        assertThat(Paths.touches("players/1", "players/1")).isTrue();
        assertThat(Paths.touches("players/1", "players")).isTrue();
        assertThat(Paths.touches("players/1", "")).isTrue();
        assertThat(Paths.touches("", "anything/at/all")).isTrue();
        assertThat(Paths.touches("players/1", "players/10")).isFalse();
        assertThat(Paths.touches("players/10", "players/1")).isFalse();
        assertThat(Paths.touches("players/1", "players/2")).isFalse();
        assertThat(Paths.touches("players/1", "teams")).isFalse();
    }
}
