package dev.veil.budget;

import static java.util.Objects.requireNonNull;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.TemporalAdjusters;
import java.util.Optional;

/**
 * How often a privacy budget refills: calendar windows in UTC. A DAILY window starts at
 * midnight, a WEEKLY one on Monday at midnight, a MONTHLY one on the 1st at midnight; NEVER is
 * one window for all time.
 */
public enum RefillWindow {
    DAILY("today"),
    WEEKLY("this week"),
    MONTHLY("this month"),
    NEVER("");

    private final String current;

    RefillWindow(String current) {
        this.current = current;
    }

    /** The start of the window that holds {@code now}; {@link Instant#EPOCH} for NEVER. */
    public Instant start(Instant now) {
        requireNonNull(now, "now is null");
        if (this == NEVER) {
            return Instant.EPOCH;
        }
        LocalDate day = LocalDate.ofInstant(now, ZoneOffset.UTC);
        LocalDate first = switch (this) {
            case DAILY -> day;
            case WEEKLY -> day.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
            case MONTHLY -> day.withDayOfMonth(1);
            case NEVER -> throw new AssertionError();
        };
        return first.atStartOfDay(ZoneOffset.UTC).toInstant();
    }

    /** The start of the next window after the one that holds {@code now}: when the budget refills. */
    public Optional<Instant> nextStart(Instant now) {
        requireNonNull(now, "now is null");
        if (this == NEVER) {
            return Optional.empty();
        }
        LocalDate first = LocalDate.ofInstant(start(now), ZoneOffset.UTC);
        LocalDate next = switch (this) {
            case DAILY -> first.plusDays(1);
            case WEEKLY -> first.plusWeeks(1);
            case MONTHLY -> first.plusMonths(1);
            case NEVER -> throw new AssertionError();
        };
        return Optional.of(next.atStartOfDay(ZoneOffset.UTC).toInstant());
    }

    /** How the current window reads in a sentence: "today", "this week", "this month"; empty for NEVER. */
    String current() {
        return current;
    }
}
