package dev.veil.policy;

import static java.util.Objects.requireNonNull;

/**
 * {@code SET RETENTION n DAYS ON c}: a row is kept while its {@code column} is less than
 * {@code days} days before the statement's time; older rows, and rows whose column is NULL, do
 * not exist for any statement, and VACUUM deletes them from disk.
 */
public record Retention(int days, String column) {
    /** The longest retention period, about 1,000 years. */
    public static final int MAX_DAYS = 365_000;

    public Retention {
        requireNonNull(column, "column is null");
        if (days < 1 || days > MAX_DAYS) {
            throw new IllegalArgumentException("RETENTION must be between 1 and " + MAX_DAYS + " days: " + days);
        }
    }

    /** The oldest instant a row may have, in milliseconds since the epoch, at {@code now}. */
    public long cutoff(long now) {
        return now - days * 86_400_000L;
    }

    public String definition() {
        return "RETENTION " + days + " DAYS ON " + column;
    }
}
