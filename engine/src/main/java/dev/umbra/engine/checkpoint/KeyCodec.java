package dev.umbra.engine.checkpoint;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Copy ranges as JSON text for the checkpoint table. Key values keep their Java type (a tag next to
 * the value), because they are bound again as parameters of the copy's range queries and must
 * compare on the server exactly as the values read from it did: numbers as numbers, binary
 * strings as bytes, everything else (text, temporal values read as text) as strings.
 */
final class KeyCodec {

    private static final ObjectMapper JSON = new ObjectMapper();

    private KeyCodec() {
    }

    static String rangesToJson(List<CopyRange> ranges) {
        ArrayNode array = JSON.createArrayNode();
        for (CopyRange range : ranges) {
            ObjectNode node = array.addObject();
            node.set("lowerExclusive", key(range.lowerExclusive()));
            node.set("upperInclusive", key(range.upperInclusive()));
            node.set("watermark", key(range.watermark()));
            node.put("done", range.done());
        }
        return array.toString();
    }

    static List<CopyRange> rangesFromJson(String text) {
        try {
            List<CopyRange> ranges = new ArrayList<>();
            for (JsonNode node : JSON.readTree(text)) {
                ranges.add(new CopyRange(values(node.get("lowerExclusive")), values(node.get("upperInclusive")),
                        values(node.get("watermark")), node.get("done").asBoolean()));
            }
            return ranges;
        } catch (Exception e) {
            throw new IllegalArgumentException("unreadable copy ranges: " + e.getMessage(), e);
        }
    }

    /** A key for people (status, messages): {@code [42]}, {@code [7, 'abc']}. */
    static String display(List<Object> key) {
        if (key == null) {
            return null;
        }
        List<String> parts = new ArrayList<>();
        for (Object value : key) {
            parts.add(value instanceof byte[] bytes ? "0x" + java.util.HexFormat.of().formatHex(bytes)
                    : value instanceof String text ? "'" + text + "'" : String.valueOf(value));
        }
        return "[" + String.join(", ", parts) + "]";
    }

    private static JsonNode key(List<Object> key) {
        if (key == null) {
            return JSON.nullNode();
        }
        ArrayNode array = JSON.createArrayNode();
        for (Object value : key) {
            ObjectNode node = array.addObject();
            if (value == null) {
                node.put("type", "null");
            } else if (value instanceof byte[] bytes) {
                node.put("type", "bytes");
                node.put("value", Base64.getEncoder().encodeToString(bytes));
            } else {
                node.put("type", value.getClass().getSimpleName());
                node.put("value", value.toString());
            }
        }
        return array;
    }

    private static List<Object> values(JsonNode array) {
        if (array == null || array.isNull()) {
            return null;
        }
        List<Object> key = new ArrayList<>();
        for (JsonNode node : array) {
            String value = node.path("value").asText();
            key.add(switch (node.get("type").asText()) {
                case "null" -> null;
                case "bytes" -> Base64.getDecoder().decode(value);
                case "String" -> value;
                case "Integer" -> Integer.valueOf(value);
                case "Long" -> Long.valueOf(value);
                case "Short" -> Short.valueOf(value);
                case "Byte" -> Byte.valueOf(value);
                case "BigInteger" -> new BigInteger(value);
                case "BigDecimal" -> new BigDecimal(value);
                case "Float" -> Float.valueOf(value);
                case "Double" -> Double.valueOf(value);
                case "Boolean" -> Boolean.valueOf(value);
                default -> throw new IllegalArgumentException("a key value of unknown type " + node.get("type").asText());
            });
        }
        return key;
    }
}
