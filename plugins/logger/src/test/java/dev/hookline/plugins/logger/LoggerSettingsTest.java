package dev.hookline.plugins.logger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hookline.testkit.TestHookContext;
import java.util.List;
import org.junit.jupiter.api.Test;

class LoggerSettingsTest {

    private static LoggerSettings bind(String json) {
        return TestHookContext.of("logger", json).settings(LoggerSettings.class);
    }

    @Test
    void anEmptyObjectBindsToTheDefaults() {
        LoggerSettings settings = bind("{}");
        assertThat(settings).isEqualTo(LoggerSettings.DEFAULTS);
        assertThat(settings.events()).containsExactly("onConfigure", "onListen", "onDestroy", "onUpgrade", "onConnect",
                "connected", "onDisconnect", "onJoin", "onLeave", "onLoadDocument", "afterLoadDocument",
                "afterStoreDocument", "afterUnloadDocument");
        assertThat(settings.events()).doesNotContain("onChange", "onRequest", "onAuthenticate");
        assertThat(settings.prefix()).isEqualTo("hookline");
        assertThat(settings.level()).isEqualTo("info");
        assertThat(settings.debug()).isFalse();
        assertThat(settings.includeAttributes()).isFalse();
        assertThat(bind("{\"events\":null,\"prefix\":null,\"level\":null,\"includeAttributes\":null}"))
                .isEqualTo(LoggerSettings.DEFAULTS);
    }

    @Test
    void explicitValues() {
        LoggerSettings settings = bind("{\"events\":[\"onChange\",\"onConnect\",\"onChange\"],\"prefix\":\"\","
                + "\"level\":\" Debug \",\"includeAttributes\":true}");
        assertThat(settings.events()).containsExactly("onChange", "onConnect"); // duplicates dropped
        assertThat(settings.mask()).isEqualTo(Event.ON_CHANGE.bit() | Event.ON_CONNECT.bit());
        assertThat(settings.prefix()).isEmpty();
        assertThat(settings.level()).isEqualTo("debug");
        assertThat(settings.includeAttributes()).isTrue();
        assertThat(bind("{\"events\":[]}").mask()).isZero();
    }

    @Test
    void unknownHookNamesAreRejectedListingTheValidOnes() {
        assertThatThrownBy(() -> bind("{\"events\":[\"onConnect\",\"onFoo\"]}"))
                .isInstanceOf(IllegalArgumentException.class)
                .rootCause().isInstanceOf(LoggerSettings.InvalidSetting.class)
                .hasMessage("logger setting 'events' has \"onFoo\", which is not a hook the logger logs; valid hook names: "
                        + "onConfigure, onListen, onDestroy, onRequest, onUpgrade, onConnect, connected, onDisconnect, "
                        + "onAuthenticate, onJoin, onLeave, onLoadDocument, afterLoadDocument, onChange, "
                        + "afterStoreDocument, afterUnloadDocument");
        assertThatThrownBy(() -> new LoggerSettings(List.of("onconnect"), null, null, null))
                .hasMessageStartingWith("logger setting 'events' has \"onconnect\"; did you mean \"onConnect\"?");
        assertThatThrownBy(() -> new LoggerSettings(java.util.Arrays.asList("onConnect", null), null, null, null))
                .hasMessageStartingWith("logger setting 'events' must not contain null; valid hook names: onConfigure");
        assertThatThrownBy(() -> new LoggerSettings(List.of("onStoreDocument"), null, null, null))
                .hasMessageContaining("cannot contain \"onStoreDocument\"")
                .hasMessageContaining("log afterStoreDocument instead");
    }

    @Test
    void levelPrefixAndTypesAreChecked() {
        assertThatThrownBy(() -> new LoggerSettings(null, null, "warn", null))
                .isInstanceOf(LoggerSettings.InvalidSetting.class)
                .hasMessage("logger setting 'level' must be one of info, debug, not \"warn\"");
        assertThatThrownBy(() -> new LoggerSettings(null, "a\nb", null, null))
                .hasMessage("logger setting 'prefix' must not contain control characters");
        assertThatThrownBy(() -> new LoggerSettings(null, "p".repeat(65), null, null))
                .hasMessage("logger setting 'prefix' must be at most 64 characters, not 65");
        assertThatThrownBy(() -> bind("{\"level\":\"info\",\"colour\":true}"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("colour");
        assertThatThrownBy(() -> bind("{\"events\":\"onConnect\"}"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("events");
    }
}
