package dev.hookline.server.cluster;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.atomic.LongAdder;

/** The {@code hookline_cluster_*} meters: ownership, liveness, relay traffic and leases. */
final class ClusterMeters {

    private ClusterMeters() {
    }

    static void bind(MeterRegistry registry, ClusterService cluster, RelayCounters counters) {
        Gauge.builder("hookline.cluster.documents.owned", cluster, ClusterService::documentsOwned)
                .description("Documents this node owns (holds the lease of)").register(registry);
        Gauge.builder("hookline.cluster.nodes", cluster, c -> c.nodes().size())
                .description("Live nodes seen at the last heartbeat, this one included").register(registry);
        Gauge.builder("hookline.cluster.connected", cluster, c -> c.connected() ? 1 : 0)
                .description("1 when the last call to the cluster service worked").register(registry);
        counter(registry, "hookline.cluster.relay.messages", counters.messagesSent, "direction", "sent",
                "Relay messages between nodes");
        counter(registry, "hookline.cluster.relay.messages", counters.messagesReceived, "direction", "received",
                "Relay messages between nodes");
        counter(registry, "hookline.cluster.relay.items", counters.itemsSent, "direction", "sent",
                "Requests, frames and answers carried by relay messages");
        counter(registry, "hookline.cluster.relay.items", counters.itemsReceived, "direction", "received",
                "Requests, frames and answers carried by relay messages");
        counter(registry, "hookline.cluster.relay.bytes", counters.bytesSent, "direction", "sent",
                "Bytes of relay messages sent");
        counter(registry, "hookline.cluster.relay.send.failures", counters.sendFailures, null, null,
                "Relay messages the cluster service did not take");
        counter(registry, "hookline.cluster.relay.gaps", counters.gaps, null, null,
                "Times messages from a node were found lost (its sessions re-attached)");
        counter(registry, "hookline.cluster.relay.requests.failed", counters.requestsFailed, null, null,
                "Relayed requests answered with an error because their owner was lost or too slow");
        counter(registry, "hookline.cluster.lease.claims", counters.claims, null, null, "Document leases taken");
        counter(registry, "hookline.cluster.lease.renewals", counters.leaseRenewals, null, null, "Lease renewals");
        counter(registry, "hookline.cluster.lease.renewal.failures", counters.leaseRenewalFailures, null, null,
                "Renewal rounds that could not reach the cluster service");
        counter(registry, "hookline.cluster.lease.lost", counters.leasesLost, null, null,
                "Leases lost (their documents were dropped from this node)");
    }

    private static void counter(MeterRegistry registry, String name, LongAdder adder, String tag, String value,
                                String description) {
        FunctionCounter.Builder<LongAdder> builder = FunctionCounter.builder(name, adder, LongAdder::sum)
                .description(description);
        if (tag != null) {
            builder.tag(tag, value);
        }
        builder.register(registry);
    }
}
