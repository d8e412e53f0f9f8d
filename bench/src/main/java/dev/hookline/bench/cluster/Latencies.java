package dev.hookline.bench.cluster;

import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * A thread-safe latency histogram in microseconds, log-linear (64 sub-buckets per power of two,
 * so a percentile is exact to within about 1.6%), from 0 to about 2^37 µs. Recording is one
 * atomic add; no sample is kept.
 */
final class Latencies {

    private static final int SUB = 64;
    private static final int SHIFT = 6;
    private final AtomicLongArray counts = new AtomicLongArray(SUB * 34);
    private final LongAdder total = new LongAdder();

    void recordNanos(long nanos) {
        long micros = Math.max(0, nanos / 1000);
        counts.incrementAndGet(Math.min(bucket(micros), counts.length() - 1));
        total.increment();
    }

    long count() {
        return total.sum();
    }

    /** @return the {@code p}-th percentile (0 < p <= 100) in ms, or NaN with no samples */
    double percentileMillis(double p) {
        long n = total.sum();
        if (n == 0) {
            return Double.NaN;
        }
        long rank = (long) Math.ceil(p / 100.0 * n);
        long seen = 0;
        for (int i = 0; i < counts.length(); i++) {
            seen += counts.get(i);
            if (seen >= rank) {
                return upper(i) / 1000.0;
            }
        }
        return upper(counts.length() - 1) / 1000.0;
    }

    /** "p50 x ms, p99 y ms, max~ z ms (n samples)" */
    String summary() {
        return String.format("p50 %.2f ms, p99 %.2f ms, p99.9 %.2f ms, max %.1f ms (%,d samples)",
                percentileMillis(50), percentileMillis(99), percentileMillis(99.9), percentileMillis(100), count());
    }

    // Values below 64 µs get a bucket each; above, each power of two is cut into 64 buckets.
    private static int bucket(long micros) {
        if (micros < SUB) {
            return (int) micros;
        }
        int shift = 63 - Long.numberOfLeadingZeros(micros) - SHIFT;
        return (shift + 1) * SUB + (int) ((micros >>> shift) - SUB);
    }

    private static long upper(int bucket) {
        if (bucket < SUB) {
            return bucket;
        }
        int shift = bucket / SUB - 1;
        long base = (long) (bucket % SUB + SUB) << shift;
        return base + (1L << shift) - 1;
    }
}
