package dev.hookline.faults.cluster;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a command line tool of the machine (psql, redis-cli, kill), bounded in time. The cluster
 * tests talk to PostgreSQL and Redis through their own clients rather than through Java drivers:
 * the faults module then depends on no driver version that a plugin also pins.
 */
final class Commands {

    /** What a command printed, and how it ended. */
    record Result(int exit, String output) {
        List<String> lines() {
            return output.isBlank() ? List.of() : List.of(output.strip().split("\n"));
        }
    }

    private Commands() {
    }

    /** Runs and returns the result whatever the exit status; fails only when it cannot run or overruns. */
    static Result run(int timeoutSeconds, String... command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            process.getOutputStream().close();
            byte[] output = readAll(process, timeoutSeconds);
            return new Result(process.exitValue(), new String(output, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new AssertionError("could not run " + String.join(" ", command) + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted running " + command[0], e);
        }
    }

    /** Runs and fails the test unless it exits with 0. */
    static Result check(int timeoutSeconds, String... command) {
        Result result = run(timeoutSeconds, command);
        if (result.exit() != 0) {
            throw new AssertionError(String.join(" ", command) + " exited with " + result.exit() + ": " + result.output());
        }
        return result;
    }

    private static byte[] readAll(Process process, int timeoutSeconds) throws IOException, InterruptedException {
        var bytes = new java.util.concurrent.CompletableFuture<byte[]>();
        Thread.ofVirtual().start(() -> {
            try {
                bytes.complete(process.getInputStream().readAllBytes());
            } catch (IOException e) {
                bytes.complete(new byte[0]);
            }
        });
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(process.info().commandLine().orElse("a command") + " did not end within "
                    + timeoutSeconds + " s");
        }
        try {
            return bytes.get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            return new byte[0];
        }
    }
}
