package dev.hookline.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.hookline.api.client.ClientHooks;
import dev.hookline.server.config.ServerConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Reconnect and resume: the server closes the reader's connection, a writer changes the document
 * while the reader is away (its {@code disconnect} hook holds its event thread, so it cannot come
 * back early), then the reader resumes with {@code since}.
 */
class ResumeTest extends ClientTestSupport {

    /** Holds the reader's first disconnect until released. */
    private final CountDownLatch away = new CountDownLatch(1);
    private final AtomicInteger disconnects = new AtomicInteger();
    private final AtomicInteger reconnects = new AtomicInteger();

    private final ClientHooks holdFirstDisconnect = new ClientHooks() {
        @Override
        public void disconnect(int code, String reason) throws InterruptedException {
            if (disconnects.incrementAndGet() == 1) {
                away.await(10, TimeUnit.SECONDS);
            }
        }

        @Override
        public void reconnect(int attempts) {
            reconnects.incrementAndGet();
        }
    };

    record Heard(JsonNode value, ChangeInfo info) {
    }

    @Test
    void aResumeReplaysExactlyTheMissedChanges() {
        start();
        ClientDocument writer = get(client().open("life"));
        HooklineClient readerClient = client(holdFirstDisconnect);
        ClientDocument reader = get(readerClient.open("life"));
        List<Heard> heard = new CopyOnWriteArrayList<>();
        reader.ref("players").on((value, info) -> heard.add(new Heard(value.deepCopy(), info)));
        List<List<String>> rootKeys = new CopyOnWriteArrayList<>();
        reader.ref("").keys(rootKeys::add);
        long v1 = get(writer.ref("players").set(json("{'1':{'s':1},'2':{'s':2}}")));
        await().until(() -> !heard.isEmpty() && heard.get(heard.size() - 1).info().version() == v1);
        int before = heard.size();

        kick(readerClient, 4000, "test");
        await().until(() -> disconnects.get() == 1);
        long v2 = get(writer.ref("players/1").delete());
        long v3 = get(writer.ref("players/3").set(json("{'s':3}")));
        long v4 = get(writer.ref("title").set(TextNode.valueOf("elsewhere"))); // does not touch players
        long v5 = get(writer.ref("players/2").merge(object("{'s':5,'x':true}")));
        long v6 = get(writer.ref("players/2/s").set(IntNode.valueOf(6)));
        away.countDown();

        await().until(() -> reconnects.get() == 1);
        await().untilAsserted(() -> assertThat(heard).last().extracting(h -> h.value())
                .isEqualTo(serverValue("life", "players")));
        List<Heard> resumed = new ArrayList<>(heard.subList(before, heard.size()));
        assertThat(resumed).extracting(h -> h.info().version()).containsExactly(v2, v3, v5, v6);
        assertThat(resumed).allSatisfy(h -> assertThat(h.info().reset()).isFalse());
        assertThat(resumed.get(resumed.size() - 1).value()).isEqualTo(json("{'2':{'s':6,'x':true},'3':{'s':3}}"));
        assertThat(v4).isEqualTo(v3 + 1);
        await().untilAsserted(() -> assertThat(rootKeys).last().isEqualTo(List.of("players", "title")));

        // Live again: later changes arrive as usual, and writes from the reader work.
        long v7 = get(reader.ref("players/4").set(IntNode.valueOf(4)));
        await().untilAsserted(() -> assertThat(heard).last().extracting(h -> h.info().version()).isEqualTo(v7));
        assertThat(heard.get(heard.size() - 1).value()).isEqualTo(serverValue("life", "players"));
    }

    @Test
    void aResumeBeyondTheChangeLogResetsTheCache() {
        start(ServerConfig.DEFAULTS.withAddress("127.0.0.1", 0).withChangeLogSize(2));
        ClientDocument writer = get(client().open("life"));
        HooklineClient readerClient = client(holdFirstDisconnect);
        ClientDocument reader = get(readerClient.open("life"));
        List<Heard> heard = new CopyOnWriteArrayList<>();
        reader.ref("players").on((value, info) -> heard.add(new Heard(value.deepCopy(), info)));
        long v1 = get(writer.ref("players").set(json("{'1':{'s':1},'2':{'s':2}}")));
        await().until(() -> !heard.isEmpty() && heard.get(heard.size() - 1).info().version() == v1);
        int before = heard.size();

        kick(readerClient, 4000, "test");
        await().until(() -> disconnects.get() == 1);
        get(writer.ref("players/1").delete());
        get(writer.ref("players/3").set(json("{'s':3}")));
        get(writer.ref("players/2/s").set(IntNode.valueOf(5)));
        long last = get(writer.ref("players/4").set(json("{'s':4}")));
        away.countDown();

        await().until(() -> heard.size() > before);
        Heard reset = heard.get(before);
        assertThat(reset.info().reset()).isTrue();
        assertThat(reset.info().snapshot()).isTrue();
        assertThat(reset.info().version()).isEqualTo(last);
        assertThat(reset.value()).isEqualTo(serverValue("life", "players"));
        assertThat(reset.value().has("1")).isFalse(); // nothing stale survives
        assertThat(heard).hasSize(before + 1);
        assertThat(get(reader.ref("players").once())).isEqualTo(json("{'2':{'s':5},'3':{'s':3},'4':{'s':4}}"));
    }

    @Test
    void writesMadeWhileDisconnectedAreSentAfterTheDocumentIsReopened() {
        start();
        HooklineClient readerClient = client(holdFirstDisconnect);
        ClientDocument doc = get(readerClient.open("d", "token-1"));
        get(doc.ref("a").set(IntNode.valueOf(1)));

        kick(readerClient, 4000, "test");
        await().until(() -> disconnects.get() == 1);
        var queued = doc.ref("b").set(IntNode.valueOf(2));
        away.countDown();

        assertThat(get(queued)).isEqualTo(2);
        assertThat(serverValue("d", "")).isEqualTo(json("{'a':1,'b':2}"));
    }
}
