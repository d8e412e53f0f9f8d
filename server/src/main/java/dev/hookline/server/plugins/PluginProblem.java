package dev.hookline.server.plugins;

import java.nio.file.Path;

/**
 * A plugin the host could not load or start. The host skipped it; everything else runs.
 *
 * @param path     the file or folder it came from
 * @param pluginId its id, when the descriptor could be read, otherwise {@code null}
 * @param reason   what went wrong, for the operator
 */
public record PluginProblem(Path path, String pluginId, String reason) {
}
