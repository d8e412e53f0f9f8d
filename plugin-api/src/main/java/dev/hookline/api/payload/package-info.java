/**
 * The payloads server hooks receive: one immutable record per hook. A hook that may rewrite its
 * payload returns a copy made with the record's {@code withX} methods; see
 * {@link dev.hookline.api.ServerHooks}.
 *
 * <p>Payloads hold Jackson {@link com.fasterxml.jackson.databind.JsonNode} trees. Treat them as
 * read-only: build a new node and return a rewritten payload instead of modifying one in place.
 */
package dev.hookline.api.payload;
