/**
 * Hookline's plugin API: what plugin authors compile against.
 *
 * <p>Start with {@link dev.hookline.api.ServerHooks}: implement the hooks you need, list the class
 * in {@code META-INF/services/dev.hookline.api.ServerHooks}, and package the jar with a manifest
 * carrying {@code Plugin-Id} and {@code Plugin-Version}. Declare this artifact and PF4J as
 * {@code provided}: the server always supplies its own copy.
 */
package dev.hookline.api;
