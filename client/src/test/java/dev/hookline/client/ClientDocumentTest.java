package dev.hookline.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.hookline.api.HookContext;
import dev.hookline.api.Reject;
import dev.hookline.api.ServerHooks;
import dev.hookline.api.payload.Authenticate;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** Documents, refs, keys, presence and stateless messages between real clients and a real server. */
class ClientDocumentTest extends ClientTestSupport {

    @Test
    void twoClientsSeeEachOthersWrites() {
        start();
        ClientDocument a = get(client().open("board"));
        ClientDocument b = get(client().open("board"));
        List<JsonNode> seenByA = new CopyOnWriteArrayList<>();
        List<JsonNode> seenByB = new CopyOnWriteArrayList<>();
        a.ref("").on((value, info) -> seenByA.add(value.deepCopy()));
        b.ref("").on((value, info) -> seenByB.add(value.deepCopy()));
        await().until(() -> seenByA.size() == 1 && seenByB.size() == 1);

        get(a.ref("from/a").set(IntNode.valueOf(1)));
        get(b.ref("from/b").set(IntNode.valueOf(2)));

        JsonNode expected = json("{'from':{'a':1,'b':2}}");
        await().untilAsserted(() -> {
            assertThat(seenByA).last().isEqualTo(expected);
            assertThat(seenByB).last().isEqualTo(expected);
        });
        assertThat(get(b.ref("from/a").once())).isEqualTo(IntNode.valueOf(1));
    }

    @Test
    void aRefHearsChangesAtBelowAndAboveItsPathButNotAPrefixSibling() {
        start();
        ClientDocument writer = get(client().open("game"));
        ClientDocument reader = get(client().open("game"));
        List<String> heard = new CopyOnWriteArrayList<>();
        reader.ref("players/1").on((value, info) -> heard.add(info.changedPath() + "=" + value));
        List<String> marker = new CopyOnWriteArrayList<>();
        reader.ref("marker").on((value, info) -> marker.add(value.asText()));
        await().until(() -> heard.size() == 1 && marker.size() == 1);

        get(writer.ref("players/1").set(json("{'score':1}")));        // at
        get(writer.ref("players/1/score").set(IntNode.valueOf(2)));   // below
        get(writer.ref("players/10").set(json("{'score':9}")));       // prefix sibling: not heard
        get(writer.ref("players").merge(object("{'1':{'name':'Ann'}}"))); // merge above
        get(writer.ref("players").set(json("{'1':{'score':0},'10':{}}"))); // set above
        get(writer.ref("players/2").delete());                        // a sibling: not heard
        get(writer.ref("").delete());                                 // delete above
        get(writer.ref("marker").set(TextNode.valueOf("done")));
        await().until(() -> marker.contains("done"));

        assertThat(heard).containsExactly(
                "null=null",
                "players/1={\"score\":1}",
                "players/1/score={\"score\":2}",
                "players={\"score\":2,\"name\":\"Ann\"}",
                "players={\"score\":0}",
                "=null");
    }

    @Test
    void mergeDeleteAndMetaAreAppliedToTheCacheLikeTheServerDoes() {
        start();
        ClientDocument writer = get(client().open("d"));
        ClientDocument reader = get(client().open("d"));
        List<JsonNode> root = new CopyOnWriteArrayList<>();
        List<ChangeInfo> infos = new CopyOnWriteArrayList<>();
        List<Map<String, JsonNode>> metas = new CopyOnWriteArrayList<>();
        List<JsonNode> deep = new CopyOnWriteArrayList<>();
        reader.ref("").on((value, info) -> {
            root.add(value.deepCopy());
            infos.add(info);
            metas.add(Map.copyOf(info.metaByPath())); // a view, valid during the callback
        });
        reader.ref("a/b").on((value, info) -> deep.add(value.deepCopy()));
        await().until(() -> root.size() == 1 && deep.size() == 1);

        get(writer.ref("a").set(json("{'b':{'c':1,'d':[1,2]},'e':'x'}"), json("{'by':'w'}")));
        get(writer.ref("a/b").set(json("{'c':1}"), json("{'m':1}")));
        get(writer.ref("a").merge(object("{'b':{'d':null,'f':{'g':true}},'h':[3]}")));
        get(writer.ref("a/b/f").merge(object("{'i':1}"), json("{'m':2}")));
        get(writer.ref("a").merge(object("{'b':5}")));                // replaces the object a/b (and drops its meta below)
        get(writer.ref("a/b").set(json("{'again':{}}")));
        get(writer.ref("a/b/again/x").set(IntNode.valueOf(1)));       // creates through an existing object
        get(writer.ref("n/new/deep").set(IntNode.valueOf(1)));       // creates missing parents
        long last = get(writer.ref("a/e").delete());

        await().until(() -> infos.get(infos.size() - 1).version() == last);
        assertThat(root).last().isEqualTo(serverValue("d", ""));
        assertThat(deep).last().isEqualTo(serverValue("d", "a/b"));
        assertThat(deep).contains(json("{'c':1,'d':null,'f':{'g':true}}"), IntNode.valueOf(5));
        assertThat(metas.get(1)).isEqualTo(Map.of("a", json("{'by':'w'}")));
        assertThat(metas.get(2)).isEqualTo(Map.of("a", json("{'by':'w'}"), "a/b", json("{'m':1}")));
        assertThat(metas.get(4)).isEqualTo(Map.of("a", json("{'by':'w'}"), "a/b", json("{'m':1}"),
                "a/b/f", json("{'m':2}")));
        assertThat(metas.get(5)).isEqualTo(Map.of("a", json("{'by':'w'}"), "a/b", json("{'m':1}"))); // below a/b: gone
        assertThat(metas.get(6)).isEqualTo(Map.of("a", json("{'by':'w'}")));                        // set without meta clears
        assertThat(metas).last().isEqualTo(Map.of("a", json("{'by':'w'}")));
    }

