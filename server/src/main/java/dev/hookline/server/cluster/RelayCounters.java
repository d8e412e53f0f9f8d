package dev.hookline.server.cluster;

import java.util.concurrent.atomic.LongAdder;

/** What the relay did since start, for {@code /metrics} and {@code /admin/cluster}. */
final class RelayCounters {

    final LongAdder messagesSent = new LongAdder();
    final LongAdder itemsSent = new LongAdder();
    final LongAdder bytesSent = new LongAdder();
    final LongAdder sendFailures = new LongAdder();
    final LongAdder messagesReceived = new LongAdder();
    final LongAdder itemsReceived = new LongAdder();
    final LongAdder gaps = new LongAdder();
    final LongAdder requestsFailed = new LongAdder();
    final LongAdder leaseRenewals = new LongAdder();
    final LongAdder leaseRenewalFailures = new LongAdder();
    final LongAdder leasesLost = new LongAdder();
    final LongAdder claims = new LongAdder();

    void sent(int items, int bytes) {
        messagesSent.increment();
        itemsSent.add(items);
        bytesSent.add(bytes);
    }

    void sendFailed() {
        sendFailures.increment();
    }

    void received(int items) {
        messagesReceived.increment();
        itemsReceived.add(items);
    }
}
