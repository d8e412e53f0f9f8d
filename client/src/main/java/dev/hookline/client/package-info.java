/**
 * The Java client of Hookline. Start with {@link dev.hookline.client.HooklineClient#builder}.
 *
 * <p><b>Threading.</b> Each client has one event thread of its own. Every callback (ref, keys,
 * presence, stateless and status listeners, client hooks other than {@code set} and
 * {@code delete}) runs on it, and every future the client returns completes on it, so callbacks
 * never run concurrently with each other and see the cache in a consistent state. Do not block in
 * them. The public methods may be called from any thread; writes ({@code set}, {@code merge},
 * {@code delete}, presence, stateless) run their {@code set}/{@code delete} hooks on the calling
 * thread and go straight to the socket.
 */
package dev.hookline.client;
