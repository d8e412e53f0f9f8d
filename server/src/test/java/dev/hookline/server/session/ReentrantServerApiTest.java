package dev.hookline.server.session;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hookline.api.HookContext;
import dev.hookline.api.Origin;
import dev.hookline.api.Reject;
import dev.hookline.api.ServerHooks;
import dev.hookline.api.payload.Change;
import dev.hookline.api.payload.DocumentLoaded;
import dev.hookline.server.testsupport.WsClient;
import org.junit.jupiter.api.Test;

/** Hooks that run on a document's own lane and call the server API on that same document. */
class ReentrantServerApiTest extends LiveServerSupport {

    /**
     * Applied at once, a write from onChange would be logged and broadcast before the change it
     * reacts to (it used to break the change log and leave the sender without an answer). It is
     * refused with 4409 instead; a hook that does not catch that rejects the change itself.
     */
    @Test
    void aWriteFromOnChangeToTheSameDocumentIsRefusedCleanly() {
        start(new ServerHooks() {
            @Override
            public void onChange(Change change, HookContext context) {
                if (change.origin().kind() != Origin.Kind.CONNECTION) {
                    return;
                }
                if (change.path().equals("caught")) {
                    try {
                        context.server().set(change.document(), "audit", change.value());
                    } catch (Reject refused) {
                        events.add(refused.code() + " " + refused.reason());
                    }
                } else if (change.path().equals("uncaught")) {
                    context.server().set(change.document(), "audit", change.value());
                }
            }
        });
        WsClient ann = client();
        WsClient bob = client();
        ann.openOk("board");
        bob.openOk("board");
        WsClient.ok(bob.subscribe("board", ""));
        bob.await("snapshot");

        assertThat(WsClient.ok(ann.set("board", "caught", text("a"))).get("version").asLong()).isEqualTo(1);
        assertThat(events).containsExactly("4409 document board cannot be written from its own onChange hook");
        assertThat(bob.await("change").get("path").asText()).isEqualTo("caught");

        error(ann.set("board", "uncaught", text("b")), 4409);
        assertThat(bob.collect(f -> is(f, "change"), QUIET)).isEmpty();
        assertThat(server.api().get("board", "")).contains(json("{'caught':'a'}"));
        assertThat(WsClient.ok(ann.set("board", "later", text("c"))).get("version").asLong()).isEqualTo(2);
    }

    @Test
    void afterLoadMayReadAndWriteTheDocument() {
        start(new ServerHooks() {
            @Override
            public void afterLoadDocument(DocumentLoaded loaded, HookContext context) {
                events.add("read " + context.server().get(loaded.document(), "").orElse(null));
                context.server().set(loaded.document(), "seeded", number(1));
            }
        });
        WsClient ann = client();
        JsonNode answer = ann.open("board", "");
        assertThat(answer.get("type").asText()).as("answer %s", answer).isEqualTo("ack");
        assertThat(events).containsExactly("read {}");
        assertThat(answer.get("version").asLong()).isEqualTo(1);
        WsClient.ok(ann.subscribe("board", ""));
        assertThat(ann.await("snapshot").get("value")).isEqualTo(json("{'seeded':1}"));
    }
}
