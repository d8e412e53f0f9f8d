package dev.hookline.testkit;

/**
 * Building a plugin with {@link PluginJar} failed: the sources do not compile, the builder was
 * given contradictory input, or a file could not be read or written.
 *
 * <p>For compile errors the message carries every compiler diagnostic as
 * {@code path/To/Source.java:line:column: kind: message}, followed by the offending source line,
 * so a failing test shows what to fix without re-running anything.
 */
public class PluginBuildException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * A failure without an underlying exception, such as a compile error.
     *
     * @param message what went wrong, for the test report
     */
    public PluginBuildException(String message) {
        super(message);
    }

    /**
     * A failure caused by another exception.
     *
     * @param message what went wrong, for the test report
     * @param cause   the underlying failure, typically an {@link java.io.IOException}
     */
    public PluginBuildException(String message, Throwable cause) {
        super(message, cause);
    }
}
