package dev.umbra.engine.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Saved copy ranges come back with every key value of the same type and value: a resumed copy
 * binds them again, and a string where a number was (or a rounded decimal) would compare
 * differently on the server and copy a row twice or skip it.
 */
class KeyCodecTest {

    @Test
    void everyKeyTypeComesBackWithItsTypeAndExactValue() {
        List<Object> key = Arrays.asList(Integer.MIN_VALUE, Long.MAX_VALUE, (short) -3, (byte) 7,
                new BigInteger("18446744073709551615"), new BigDecimal("1.50"), new BigDecimal("-0.000001"),
                2.5f, -1.0e300, true, "O'Brien \"quoted\" ünïcödé 🐬 \\ back", "", null);
        CopyRange range = new CopyRange(key, key, key, false);

        CopyRange back = KeyCodec.rangesFromJson(KeyCodec.rangesToJson(List.of(range))).get(0);

        for (List<Object> values : List.of(back.lowerExclusive(), back.upperInclusive(), back.watermark())) {
            assertThat(values).hasSize(key.size());
            for (int i = 0; i < key.size(); i++) {
                Object original = key.get(i);
                assertThat(values.get(i)).as("value %d (%s)", i, original).isEqualTo(original);
                if (original != null) {
                    assertThat(values.get(i)).as("type of value %d", i).isExactlyInstanceOf(original.getClass());
                }
            }
        }
        assertThat(((BigDecimal) back.watermark().get(5)).scale()).as("a decimal keeps its scale").isEqualTo(2);
    }

    @Test
    void binaryKeysComeBackByteForByte() {
        byte[] bytes = {0, -1, 127, -128, 10, 13, 39, 92};
        CopyRange range = new CopyRange(null, List.of(bytes, "tail"), List.of(new byte[0]), true);

        CopyRange back = KeyCodec.rangesFromJson(KeyCodec.rangesToJson(List.of(range))).get(0);

        assertThat(back.lowerExclusive()).isNull();
        assertThat((byte[]) back.upperInclusive().get(0)).isEqualTo(bytes);
        assertThat(back.upperInclusive().get(1)).isEqualTo("tail");
        assertThat((byte[]) back.watermark().get(0)).isEmpty();
        assertThat(back.done()).isTrue();
    }

    @Test
    void severalRangesKeepTheirOrderAndState() {
        List<CopyRange> ranges = List.of(new CopyRange(null, List.of(100L), List.of(42L), false),
                new CopyRange(List.of(100L), List.of(200L), null, false), new CopyRange(List.of(200L), null, List.of(250L), true));

        assertThat(KeyCodec.rangesFromJson(KeyCodec.rangesToJson(ranges))).isEqualTo(ranges);
        assertThat(KeyCodec.rangesFromJson(KeyCodec.rangesToJson(List.of()))).isEmpty();
    }

    @Test
    void aDamagedOrForeignCheckpointIsRefusedNotGuessed() {
        assertThatThrownBy(() -> KeyCodec.rangesFromJson("[{\"lowerExclusive\":"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("unreadable copy ranges");
        assertThatThrownBy(() -> KeyCodec.rangesFromJson("[{\"lowerExclusive\":[{\"type\":\"LocalDate\",\"value\":\"2024-01-01\"}],"
                + "\"upperInclusive\":null,\"watermark\":null,\"done\":false}]"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unknown type LocalDate");
    }

    @Test
    void keysForPeopleShowTextQuotedAndBytesInHex() {
        assertThat(KeyCodec.display(Arrays.asList(7, "abc", new byte[] {0x0a, (byte) 0xff}, null)))
                .isEqualTo("[7, 'abc', 0x0aff, null]");
        assertThat(KeyCodec.display(null)).isNull();
    }
}
