package dev.hookline.server.session;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hookline.api.Operation;
import dev.hookline.api.Origin;
import dev.hookline.server.documents.DocumentRegistry;
import dev.hookline.server.documents.LiveDocument;
import dev.hookline.server.documents.Member;
import java.util.function.Consumer;

/** A session's document in this node's memory: requests go straight to its lane. */
final class LocalLink implements DocumentLink {

    private final DocumentRegistry documents;
    private final LiveDocument document;
    private final Member member;
    private final Consumer<byte[]> answers;

    LocalLink(DocumentRegistry documents, LiveDocument document, Member member, Consumer<byte[]> answers) {
        this.documents = documents;
        this.document = document;
        this.member = member;
        this.answers = answers;
    }

    @Override
    public void subscribe(long id, String path, boolean keys, long since, boolean resumed) {
        DocumentOps.subscribe(document, member, id, path, keys, since, resumed, answers);
    }

    @Override
    public void unsubscribe(long id) {
        document.lane().call(() -> document.unsubscribe(member, id));
    }

    @Override
    public void write(Long requestId, Operation op, String path, JsonNode value, JsonNode meta, Origin origin) {
        DocumentOps.write(document, member, requestId, op, path, value, meta, origin, answers);
    }

    @Override
    public void presence(Long requestId, JsonNode state) {
        DocumentOps.presence(document, member, requestId, state, answers);
    }

    @Override
    public void stateless(Long requestId, byte[] frame) {
        DocumentOps.stateless(document, member, requestId, frame, answers);
    }

    @Override
    public void leave() {
        boolean empty = document.lane().call(() -> document.leave(member));
        if (empty) {
            documents.releaseIfUnused(document);
        }
    }
}
