package dev.veil.storage;

import static java.util.Objects.requireNonNull;

import java.util.function.Predicate;

/**
 * Which rows of a load to keep, decided on one column's value (as {@link ArrowValues#get} gives it)
 * before the row is written: a dropped row never reaches a segment file. {@code COPY ... WITH (SKIP
 * ERASED)} drops the rows of erased privacy units this way.
 */
public record LoadFilter(int column, Predicate<Object> keep) {
    public LoadFilter {
        if (column < 0) {
            throw new IllegalArgumentException("column is negative");
        }
        requireNonNull(keep, "keep is null");
    }
}
