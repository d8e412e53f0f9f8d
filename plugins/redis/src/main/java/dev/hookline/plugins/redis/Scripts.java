package dev.hookline.plugins.redis;

/**
 * The Lua scripts of the lease and liveness operations. Each runs atomically in Redis, so a lease
 * is taken, checked or dropped in one step with the fencing token it depends on.
 */
final class Scripts {

    private Scripts() {
    }

    /**
     * KEYS: lease, fence counter. ARGV: node id, ttl (ms). Takes a free lease: draws the next token
     * and sets the lease to {@code "<node>:<token>"} with the ttl. Returns the token, or 0 when the
     * lease is held (the counter is then left alone).
     *
     * <p>The token is INCR of the counter, which never expires, but never below Redis's clock in
     * milliseconds times 1024: a Redis that lost its data (restarted without persistence, or a
     * replica that lagged promoted) starts the counter again above every token handed out before,
     * since no document is claimed 1024 times a millisecond. Numbers go back to Redis through
     * {@code %.0f}: Lua would write such a large number in exponent form.
     */
    static final String CLAIM = """
            if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
            local t = redis.call('TIME')
            local floor = (tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)) * 1024
            local token = redis.call('INCR', KEYS[2])
            if token < floor then
              token = redis.call('INCRBY', KEYS[2], string.format('%.0f', floor - token))
            end
            redis.call('SET', KEYS[1], ARGV[1] .. ':' .. string.format('%.0f', token), 'PX', ARGV[2])
            return token
            """;

    /**
     * KEYS: leases. ARGV: ttl (ms), then the value each lease must still have. Extends each lease
     * whose value is still this node's; returns the 1-based positions of those it did not extend.
     */
    static final String RENEW = """
            local lost = {}
            for i = 1, #KEYS do
              if redis.call('GET', KEYS[i]) == ARGV[i + 1] then
                redis.call('PEXPIRE', KEYS[i], ARGV[1])
              else
                lost[#lost + 1] = i
              end
            end
            return lost
            """;

    /** KEYS: lease. ARGV: the value it must have. Deletes the lease if it still is this node's. */
    static final String RELEASE = """
            if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
            return 0
            """;

    /**
     * KEYS: the live-node set. ARGV: node id, ttl (ms). Scores this node with its expiry on Redis's
     * clock (so the nodes' clocks need not agree), drops the expired nodes, keeps the set itself only
     * as long as its last member, and returns the members left.
     */
    static final String HEARTBEAT = """
            local t = redis.call('TIME')
            local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
            redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[1])
            redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
            local last = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
            redis.call('PEXPIRE', KEYS[1], math.max(1, tonumber(last[2]) - now))
            return redis.call('ZRANGE', KEYS[1], 0, -1)
            """;
}
