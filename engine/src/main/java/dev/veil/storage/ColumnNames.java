package dev.veil.storage;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** Turns names found in a file (a CSV header, Arrow fields) into column names. */
final class ColumnNames {
    private ColumnNames() {}

    /**
     * Lower-cases each name and makes it a plain identifier: characters other than letters,
     * digits and '_' become '_', a leading digit gets a '_' in front, an empty name becomes
     * {@code column<n>} (1-based position); a repeated name gets {@code _2}, {@code _3}, ...
     */
    static List<String> normalize(List<String> raw) {
        List<String> names = new ArrayList<>(raw.size());
        Set<String> taken = new HashSet<>();
        for (int i = 0; i < raw.size(); i++) {
            String name = identifier(raw.get(i) == null ? "" : raw.get(i));
            if (name.isEmpty()) {
                name = "column" + (i + 1);
            }
            String unique = name;
            for (int n = 2; taken.contains(unique); n++) {
                unique = name + "_" + n;
            }
            taken.add(unique);
            names.add(unique);
        }
        return names;
    }

    /** {@code column1 .. columnN}. */
    static List<String> numbered(int count) {
        List<String> names = new ArrayList<>(count);
        for (int i = 1; i <= count; i++) {
            names.add("column" + i);
        }
        return names;
    }

    private static String identifier(String raw) {
        String trimmed = raw.strip().toLowerCase(Locale.ROOT);
        StringBuilder b = new StringBuilder(trimmed.length());
        trimmed.codePoints().forEach(c -> {
            if (Character.isLetterOrDigit(c) || c == '_') {
                b.appendCodePoint(c);
            } else {
                b.append('_');
            }
        });
        if (b.length() > 0 && Character.isDigit(b.codePointAt(0))) {
            b.insert(0, '_');
        }
        return b.toString();
    }
}
