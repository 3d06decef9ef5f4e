package dev.veil.rewrite;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The human-readable account of one rewrite, for {@code EXPLAIN PRIVACY}: which policies applied
 * and what was rewritten, each with its reason. Each line appears once, in the order first noted.
 * Lines never contain data values or row filter predicates.
 */
final class RewriteLog {
    private final Set<String> policies = new LinkedHashSet<>();
    private final Set<String> rewrites = new LinkedHashSet<>();

    void policy(String line) {
        policies.add(line);
    }

    void rewrite(String line) {
        rewrites.add(line);
    }

    List<String> policies() {
        return new ArrayList<>(policies);
    }

    List<String> rewrites() {
        return new ArrayList<>(rewrites);
    }
}
