package dev.veil.bench.tpch;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Writes a tree of maps, lists, strings, numbers, booleans and nulls as indented JSON; enough
 * for the benchmark's report without a JSON library. Non-finite numbers become {@code null}.
 */
final class Json {
    private Json() {}

    /** The JSON text of {@code value}. */
    static String write(Object value) {
        StringBuilder out = new StringBuilder();
        write(value, out, "");
        return out.append('\n').toString();
    }

    private static void write(Object value, StringBuilder out, String indent) {
        if (value instanceof Optional<?> optional) {
            write(optional.orElse(null), out, indent);
        } else if (value == null) {
            out.append("null");
        } else if (value instanceof String text) {
            string(text, out);
        } else if (value instanceof Double || value instanceof Float) {
            double number = ((Number) value).doubleValue();
            out.append(Double.isFinite(number) ? String.valueOf(number) : "null");
        } else if (value instanceof Number || value instanceof Boolean) {
            out.append(value);
        } else if (value instanceof Map<?, ?> map) {
            writeMap(map, out, indent);
        } else if (value instanceof List<?> list) {
            writeList(list, out, indent);
        } else {
            throw new IllegalArgumentException(
                    "Cannot write a " + value.getClass().getName() + " as JSON");
        }
    }

    private static void writeMap(Map<?, ?> map, StringBuilder out, String indent) {
        if (map.isEmpty()) {
            out.append("{}");
            return;
        }
        String inner = indent + "  ";
        out.append("{\n");
        String separator = "";
        for (Map.Entry<?, ?> entry : map.entrySet()) {
            out.append(separator).append(inner);
            string(String.valueOf(entry.getKey()), out);
            out.append(": ");
            write(entry.getValue(), out, inner);
            separator = ",\n";
        }
        out.append('\n').append(indent).append('}');
    }

    private static void writeList(List<?> list, StringBuilder out, String indent) {
        boolean flat = list.stream().allMatch(item -> item instanceof Number || item instanceof String);
        if (flat) {
            out.append('[');
            for (int i = 0; i < list.size(); i++) {
                out.append(i == 0 ? "" : ", ");
                write(list.get(i), out, indent);
            }
            out.append(']');
            return;
        }
        String inner = indent + "  ";
        out.append("[\n");
        for (int i = 0; i < list.size(); i++) {
            out.append(i == 0 ? "" : ",\n").append(inner);
            write(list.get(i), out, inner);
        }
        out.append('\n').append(indent).append(']');
    }

    private static void string(String text, StringBuilder out) {
        out.append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
