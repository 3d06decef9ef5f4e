package dev.veil.rewrite;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.calcite.rex.RexNode;

/**
 * Compiled row filters, kept across statements: compiling one means building a validator and
 * converting a query, which costs more than the rest of the rewrite. The key holds the table, the
 * predicate text and the table's full row type, so a changed policy or table compiles anew.
 * Calcite's types are shared between statements, so a compiled condition stays valid.
 */
final class RowFilterCache {
    private static final int CAPACITY = 512;

    private final Map<String, RexNode> compiled = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, RexNode> eldest) {
            return size() > CAPACITY;
        }
    };

    RexNode get(String key, Supplier<RexNode> compile) {
        synchronized (compiled) {
            RexNode known = compiled.get(key);
            if (known != null) {
                return known;
            }
        }
        RexNode condition = compile.get();
        synchronized (compiled) {
            compiled.put(key, condition);
        }
        return condition;
    }
}
