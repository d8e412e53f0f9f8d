package dev.hookline.server.plugins;

import java.nio.file.Path;

/** A plugin could not be loaded or started; the message says why. */
public class PluginLoadException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final transient PluginProblem problem;

    PluginLoadException(PluginProblem problem, Throwable cause) {
        super(describe(problem), cause);
        this.problem = problem;
    }

    private static String describe(PluginProblem problem) {
        Path name = problem.path() == null ? null : problem.path().getFileName();
        return "plugin " + (problem.pluginId() != null ? "'" + problem.pluginId() + "' " : "")
                + "(" + name + "): " + problem.reason();
    }

    /** @return what failed, for reports */
    public PluginProblem problem() {
        return problem;
    }
}
