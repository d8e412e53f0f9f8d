package dev.hookline.server;

import dev.hookline.server.hooks.Chains;
import dev.hookline.server.hooks.Hook;
import dev.hookline.server.hooks.HookChain;
import dev.hookline.server.hooks.Hooks;
import dev.hookline.server.plugins.LoadedPlugin;
import dev.hookline.server.plugins.PluginProblem;
import java.util.List;
import java.util.stream.Collectors;

/** The start-up report: each plugin, each skipped jar with its reason, and every non-empty chain in order. */
public final class Banner {

    private Banner() {
    }

    /** @return the report as lines of text */
    public static String render(List<LoadedPlugin> plugins, List<PluginProblem> problems, Chains chains) {
        StringBuilder out = new StringBuilder();
        out.append("Hookline ").append(Version.get()).append('\n');
        out.append("Plugins (").append(plugins.size()).append("):\n");
        if (plugins.isEmpty()) {
            out.append("  none\n");
        }
        for (LoadedPlugin plugin : plugins) {
            out.append("  ").append(plugin.id()).append(' ').append(plugin.version())
                    .append("  ").append(plugin.path().getFileName())
                    .append(plugin.enabled() ? "" : "  (disabled)").append('\n');
        }
        if (!problems.isEmpty()) {
            out.append("Skipped (").append(problems.size()).append("):\n");
            for (PluginProblem problem : problems) {
                out.append("  ").append(problem.path().getFileName()).append(": ").append(problem.reason()).append('\n');
            }
        }
        out.append("Hook chains (higher priority first):\n");
        int shown = 0;
        for (Hook<?> hook : Hooks.all()) {
            HookChain<?> chain = chains.of(hook);
            if (!chain.isEmpty()) {
                shown++;
                out.append("  ").append(hook.name()).append(": ")
                        .append(chain.links().stream()
                                .map(link -> link.pluginId() + "/" + simpleName(link.className()) + " (" + link.priority() + ")")
                                .collect(Collectors.joining(" -> ")))
                        .append('\n');
            }
        }
        if (shown == 0) {
            out.append("  none: no plugin contributes hooks\n");
        }
        return out.toString();
    }

    private static String simpleName(String className) {
        return className.substring(className.lastIndexOf('.') + 1);
    }
}
