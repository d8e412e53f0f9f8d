package dev.hookline.server.session;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hookline.api.Operation;
import dev.hookline.api.Origin;
import dev.hookline.api.Reject;
import dev.hookline.server.documents.DocumentException;
import dev.hookline.server.documents.LiveDocument;
import dev.hookline.server.documents.Member;
import dev.hookline.server.documents.Subscriber;
import dev.hookline.server.protocol.Outbound;
import java.util.function.Consumer;

/**
 * What a member's requests do on a document's lane, with their answers: shared by a session on
 * this node ({@link LocalLink}) and by the owner's side of a cluster relay, so both answer alike.
 * Every method queues its work on the document's lane, in call order.
 */
public final class DocumentOps {

    private DocumentOps() {
    }

    /** Subscribes {@code member}; a duplicate id is answered with 4409. */
    public static void subscribe(LiveDocument document, Member member, long id, String path, boolean keys, long since,
                                 boolean resumed, Consumer<byte[]> answers) {
        Subscriber subscriber = new Subscriber(member, id, path, keys);
        document.lane().submit(() -> {
            if (!document.subscribe(subscriber, id, since, resumed)) {
                answers.accept(Outbound.error(id, document.name(), dev.hookline.server.protocol.Codes.CONFLICT,
                        "subscription id " + id + " is in use"));
            }
        });
    }

    /** Applies a write; the answer (ack with the version, or the error) goes to {@code answers}, at most once. */
    public static void write(LiveDocument document, Member member, Long requestId, Operation op, String path, JsonNode value,
                             JsonNode meta, Origin origin, Consumer<byte[]> answers) {
        document.lane().submit(() -> {
            OnceAnswer answer = new OnceAnswer(answers, requestId, document.name());
            document.answerOverrunsWith(answer);
            try {
                long version = document.write(member, op, path, value, meta, origin);
                if (requestId != null) {
                    answer.send(Outbound.ack(requestId, document.name(), version));
                }
            } catch (Reject reject) {
                answer.send(Outbound.error(requestId, document.name(), reject.code(), reject.reason()));
            } catch (DocumentException e) {
                answer.send(Outbound.error(requestId, document.name(), e.code(), e.reason()));
            } finally {
                document.answerOverrunsWith(null);
            }
        });
    }

    /** Sets or clears the member's presence, then acks. */
    public static void presence(LiveDocument document, Member member, Long requestId, JsonNode state,
                                Consumer<byte[]> answers) {
        document.lane().submit(() -> {
            document.updatePresence(member, state);
            if (requestId != null) {
                answers.accept(Outbound.ack(requestId));
            }
        });
    }

    /** Broadcasts a stateless frame to the other members, then acks. */
    public static void stateless(LiveDocument document, Member member, Long requestId, byte[] frame,
                                 Consumer<byte[]> answers) {
        document.lane().submit(() -> {
            document.broadcast(member, frame);
            if (requestId != null) {
                answers.accept(Outbound.ack(requestId));
            }
        });
    }
}
