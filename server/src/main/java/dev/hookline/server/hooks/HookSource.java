package dev.hookline.server.hooks;

import dev.hookline.api.ServerHooks;
import java.util.List;
import java.util.Objects;

/**
 * A set of hook instances that come and go together: one plugin jar, the hooks found on the
 * class path, or hooks an embedding application registered in code. The id orders ties between
 * equal priorities and names the source in logs and statistics.
 *
 * @param id      the plugin id ({@code Plugin-Id}), {@code "classpath"} or the name given in code
 * @param version the plugin version, or {@code "0.0.0"}
 * @param hooks   the instances, one per class listed in the plugin's services file
 */
public record HookSource(String id, String version, List<ServerHooks> hooks) {

    public HookSource {
        Objects.requireNonNull(id, "id");
        if (id.isBlank()) {
            throw new IllegalArgumentException("a hook source needs a non-blank id");
        }
        version = version == null ? "0.0.0" : version;
        hooks = List.copyOf(hooks);
    }

    /** @return a source of hooks registered in code */
    public static HookSource of(String id, ServerHooks... hooks) {
        return new HookSource(id, "0.0.0", List.of(hooks));
    }
}
