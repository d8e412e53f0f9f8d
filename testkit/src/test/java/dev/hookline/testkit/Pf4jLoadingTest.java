package dev.hookline.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hookline.api.ServerHooks;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pf4j.DefaultPluginManager;
import org.pf4j.PluginManager;
import org.pf4j.PluginState;
import org.pf4j.PluginWrapper;

/** The real check on both layouts: PF4J's default plugin manager loads them. */
class Pf4jLoadingTest {

    private static final String PLUGIN_SOURCE = """
            package com.example;

            public class GreeterPlugin extends org.pf4j.Plugin {
            }
            """;

    @TempDir
    Path plugins;

    private PluginManager manager;

    @AfterEach
    void unload() {
        if (manager != null) {
            manager.unloadPlugins();
        }
    }

    @Test
    void loadsTheJarAndTheZip() throws Exception {
        PluginJar.builder("from-jar")
                .version("1.2.0")
                .requires("*")
                .pluginClass("com.example.GreeterPlugin")
                .source("com.example.GreeterPlugin", PLUGIN_SOURCE)
                .source("com.example.Hooks", PluginJarTest.HOOKS_SOURCE)
                .hooks("com.example.Hooks")
                .writeTo(plugins);
        PluginJar.builder("from-zip")
                .version("3.4.5")
                .dependencies("from-jar")
                .source("com.example.Hooks", PluginJarTest.HOOKS_SOURCE)
                .hooks("com.example.Hooks")
                .writeZipTo(plugins);

        manager = new DefaultPluginManager(plugins);
        manager.loadPlugins();
        manager.startPlugins();

        PluginWrapper jar = manager.getPlugin("from-jar");
        assertThat(jar).isNotNull();
        assertThat(jar.getDescriptor().getVersion()).isEqualTo("1.2.0");
        assertThat(jar.getPluginState()).isEqualTo(PluginState.STARTED);
        assertThat(jar.getPlugin().getClass().getName()).isEqualTo("com.example.GreeterPlugin");
        assertHooksLoad(jar);

        PluginWrapper zip = manager.getPlugin("from-zip");
        assertThat(zip).isNotNull();
        assertThat(zip.getDescriptor().getVersion()).isEqualTo("3.4.5");
        assertThat(zip.getDescriptor().getDependencies()).singleElement()
                .satisfies(dependency -> assertThat(dependency.getPluginId()).isEqualTo("from-jar"));
        assertThat(zip.getPluginState()).isEqualTo(PluginState.STARTED);
        assertHooksLoad(zip);
    }

    private static void assertHooksLoad(PluginWrapper plugin) throws Exception {
        ClassLoader loader = plugin.getPluginClassLoader();
        assertThat(loader.getResource(PluginJar.HOOKS_SERVICE_FILE)).isNotNull();
        Class<?> hooks = loader.loadClass("com.example.Hooks");
        assertThat(hooks.getClassLoader()).isSameAs(loader);
        assertThat(ServerHooks.class.isAssignableFrom(hooks)).isTrue();
    }
}