    @Test
    void keysFollowTheChildKeys() {
        start();
        ClientDocument writer = get(client().open("d"));
        ClientDocument reader = get(client().open("d"));
        List<List<String>> keys = new CopyOnWriteArrayList<>();
        reader.ref("players").keys(keys::add);
        await().until(() -> keys.size() == 1);

        get(writer.ref("players/a").set(IntNode.valueOf(1)));
        get(writer.ref("players/b").set(IntNode.valueOf(2)));
        get(writer.ref("players/b").set(IntNode.valueOf(3))); // same keys: nothing new
        get(writer.ref("players/a").delete());
        get(writer.ref("players").set(json("{'x':1,'y':2}")));

        await().untilAsserted(() -> assertThat(keys).last().isEqualTo(List.of("x", "y")));
        assertThat(keys).containsExactly(List.of(), List.of("a"), List.of("a", "b"), List.of("b"), List.of("x", "y"));
    }

    @Test
    void presenceStatesReachTheOthersAndClearWhenAMemberLeaves() {
        start();
        HooklineClient ann = client();
        HooklineClient bob = client();
        ClientDocument annDoc = get(ann.open("room"));
        get(annDoc.presence().set(json("{'name':'Ann'}")));
        ClientDocument bobDoc = get(bob.open("room"));
        assertThat(bobDoc.presence().states()).isEqualTo(Map.of(ann.connectionId(), json("{'name':'Ann'}")));
        List<Map<String, JsonNode>> annSees = new CopyOnWriteArrayList<>();
        annDoc.presence().onChange(annSees::add);

        get(bobDoc.presence().set(json("{'name':'Bob'}")));
        await().until(() -> !annSees.isEmpty());
        assertThat(annSees.get(0)).isEqualTo(Map.of(bob.connectionId(), json("{'name':'Bob'}")));

        get(bobDoc.leave());
        await().until(() -> annSees.size() == 2);
        assertThat(annSees.get(1)).isEmpty();
        assertThat(bobDoc.isOpen()).isFalse();
        assertThat(((HooklineException) failure(bobDoc.ref("x").set(IntNode.valueOf(1)))).code()).isEqualTo(4404);
    }

    @Test
    void statelessMessagesGoToTheOthersOnly() {
        start();
        ClientDocument a = get(client().open("room"));
        ClientDocument b = get(client().open("room"));
        List<JsonNode> toA = new CopyOnWriteArrayList<>();
        List<JsonNode> toB = new CopyOnWriteArrayList<>();
        a.stateless().onMessage(toA::add);
        b.stateless().onMessage(toB::add);

        get(a.stateless().send(json("{'kind':'wave'}")));
        server.api().broadcastStateless("room", json("{'kind':'server'}"));

        await().until(() -> toB.size() == 2 && toA.size() == 1);
        assertThat(toB).containsExactly(json("{'kind':'wave'}"), json("{'kind':'server'}"));
        assertThat(toA).containsExactly(json("{'kind':'server'}"));
    }

    @Test
    void acksCarryVersionsAndErrorsCarryCodeAndReason() {
        start(new ServerHooks() {
            @Override
            public Authenticate onAuthenticate(Authenticate authenticate, HookContext context) throws Reject {
                if (authenticate.token().equals("bad")) {
                    throw Reject.unauthorized("invalid token");
                }
                return null;
            }
        });
        HooklineClient client = client();
        ClientDocument doc = get(client.open("d", "good"));

        assertThat(get(doc.ref("n").set(IntNode.valueOf(1)))).isEqualTo(1);
        assertThat(get(doc.ref("o").merge(object("{'a':1}")))).isEqualTo(2);
        assertThat(get(doc.ref("o/a").delete())).isEqualTo(3);

        HooklineException badMerge = (HooklineException) failure(doc.ref("n").merge(object("{'x':1}")));
        assertThat(badMerge.code()).isEqualTo(4400);
        assertThat(badMerge.reason()).contains("cannot merge into n");
        HooklineException badRoot = (HooklineException) failure(doc.ref("").set(IntNode.valueOf(5)));
        assertThat(badRoot.code()).isEqualTo(4400);
        assertThat(get(doc.ref("n").set(IntNode.valueOf(2)))).isEqualTo(4); // errors consume no version

        HooklineException denied = (HooklineException) failure(client.open("other", "bad"));
        assertThat(denied.code()).isEqualTo(4401);
        assertThat(denied.reason()).isEqualTo("invalid token");
        HooklineException twice = (HooklineException) failure(client.open("d"));
        assertThat(twice.code()).isEqualTo(4409);
    }
}
