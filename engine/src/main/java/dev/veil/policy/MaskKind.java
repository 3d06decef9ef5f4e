package dev.veil.policy;

/** The masking functions of {@code MASKED USING f}. */
public enum MaskKind {
    /** Every value becomes the constant {@code '***'} (text) or NULL (other types). */
    REDACT(false),
    /** Every value becomes NULL. */
    NULLIFY(false),
    /** A keyed HMAC-SHA256 of the value, hex, with the warehouse's secret key: joinable, not reversible. */
    HASH(false),
    /** Text: the first n characters. Numbers: truncated towards zero to n decimals. */
    TRUNCATE(true),
    /** Dates and timestamps: January 1st of the value's year. */
    YEAR(false),
    /** Dates and timestamps: the first day of the value's month. */
    MONTH(false),
    /** Numbers: the lower end of the value's bucket of width w, {@code floor(x / w) * w}. */
    BUCKET(true),
    /** Text: all but the last n characters replaced by {@code *}. */
    SHOW_LAST(true);

    private final boolean takesArgument;

    MaskKind(boolean takesArgument) {
        this.takesArgument = takesArgument;
    }

    public boolean takesArgument() {
        return takesArgument;
    }
}
