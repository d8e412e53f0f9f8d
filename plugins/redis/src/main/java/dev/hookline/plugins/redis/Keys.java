package dev.hookline.plugins.redis;

/**
 * The names of everything the engine keeps in Redis, all under one prefix. Documents and node ids
 * go into names as they are: Redis keys are binary-safe.
 */
record Keys(String prefix) {

    /** @return the lease on a document: {@code "<nodeId>:<token>"}, with a TTL */
    String lease(String document) {
        return prefix + "lease:" + document;
    }

    /** @return the document's fence counter: the last token handed out; never expires */
    String fence(String document) {
        return prefix + "fence:" + document;
    }

    /** @return the sorted set of live nodes: node id scored by the expiry of its heartbeat (ms, Redis clock) */
    String nodes() {
        return prefix + "nodes";
    }

    /** @return the pub/sub channel of messages to a node */
    String channel(String node) {
        return prefix + "node:" + node;
    }
}
