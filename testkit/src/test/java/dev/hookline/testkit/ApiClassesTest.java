package dev.hookline.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** bundleApi() must work whether the API comes from a class directory (in the reactor) or a jar. */
class ApiClassesTest {

    private static final Map<String, String> FILES = Map.of(
            "dev/hookline/api/ServerHooks.class", "a",
            "dev/hookline/api/payload/Connect.class", "b",
            "dev/hookline/api/package.html", "not a class",
            "dev/hookline/other/Other.class", "another package",
            "com/fasterxml/Shaded.class", "not the API");

    @TempDir
    Path dir;

    @Test
    void readsFromAClassDirectory() throws IOException {
        Path classes = dir.resolve("classes");
        for (Map.Entry<String, String> file : FILES.entrySet()) {
            Path path = classes.resolve(file.getKey());
            Files.createDirectories(path.getParent());
            Files.writeString(path, file.getValue());
        }

        assertThat(ApiClasses.read(classes)).containsOnlyKeys(
                "dev/hookline/api/ServerHooks.class", "dev/hookline/api/payload/Connect.class");
    }

    @Test
    void readsFromAJar() throws IOException {
        Path jar = dir.resolve("api.jar");
        try (OutputStream out = Files.newOutputStream(jar); ZipOutputStream zip = new ZipOutputStream(out)) {
            for (Map.Entry<String, String> file : FILES.entrySet()) {
                zip.putNextEntry(new ZipEntry(file.getKey()));
                zip.write(file.getValue().getBytes());
                zip.closeEntry();
            }
        }

        assertThat(ApiClasses.read(jar)).containsOnlyKeys(
                "dev/hookline/api/ServerHooks.class", "dev/hookline/api/payload/Connect.class");
    }

    @Test
    void readsTheRealApi() {
        assertThat(ApiClasses.read(CompileClasspath.apiLocation())).containsKey("dev/hookline/api/ServerHooks.class");
    }

    @Test
    void failsWhenThereIsNoApi() {
        assertThatThrownBy(() -> ApiClasses.read(dir)).isInstanceOf(PluginBuildException.class);
    }
}
