package dev.hookline.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.jar.JarFile;
import java.util.zip.ZipException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CorruptPluginTest {

    @TempDir
    Path dir;

    @Test
    void writesAFileThatIsNotAZip() {
        Path file = PluginJar.corrupt(dir.resolve("plugins"), "broken.jar");

        assertThat(file).isEqualTo(dir.resolve("plugins/broken.jar")).isRegularFile().isNotEmptyFile();
        assertThatThrownBy(() -> new JarFile(file.toFile()).close()).isInstanceOf(ZipException.class);
    }
}
