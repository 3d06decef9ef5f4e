package dev.veil.catalog;

import static java.util.Objects.requireNonNull;

import java.util.Collection;
import java.util.Locale;
import java.util.Optional;

/**
 * Finds the existing name nearest to a misspelt one, for "did you mean" hints in error messages.
 * Distance is the Levenshtein edit distance between lower-cased names; a candidate is suggested
 * only if it is close enough to be a plausible typo (at most a third of the name's length, at
 * least 2 edits), so unrelated names are never offered.
 */
public final class NameSuggestions {
    private NameSuggestions() {}

    /** The candidate nearest to {@code name}, if one is close enough; ties go to the alphabetically first. */
    public static Optional<String> nearest(String name, Collection<String> candidates) {
        requireNonNull(name, "name is null");
        requireNonNull(candidates, "candidates is null");
        String wanted = name.toLowerCase(Locale.ROOT);
        int limit = Math.max(2, wanted.length() / 3);
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : candidates) {
            if (candidate.equals(name)) {
                continue;
            }
            int d = distance(wanted, candidate.toLowerCase(Locale.ROOT));
            if (d <= limit && (d < bestDistance || (d == bestDistance && candidate.compareTo(best) < 0))) {
                best = candidate;
                bestDistance = d;
            }
        }
        return Optional.ofNullable(best);
    }

    /** {@code "; did you mean 'x'?"} for the nearest candidate, or the empty string. */
    public static String hint(String name, Collection<String> candidates) {
        return nearest(name, candidates).map(s -> "; did you mean '" + s + "'?").orElse("");
    }

    /** The Levenshtein distance: insertions, deletions and substitutions of one character each cost 1. */
    static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                current[j] = Math.min(Math.min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }
            int[] t = previous;
            previous = current;
            current = t;
        }
        return previous[b.length()];
    }
}
