package dev.hookline.server.plugins;

import java.nio.file.Path;
import java.util.List;

/**
 * A plugin the host loaded and started.
 *
 * @param id          its {@code Plugin-Id}
 * @param version     its {@code Plugin-Version}
 * @param path        the jar, or the folder a zip was expanded into
 * @param hookClasses the classes listed in its {@code META-INF/services/dev.hookline.api.ServerHooks}
 * @param enabled     whether configuration lets its hooks run
 */
public record LoadedPlugin(String id, String version, Path path, List<String> hookClasses, boolean enabled) {
}
