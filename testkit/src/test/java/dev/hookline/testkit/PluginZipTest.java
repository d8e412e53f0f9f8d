package dev.hookline.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Properties;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PluginZipTest {

    @TempDir
    Path dir;

    @Test
    void writesPf4jZipLayout() throws IOException {
        Path lib = PluginJar.builder("helper")
                .source("com.example.lib.Helper", "package com.example.lib; public class Helper {}")
                .writeTo(dir.resolve("libs"));

        Path zip = PluginJar.builder("greeter")
                .version("1.2.0")
                .requires("*")
                .dependencies("other-plugin")
                .pluginClass("com.example.GreeterPlugin")
                .source("com.example.Hooks", PluginJarTest.HOOKS_SOURCE)
                .hooks("com.example.Hooks")
                .resource("some/file.txt", "content")
                .libJar(lib)
                .writeZipTo(dir);

        assertThat(zip).isEqualTo(dir.resolve("greeter-1.2.0.zip"));
        try (ZipFile file = new ZipFile(zip.toFile())) {
            Properties properties = new Properties();
            try (InputStream in = file.getInputStream(file.getEntry("plugin.properties"))) {
                properties.load(in);
            }
            assertThat(properties).containsOnly(
                    entry("plugin.id", "greeter"),
                    entry("plugin.version", "1.2.0"),
                    entry("plugin.requires", "*"),
                    entry("plugin.dependencies", "other-plugin"),
                    entry("plugin.class", "com.example.GreeterPlugin"));

            assertThat(file.getEntry("classes/").isDirectory()).isTrue();
            assertThat(file.getEntry("classes/com/example/Hooks.class")).isNotNull();
            assertThat(text(file, "classes/" + PluginJar.HOOKS_SERVICE_FILE)).isEqualTo("com.example.Hooks\n");
            assertThat(text(file, "classes/some/file.txt")).isEqualTo("content");
            assertThat(file.getEntry("lib/helper-1.0.0.jar").getSize()).isEqualTo(lib.toFile().length());
            // Nothing but the descriptor at the root: no manifest, no stray classes.
            assertThat(file.stream().map(ZipEntry::getName))
                    .allMatch(name -> name.equals("plugin.properties")
                            || name.startsWith("classes/") || name.startsWith("lib/"));
        }
    }

    @Test
    void withoutPluginIdDropsThePropertyAndBundleApiGoesUnderClasses() throws IOException {
        Path zip = PluginJar.builder("anonymous").withoutPluginId().bundleApi().writeZipTo(dir);

        try (ZipFile file = new ZipFile(zip.toFile())) {
            Properties properties = new Properties();
            try (InputStream in = file.getInputStream(file.getEntry("plugin.properties"))) {
                properties.load(in);
            }
            assertThat(properties).containsOnly(entry("plugin.version", "1.0.0"));
            assertThat(file.getEntry("classes/").isDirectory()).isTrue();
            assertThat(file.getEntry("classes/dev/hookline/api/ServerHooks.class")).isNotNull();
            assertThat(file.getEntry("lib/")).isNull();
        }
    }

    private static java.util.Map.Entry<Object, Object> entry(String key, String value) {
        return java.util.Map.entry(key, value);
    }

    private static String text(ZipFile file, String entry) throws IOException {
        ZipEntry zipEntry = file.getEntry(entry);
        assertThat(zipEntry).as("entry %s", entry).isNotNull();
        try (InputStream in = file.getInputStream(zipEntry)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
