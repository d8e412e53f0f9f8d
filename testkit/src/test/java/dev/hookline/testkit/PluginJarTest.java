package dev.hookline.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hookline.api.ServerHooks;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PluginJarTest {

    static final String HOOKS_SOURCE = """
            package com.example;

            public class Hooks implements dev.hookline.api.ServerHooks {
                @Override
                public int priority() {
                    return 7;
                }
            }
            """;

    @TempDir
    Path dir;

    @Test
    void writesTheDescriptorAsManifestAttributes() throws IOException {
        Path jar = PluginJar.builder("greeter")
                .version("1.2.0")
                .requires(">=0.1.0")
                .dependencies("other-plugin", "optional?")
                .pluginClass("com.example.GreeterPlugin")
                .writeTo(dir);

        assertThat(jar).isEqualTo(dir.resolve("greeter-1.2.0.jar"));
        Attributes attributes = mainAttributes(jar);
        assertThat(attributes.getValue("Plugin-Id")).isEqualTo("greeter");
        assertThat(attributes.getValue("Plugin-Version")).isEqualTo("1.2.0");
        assertThat(attributes.getValue("Plugin-Requires")).isEqualTo(">=0.1.0");
        assertThat(attributes.getValue("Plugin-Dependencies")).isEqualTo("other-plugin, optional?");
        assertThat(attributes.getValue("Plugin-Class")).isEqualTo("com.example.GreeterPlugin");
    }

    @Test
    void leavesOutWhatWasNotSet() throws IOException {
        Path jar = PluginJar.builder("plain").writeTo(dir);

        assertThat(jar).isEqualTo(dir.resolve("plain-1.0.0.jar"));
        Attributes attributes = mainAttributes(jar);
        assertThat(attributes.getValue("Plugin-Id")).isEqualTo("plain");
        assertThat(attributes.getValue("Plugin-Version")).isEqualTo("1.0.0");
        assertThat(attributes.getValue("Plugin-Requires")).isNull();
        assertThat(attributes.getValue("Plugin-Dependencies")).isNull();
        assertThat(attributes.getValue("Plugin-Class")).isNull();
        try (JarFile file = new JarFile(jar.toFile())) {
            assertThat(file.getEntry(PluginJar.HOOKS_SERVICE_FILE)).isNull();
        }
    }

    @Test
    void withoutPluginIdKeepsTheManifestButDropsTheId() throws IOException {
        Path jar = PluginJar.builder("anonymous").version("2.0.0").withoutPluginId().writeTo(dir);

        assertThat(jar).isEqualTo(dir.resolve("anonymous-2.0.0.jar"));
        Attributes attributes = mainAttributes(jar);
        assertThat(attributes.getValue("Plugin-Id")).isNull();
        assertThat(attributes.getValue("Plugin-Version")).isEqualTo("2.0.0");
    }

    @Test
    void compiledHooksLoadAndImplementServerHooks() throws Exception {
        Path jar = PluginJar.builder("greeter")
                .source("com.example.Hooks", HOOKS_SOURCE)
                .hooks("com.example.Hooks")
                .writeTo(dir);

        try (JarFile file = new JarFile(jar.toFile())) {
            assertThat(text(file, PluginJar.HOOKS_SERVICE_FILE)).isEqualTo("com.example.Hooks\n");
            assertThat(file.getEntry("com/example/Hooks.class")).isNotNull();
            assertThat(file.getEntry("dev/hookline/api/ServerHooks.class")).isNull();
        }
        try (URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, getClass().getClassLoader())) {
            Class<?> hooks = loader.loadClass("com.example.Hooks");
            assertThat(ServerHooks.class.isAssignableFrom(hooks)).isTrue();
            ServerHooks instance = (ServerHooks) hooks.getConstructor().newInstance();
            assertThat(instance.priority()).isEqualTo(7);
        }
    }

    @Test
    void compilesAgainstJacksonSlf4jAndPf4j() throws IOException {
        Path jar = PluginJar.builder("libraries")
                .source("com.example.UsesLibraries", """
                        package com.example;

                        public class UsesLibraries extends org.pf4j.Plugin {
                            @com.fasterxml.jackson.annotation.JsonProperty("name")
                            public String name;
                            static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(UsesLibraries.class);
                            static final com.fasterxml.jackson.core.JsonFactory FACTORY = new com.fasterxml.jackson.core.JsonFactory();
                            public com.fasterxml.jackson.databind.JsonNode settings(dev.hookline.api.PluginContext context) {
                                return context.settings();
                            }
                        }
                        """)
                .writeTo(dir);

        try (JarFile file = new JarFile(jar.toFile())) {
            assertThat(file.getEntry("com/example/UsesLibraries.class")).isNotNull();
        }
    }

    @Test
    void writesResources() throws IOException {
        Path jar = PluginJar.builder("greeter").resource("some/file.txt", "content ✓").writeTo(dir);

        try (JarFile file = new JarFile(jar.toFile())) {
            assertThat(text(file, "some/file.txt")).isEqualTo("content ✓");
        }
    }

    @Test
    void bundleApiCopiesThePluginApiIntoTheJar() throws IOException {
        Path jar = PluginJar.builder("careless")
                .source("com.example.Hooks", HOOKS_SOURCE)
                .hooks("com.example.Hooks")
                .bundleApi()
                .writeTo(dir);

        try (JarFile file = new JarFile(jar.toFile())) {
            assertThat(file.getEntry("dev/hookline/api/ServerHooks.class")).isNotNull();
            assertThat(file.getEntry("dev/hookline/api/payload/Connect.class")).isNotNull();
            assertThat(file.getEntry("dev/hookline/api/client/ClientHooks.class")).isNotNull();
            assertThat(file.getEntry("com/example/Hooks.class")).isNotNull();
            assertThat(file.stream().map(ZipEntry::getName).filter(name -> name.startsWith("dev/")))
                    .allMatch(name -> name.startsWith("dev/hookline/api/") && name.endsWith(".class"));
        }
    }

    @Test
    void compileErrorsCarryTheDiagnostics() {
        var builder = PluginJar.builder("broken").source("com.example.Broken", """
                package com.example;

                public class Broken implements dev.hookline.api.ServerHooks {
                    NoSuchType field;
                }
                """);

        assertThatThrownBy(() -> builder.writeTo(dir))
                .isInstanceOf(PluginBuildException.class)
                .hasMessageContaining("com/example/Broken.java:4:")
                .hasMessageContaining("error:")
                .hasMessageContaining("cannot find symbol")
                .hasMessageContaining("NoSuchType field;")
                .hasMessageContaining("^");
        assertThat(dir.resolve("broken-1.0.0.jar")).doesNotExist();
    }

    @Test
    void extraClasspathEntriesAreVisibleToTheCompiler() throws IOException {
        Path library = PluginJar.builder("library")
                .source("com.example.lib.Greeting", """
                        package com.example.lib;
                        public record Greeting(String text) {}
                        """)
                .writeTo(dir.resolve("library"));

        Path jar = PluginJar.builder("user")
                .source("com.example.User", """
                        package com.example;
                        public class User {
                            com.example.lib.Greeting greeting = new com.example.lib.Greeting("hi");
                        }
                        """)
                .classpath(library)
                .writeTo(dir);

        try (JarFile file = new JarFile(jar.toFile())) {
            assertThat(file.getEntry("com/example/User.class")).isNotNull();
            assertThat(file.getEntry("com/example/lib/Greeting.class")).isNull();
        }
    }

    @Test
    void refusesLibJarsInAJar() {
        var builder = PluginJar.builder("greeter").libJar(dir.resolve("some.jar"));

        assertThatThrownBy(() -> builder.writeTo(dir))
                .isInstanceOf(PluginBuildException.class)
                .hasMessageContaining("writeZipTo");
    }

    @Test
    void refusesEntriesThatWouldOverwriteEachOther() {
        var builder = PluginJar.builder("clash")
                .source("com.example.Hooks", HOOKS_SOURCE)
                .resource("com/example/Hooks.class", "not a class");

        assertThatThrownBy(() -> builder.writeTo(dir))
                .isInstanceOf(PluginBuildException.class)
                .hasMessageContaining("com/example/Hooks.class");
    }

    @Test
    void rejectsBadArguments() {
        assertThatThrownBy(() -> PluginJar.builder(null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PluginJar.builder(" ")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PluginJar.builder("a").resource("/abs.txt", "x"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PluginJar.builder("a").source("A", "class A {}").source("A", "class A {}"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void canBeWrittenAgain() {
        PluginJar.Builder builder = PluginJar.builder("twice").source("com.example.Hooks", HOOKS_SOURCE);

        Path first = builder.writeTo(dir.resolve("one"));
        Path second = builder.writeTo(dir.resolve("two"));

        assertThat(first).exists().isNotEqualTo(second);
        assertThat(second).exists();
    }

    private static Attributes mainAttributes(Path jar) throws IOException {
        try (JarFile file = new JarFile(jar.toFile())) {
            assertThat(file.getManifest()).as("manifest of %s", jar).isNotNull();
            return file.getManifest().getMainAttributes();
        }
    }

    private static String text(JarFile file, String entry) throws IOException {
        ZipEntry zipEntry = file.getEntry(entry);
        assertThat(zipEntry).as("entry %s", entry).isNotNull();
        try (var in = file.getInputStream(zipEntry)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
