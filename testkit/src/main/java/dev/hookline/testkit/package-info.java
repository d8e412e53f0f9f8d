/**
 * Test support for Hookline plugins. {@link dev.hookline.testkit.PluginJar} builds real PF4J plugin
 * jars and zips from Java sources during a test, so plugin authors can test their packaging and
 * Hookline's own tests can exercise plugin loading without prebuilt binaries.
 * {@link dev.hookline.testkit.TestHookContext} calls a plugin's hooks directly, and
 * {@link dev.hookline.testkit.WsClient} talks protocol v1 to a running server.
 *
 * <p>Add {@code dev.hookline:hookline-testkit} with {@code test} scope. Building needs a JDK (the
 * system Java compiler), not a JRE.
 */
package dev.hookline.testkit;
