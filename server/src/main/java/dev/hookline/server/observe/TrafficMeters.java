package dev.hookline.server.observe;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.noop.NoopCounter;
import io.micrometer.core.instrument.noop.NoopDistributionSummary;
import io.micrometer.core.instrument.noop.NoopTimer;
import java.util.concurrent.TimeUnit;

/**
 * The meters the hot paths touch: frames in and out, bytes out, broadcast fan-out, slow-consumer
 * closes, store durations. Every meter is created once and kept in a field, so counting costs one
 * {@code DoubleAdder} add (a {@link Counter}) and allocates nothing. {@link #NOOP} counts nothing,
 * for servers with metrics disabled.
 */
public final class TrafficMeters {

    /** Meters that record nothing. */
    public static final TrafficMeters NOOP = new TrafficMeters();

    private final Counter framesIn;
    private final Counter framesOut;
    private final Counter bytesOut;
    private final Counter slowConsumerCloses;
    private final DistributionSummary fanOut;
    private final Timer storeDuration;

    /** Registers the meters in {@code registry}. */
    public TrafficMeters(MeterRegistry registry) {
        framesIn = Counter.builder("hookline.frames.in")
                .description("WebSocket frames received from clients (text and binary)").register(registry);
        framesOut = Counter.builder("hookline.frames.out")
                .description("Frames handed to client sockets by the server (after the outbound bound check)")
                .register(registry);
        bytesOut = Counter.builder("hookline.bytes.out")
                .description("Bytes of the frames counted by hookline_frames_out_total").register(registry);
        slowConsumerCloses = Counter.builder("hookline.slow.consumer.closes")
                .description("Connections closed because their outbound queue passed its bound").register(registry);
        fanOut = DistributionSummary.builder("hookline.broadcast.recipients")
                .description("Connections a change was sent to, per applied change").register(registry);
        storeDuration = Timer.builder("hookline.store.duration")
                .description("Duration of the store hooks (onStoreDocument) of stores that succeeded")
                .register(registry);
    }

    private TrafficMeters() {
        framesIn = new NoopCounter(id("hookline.frames.in", Meter.Type.COUNTER));
        framesOut = new NoopCounter(id("hookline.frames.out", Meter.Type.COUNTER));
        bytesOut = new NoopCounter(id("hookline.bytes.out", Meter.Type.COUNTER));
        slowConsumerCloses = new NoopCounter(id("hookline.slow.consumer.closes", Meter.Type.COUNTER));
        fanOut = new NoopDistributionSummary(id("hookline.broadcast.recipients", Meter.Type.DISTRIBUTION_SUMMARY));
        storeDuration = new NoopTimer(id("hookline.store.duration", Meter.Type.TIMER));
    }

    private static Meter.Id id(String name, Meter.Type type) {
        return new Meter.Id(name, Tags.empty(), null, null, type);
    }

    /** A frame arrived from a client. */
    public void frameIn() {
        framesIn.increment();
    }

    /** A frame of {@code bytes} bytes was handed to a client's socket. */
    public void frameOut(int bytes) {
        framesOut.increment();
        bytesOut.increment(bytes);
    }

    /** A connection was closed as a slow consumer. */
    public void slowConsumerClosed() {
        slowConsumerCloses.increment();
    }

    /** A change was sent to {@code recipients} connections. */
    public void fanOut(int recipients) {
        fanOut.record(recipients);
    }

    /** A store succeeded after {@code nanos} nanoseconds. */
    public void stored(long nanos) {
        storeDuration.record(nanos, TimeUnit.NANOSECONDS);
    }
}
