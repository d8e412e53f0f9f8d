package dev.hookline.faults.cluster;

/**
 * Signals to one process by its pid: the only way the cluster tests stop anything. Never by name,
 * so nothing but the test's own children is touched.
 */
final class Signals {

    private Signals() {
    }

    /** SIGSTOP: the process freezes (no thread runs, sockets stay open, timers stop). */
    static void stop(long pid) {
        Commands.check(10, "kill", "-STOP", Long.toString(pid));
    }

    /** SIGCONT: a frozen process runs again, its clock having jumped. */
    static void resume(long pid) {
        Commands.check(10, "kill", "-CONT", Long.toString(pid));
    }

    /** SIGKILL, without waiting. */
    static void kill(long pid) {
        Commands.run(10, "kill", "-KILL", Long.toString(pid));
    }
}
