/** Hooks of the Hookline clients (Java and browser), with their payloads. */
package dev.hookline.api.client;
