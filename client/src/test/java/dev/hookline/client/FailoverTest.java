package dev.hookline.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.IntNode;
import dev.hookline.api.Connection;
import dev.hookline.api.HookContext;
import dev.hookline.api.Reject;
import dev.hookline.api.ServerHooks;
import dev.hookline.api.client.ClientHooks;
import dev.hookline.api.payload.Authenticate;
import dev.hookline.api.payload.Connected;
import dev.hookline.server.Hookline;
import dev.hookline.server.config.ServerConfig;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A client given several server URIs moves to the next one at each reconnect. The servers here
 * are independent single nodes sharing nothing (not a cluster: the cluster failover is
 * {@code ClusterClientFailoverIT} in the faults module), so what is tested is the rotation itself
 * and that the resume on another server follows the usual rules: the document is re-opened there
 * and a subscription whose {@code since} that server cannot replay from gets a reset, never stale
 * data.
 */
class FailoverTest extends ClientTestSupport {

    /** One server and the connections it saw, by id (ids repeat across servers: one map each). */
    record Server(Hookline hookline, Map<String, Connection> connections) {
        URI uri() {
            return URI.create("ws://127.0.0.1:" + hookline.port() + "/ws");
        }
    }

    private final List<Server> servers = new ArrayList<>();
    private final List<HooklineClient> mine = new CopyOnWriteArrayList<>();

    private final AtomicInteger reconnects = new AtomicInteger();
    private final List<Status> statuses = new CopyOnWriteArrayList<>();
    private final ClientHooks countReconnects = new ClientHooks() {
        @Override
        public void reconnect(int attempts) {
            reconnects.incrementAndGet();
        }
    };

    private Server server() {
        Map<String, Connection> seen = new ConcurrentHashMap<>();
        Hookline hookline = Hookline.builder().config(ServerConfig.DEFAULTS.withAddress("127.0.0.1", 0))
                .classpathHooks(false).hooks(new ServerHooks() {
                    @Override
                    public void connected(Connected connected, HookContext context) {
                        context.connection().ifPresent(c -> seen.put(c.id(), c));
                    }
                }).start();
        Server server = new Server(hookline, seen);
        servers.add(server);
        return server;
    }

    private HooklineClient client(HooklineClient.Builder builder) {
        HooklineClient client = builder.hooks(countReconnects)
                .reconnect(Duration.ofMillis(20), Duration.ofMillis(200)).build();
        mine.add(client);
        client.onStatus(statuses::add);
        return client;
    }

    @AfterEach
    void stopServers() {
        mine.forEach(HooklineClient::close);
        servers.forEach(s -> s.hookline().stop());
    }

    @Test
    void aClientOfAStoppedServerReconnectsToTheNextOneAndResumesThere() {
        Server a = server();
        Server b = server();
        HooklineClient client = client(HooklineClient.builder(a.uri(), b.uri()));
        get(client.ready());
        assertThat(client.serverUri()).isEqualTo(a.uri());
        assertThat(a.connections()).containsOnlyKeys(client.connectionId());
        assertThat(b.connections()).isEmpty();

        ClientDocument doc = get(client.open("board"));
        List<ChangeInfo> heard = new CopyOnWriteArrayList<>();
        List<String> values = new CopyOnWriteArrayList<>();
        doc.ref("").on((value, info) -> {
            heard.add(info);
            values.add(value.toString());
        });
        get(doc.ref("a").set(IntNode.valueOf(1)));
        long atA = get(doc.ref("a").set(IntNode.valueOf(2)));
        await().until(() -> !heard.isEmpty() && heard.get(heard.size() - 1).version() == atA);
        int before = heard.size();

        a.hookline().stop();

        await().atMost(WAIT).until(() -> reconnects.get() == 1 && client.status() == Status.OPEN);
        assertThat(client.serverUri()).isEqualTo(b.uri());
        assertThat(b.connections()).containsOnlyKeys(client.connectionId());
        assertThat(statuses).containsSubsequence(Status.OPEN, Status.CLOSED, Status.CONNECTING, Status.OPEN);
        // B never had this document: it cannot replay from v2, so the cache is replaced, not kept.
        await().until(() -> heard.size() > before);
        assertThat(heard.get(before).reset()).isTrue();
        assertThat(heard.get(before).version()).isZero();
        assertThat(values.get(before)).isEqualTo("{}");

        long onB = get(doc.ref("b").set(IntNode.valueOf(3)));
        assertThat(onB).isEqualTo(1);
        assertThat(b.hookline().api().get("board", "").orElseThrow()).isEqualTo(json("{'b':3}"));
        await().untilAsserted(() -> assertThat(values).last().isEqualTo("{\"b\":3}"));
    }

