package dev.hookline.faults;

import dev.hookline.faults.support.Distribution;
import dev.hookline.faults.support.ServerProcess;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * What every fault test shares: a fresh copy of the distribution, and every server it starts
 * killed (SIGKILL, by pid) when the test ends, whatever happened.
 */
abstract class FaultTestBase {

    @TempDir
    Path dir;

    Path home;

    private final List<ServerProcess> servers = new ArrayList<>();

    @BeforeEach
    void unpack() throws Exception {
        home = Distribution.unpack(dir);
    }

    @AfterEach
    void killServers() {
        servers.forEach(ServerProcess::close);
    }

    /** Starts the distribution, to be killed after the test. */
    ServerProcess start(ServerProcess.Options options) throws Exception {
        return track(ServerProcess.start(home, options));
    }

    /** Starts a stopped server again on the same data. */
    ServerProcess restart(ServerProcess stopped) throws Exception {
        return track(stopped.restart());
    }

    ServerProcess track(ServerProcess server) {
        servers.add(server);
        return server;
    }

    static void log(String format, Object... args) {
        System.out.printf("[faults] " + format + "%n", args);
    }
}
