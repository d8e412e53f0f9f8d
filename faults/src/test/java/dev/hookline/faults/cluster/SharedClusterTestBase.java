package dev.hookline.faults.cluster;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three nodes on the shared Redis (127.0.0.1:6379), started once for a test class and shared by
 * its tests: starting three JVMs is the slow part of a cluster test. (The test classes run one
 * after the other, so one static cluster at a time.)
 */
abstract class SharedClusterTestBase extends ClusterTestBase {

    @TempDir
    static Path dir;

    static ClusterHarness cluster;

    @BeforeAll
    static void startCluster() throws Exception {
        cluster = ClusterHarness.start(dir, 3, new Redis(6379));
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
            cluster = null;
        }
    }
}
