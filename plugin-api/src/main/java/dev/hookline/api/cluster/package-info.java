/**
 * The cluster SPI: what a cluster engine plugin gives the server so that several nodes can share
 * documents, one owner per document.
 *
 * <p>The server does the clustering itself: which node owns a document, relaying a client's
 * requests to the owner, delivering the owner's frames, failover and fencing. An engine only
 * provides the shared services it needs: leases with fencing tokens, node liveness and
 * messages between nodes ({@link dev.hookline.api.cluster.ClusterEngine}). The bundled engine is
 * the {@code redis} plugin; see {@code docs/scaling.md}.
 */
package dev.hookline.api.cluster;
