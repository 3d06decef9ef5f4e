package dev.veil.sql.ast;

/** The functions of {@code MASKED USING f}. */
public enum MaskFunction {
    /** Replaces the value by a fixed text. */
    REDACT(false),
    /** Replaces the value by NULL. */
    NULLIFY(false),
    /** Replaces the value by a keyed hash. */
    HASH(false),
    /** Keeps the first n characters: {@code TRUNCATE(n)}. */
    TRUNCATE(true),
    /** Keeps the year of a date. */
    YEAR(false),
    /** Keeps the year and month of a date. */
    MONTH(false),
    /** Rounds a number down to a multiple of w: {@code BUCKET(w)}. */
    BUCKET(true),
    /** Keeps the last n characters: {@code SHOW_LAST(n)}. */
    SHOW_LAST(true);

    private final boolean takesArgument;

    MaskFunction(boolean takesArgument) {
        this.takesArgument = takesArgument;
    }

    /** Whether the function is written with one numeric argument, {@code f(x)}. */
    public boolean takesArgument() {
        return takesArgument;
    }

    /** Whether the argument must be an integer (a number of characters). */
    public boolean takesIntegerArgument() {
        return this == TRUNCATE || this == SHOW_LAST;
    }
}