    @Test
    void eachReconnectMovesToTheNextUriRoundTheList() {
        Server a = server();
        Server b = server();
        Server c = server();
        HooklineClient client = client(HooklineClient.builder(List.of(a.uri(), b.uri(), c.uri())));
        get(client.ready());
        get(client.open("d"));
        List<URI> visited = new ArrayList<>(List.of(client.serverUri()));
        for (Server from : List.of(a, b, c)) {
            int expected = reconnects.get() + 1;
            kickOn(from, client);
            await().atMost(WAIT).until(() -> reconnects.get() == expected && client.status() == Status.OPEN);
            visited.add(client.serverUri());
            Server to = servers.get((servers.indexOf(from) + 1) % servers.size());
            assertThat(to.connections()).containsKey(client.connectionId());
            // the document is open again there: a write is acknowledged by that server
            ClientDocument doc = get(client.open("e" + visited.size()));
            get(doc.ref("x").set(IntNode.valueOf(visited.size())));
            assertThat(to.hookline().api().get("e" + visited.size(), "x")).contains(IntNode.valueOf(visited.size()));
        }
        assertThat(visited).containsExactly(a.uri(), b.uri(), c.uri(), a.uri());
    }

    @Test
    void aFirstServerThatIsDownIsSkipped() throws IOException {
        URI dead = URI.create("ws://127.0.0.1:" + freePort() + "/ws");
        Server live = server();
        HooklineClient client = client(HooklineClient.builder(dead, live.uri()));
        get(client.ready());
        assertThat(client.serverUri()).isEqualTo(live.uri());
        assertThat(live.connections()).containsOnlyKeys(client.connectionId());
        assertThat(get(get(client.open("d")).ref("k").set(IntNode.valueOf(1)))).isEqualTo(1);
    }

    @Test
    void aSingleUriStillWorksAndAnEmptyListIsRefused() {
        Server only = server();
        HooklineClient client = client(HooklineClient.builder(only.uri()));
        get(client.ready());
        assertThat(client.serverUri()).isEqualTo(only.uri());
        assertThatThrownBy(() -> HooklineClient.builder(List.of())).isInstanceOf(IllegalArgumentException.class);
    }

    /**
     * In a cluster, a client whose node died reconnects while its document is still moving to a
     * new owner, and the re-open is answered 4503. That is "not now", not a refusal: the document
     * stays open, the re-open is tried again, and writes made meanwhile wait for it.
     */
    @Test
    void aReopenAnsweredUnavailableIsTriedAgainAndItsWritesWait() {
        AtomicInteger unavailable = new AtomicInteger();
        AtomicInteger refusedOpens = new AtomicInteger();
        start(new ServerHooks() {
            @Override
            public Authenticate onAuthenticate(Authenticate authenticate, HookContext context) throws Reject {
                if (unavailable.get() > 0) {
                    refusedOpens.incrementAndGet();
                    throw new Reject(4503, "document " + authenticate.document() + " is moving; try again shortly");
                }
                return null;
            }
        });
        HooklineClient client = client(countReconnects);
        ClientDocument doc = get(client.open("d"));
        List<HooklineException> closed = new CopyOnWriteArrayList<>();
        doc.onClosed(closed::add);
        get(doc.ref("a").set(IntNode.valueOf(1)));

        unavailable.set(1);
        kick(client, 4000, "test");
        await().atMost(WAIT).until(() -> refusedOpens.get() >= 3); // retried, not given up
        var queued = doc.ref("b").set(IntNode.valueOf(2));
        assertThat(doc.isOpen()).isTrue();
        assertThat(queued).isNotDone();

        unavailable.set(0);
        assertThat(get(queued)).isEqualTo(2);
        assertThat(serverValue("d", "")).isEqualTo(json("{'a':1,'b':2}"));
        assertThat(doc.isOpen()).isTrue();
        assertThat(closed).isEmpty();
    }

    /** Closes the client's connection from the server it is on (goodbye + close frame). */
    private static void kickOn(Server server, HooklineClient client) {
        Connection connection = server.connections().get(client.connectionId());
        if (connection == null) {
            throw new AssertionError("no connection " + client.connectionId() + " on " + server.uri());
        }
        connection.close(4000, "test");
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
