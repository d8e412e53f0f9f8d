package dev.hookline.server.aot;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The trainer's paths that make no cache; the training itself runs in the distribution's build (DistributionIT). */
class AotTrainerTest {

    @TempDir
    Path home;

    @Test
    void askedToSkipItRemovesAStaleCacheAndSaysWhy() throws Exception {
        Files.createDirectories(home.resolve("lib"));
        Files.writeString(home.resolve("lib/hookline.aot"), "from an earlier build");
        Files.writeString(home.resolve("lib/hookline.aot.config"), "left by a killed training");

        String output = run(home.toString(), home.resolve("training.log").toString(), "true");

        assertThat(home.resolve("lib/hookline.aot")).doesNotExist();
        assertThat(home.resolve("lib/hookline.aot.config")).doesNotExist();
        assertThat(output).startsWith("AOT cache: skipped (hookline.aot.skip=true)");
    }

    @Test
    void whenTrainingFailsTheBuildGoesOnWithoutACache() throws Exception {
        // No bin/hookline to start: the training fails at once, and says so in one line.
        Files.createDirectories(home.resolve("lib"));

        String output = run(home.toString(), home.resolve("training.log").toString(), "false");

        assertThat(home.resolve("lib/hookline.aot")).doesNotExist();
        if (Runtime.version().feature() >= 25) {
            assertThat(output).startsWith("AOT cache: NOT made, the distribution ships without one");
        } else {
            assertThat(output).startsWith("AOT cache: skipped: the build's JDK is " + Runtime.version().feature());
        }
    }

    private static String run(String... args) throws Exception {
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            AotTrainer.main(args);
        } finally {
            System.setOut(original);
        }
        return captured.toString(StandardCharsets.UTF_8);
    }
}
