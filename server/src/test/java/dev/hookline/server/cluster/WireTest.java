package dev.hookline.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.hookline.api.Operation;
import dev.hookline.server.protocol.Json;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class WireTest {

    @Test
    void everyItemSurvivesTheTripWithItsValuesExact() {
        var value = Json.object().put("big", new BigInteger("123456789012345678901234567890")).put("half", 0.5)
                .put("text", "é😀");
        value.putNull("nothing");
        List<Wire.Item> items = List.of(
                new Wire.Join(1, 2, "doc/é", "n1.c7", Json.object().put("user", "ann"), true),
                new Wire.Subscribe(3, 2, 9, "a/b", true, -1, false),
                new Wire.Unsubscribe(4, 2, 9),
                new Wire.Write(5, 2, 17, Operation.MERGE, "a", value, JsonNodeFactory.instance.nullNode()),
                new Wire.Write(0, 2, -1, Operation.DELETE, "", null, null),
                new Wire.Presence(6, 2, -1, null),
                new Wire.Stateless(7, 2, 3, "{\"type\":\"stateless\"}".getBytes(StandardCharsets.UTF_8)),
                new Wire.Leave(2),
                new Wire.Reply(5, 2, Wire.Status.REJECTED, 4403, "no", null),
                new Wire.Reply(1, 2, Wire.Status.ELSEWHERE, 0, "n3", "{}".getBytes(StandardCharsets.UTF_8)),
                new Wire.Moved(2));

        Wire.Message message = Wire.decode(Wire.encode(42, 7, items));

        assertThat(message.incarnation()).isEqualTo(42);
        assertThat(message.sequence()).isEqualTo(7);
        assertThat(message.items()).hasSize(items.size());
        for (int i = 0; i < items.size(); i++) {
            assertThat(message.items().get(i)).usingRecursiveComparison().isEqualTo(items.get(i));
        }
        Wire.Write write = (Wire.Write) message.items().get(3);
        assertThat(write.value().get("big").bigIntegerValue()).isEqualTo(new BigInteger("123456789012345678901234567890"));
        assertThat(write.meta().isNull()).isTrue(); // JSON null, not "no meta"
        assertThat(((Wire.Write) message.items().get(4)).value()).isNull();
    }

    @Test
    void aFrameForManyLinksTravelsOnce() {
        byte[] frame = new byte[10_000];
        Arrays.fill(frame, (byte) 'x');
        List<Wire.Item> items = new java.util.ArrayList<>();
        for (long link = 1; link <= 100; link++) {
            items.add(new Wire.Deliver(link, 5, frame));
        }

        byte[] encoded = Wire.encode(1, 1, items);
        Wire.Message message = Wire.decode(encoded);

        assertThat(encoded.length).isLessThan(frame.length + 100 * 30);
        assertThat(message.items()).hasSize(100).allSatisfy(item -> {
            Wire.Deliver deliver = (Wire.Deliver) item;
            assertThat(deliver.version()).isEqualTo(5);
            assertThat(deliver.frame()).isEqualTo(frame);
        });
    }

    @Test
    void aDamagedMessageIsRefusedNotMisread() {
        byte[] encoded = Wire.encode(1, 1, List.of(new Wire.Join(1, 2, "doc", "c", null, false)));

        assertThatThrownBy(() -> Wire.decode(Arrays.copyOf(encoded, encoded.length - 3)))
                .isInstanceOf(IllegalArgumentException.class);
        byte[] unknown = encoded.clone();
        unknown[16] = 99;
        assertThatThrownBy(() -> Wire.decode(unknown)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown relay record type 99");
    }
}
