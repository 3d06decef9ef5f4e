package dev.veil.storage;

import dev.veil.catalog.ColumnType;
import dev.veil.catalog.VeilType;
import dev.veil.storage.TextValues.BadValue;

/**
 * What one CSV column's values allow so far, while inference reads the file. Every candidate type
 * starts possible and is ruled out by the first value it cannot hold; checks stop for a type once
 * it is ruled out, so a text column costs almost nothing after its first value.
 */
final class ColumnGuess {
    /** The precision of an inferred DECIMAL whose values need at most this many digits (fits in a long). */
    static final int INFERRED_DECIMAL_PRECISION = 18;

    private boolean anyValue;
    private boolean maybeBoolean = true;
    private boolean maybeWhole = true;
    private boolean maybeDecimal = true;
    private boolean maybeDouble = true;
    private boolean maybeDate = true;
    private boolean maybeTimestamp = true;

    /** A whole number beyond BIGINT was seen: whole numbers then need DECIMAL(38,0). */
    private boolean beyondBigint;

    private int integerDigits;
    private int fractionDigits;

    boolean anyValue() {
        return anyValue;
    }

    /** Takes one non-null value (trimmed, non-empty). */
    void observe(byte[] b, int s, int e) {
        anyValue = true;
        if (maybeBoolean) {
            maybeBoolean = TextValues.matches(b, s, e, "true") || TextValues.matches(b, s, e, "false");
        }
        if (maybeWhole || maybeDecimal || maybeDouble) {
            observeNumber(b, s, e);
        }
        if (maybeDate) {
            try {
                TextValues.parseDate(b, s, e);
            } catch (BadValue x) {
                maybeDate = false;
            }
        }
        if (maybeTimestamp) {
            try {
                TextValues.parseTimestamp(b, s, e);
            } catch (BadValue x) {
                maybeTimestamp = false;
            }
        }
    }

    private void observeNumber(byte[] b, int s, int e) {
        int p = s;
        if (b[p] == '-' || b[p] == '+') {
            p++;
        }
        int digitsStart = p;
        while (p < e && TextValues.isDigit(b[p])) {
            p++;
        }
        int wholeDigits = p - digitsStart;
        // A number written with leading zeros ("007", "00.5") is an identifier or a code, not a
        // quantity: keep it as text, so that its zeros survive.
        boolean leadingZero = wholeDigits > 1 && b[digitsStart] == '0';
        if (leadingZero) {
            ruleOutNumbers();
            return;
        }
        int significant = wholeDigits == 1 && b[digitsStart] == '0' ? 0 : wholeDigits;
        if (p == e) {
            if (wholeDigits == 0) {
                ruleOutNumbers();
                return;
            }
            if (maybeWhole && !beyondBigint) {
                try {
                    TextValues.parseLong(b, s, e, Long.MIN_VALUE, Long.MAX_VALUE);
                } catch (BadValue x) {
                    beyondBigint = true;
                }
            }
            integerDigits = Math.max(integerDigits, significant);
            return;
        }
        if (b[p] == '.') {
            p++;
            int fractionStart = p;
            while (p < e && TextValues.isDigit(b[p])) {
                p++;
            }
            int fraction = p - fractionStart;
            if (p == e && wholeDigits + fraction > 0) {
                maybeWhole = false;
                integerDigits = Math.max(integerDigits, significant);
                fractionDigits = Math.max(fractionDigits, fraction);
                return;
            }
        }
        maybeWhole = false;
        maybeDecimal = false;
        if (maybeDouble) {
            try {
                TextValues.parseDouble(b, s, e);
                if (!(p < e && (b[p] == 'e' || b[p] == 'E'))) {
                    maybeDouble = false; // only exponent notation reaches here as a number
                }
            } catch (BadValue x) {
                maybeDouble = false;
            }
        }
    }

    private void ruleOutNumbers() {
        maybeWhole = false;
        maybeDecimal = false;
        maybeDouble = false;
    }

    /**
     * The type that holds every value seen, with headroom for the next load: whole numbers are
     * BIGINT (INTEGER would refuse the first value past 2^31), numbers with a point DECIMAL(18, s)
     * with s the most fraction digits seen (DECIMAL(38, s) when they need more than 18 digits),
     * so that a later file with larger values of the same kind still fits.
     */
    ColumnType type() {
        if (!anyValue) {
            return ColumnType.of(VeilType.VARCHAR);
        }
        if (maybeBoolean) {
            return ColumnType.of(VeilType.BOOLEAN);
        }
        if (maybeWhole) {
            if (!beyondBigint) {
                return ColumnType.of(VeilType.BIGINT);
            }
            return integerDigits <= ColumnType.MAX_DECIMAL_PRECISION
                    ? ColumnType.decimal(ColumnType.MAX_DECIMAL_PRECISION, 0)
                    : ColumnType.of(VeilType.DOUBLE);
        }
        if (maybeDecimal) {
            int needed = integerDigits + fractionDigits;
            if (needed > ColumnType.MAX_DECIMAL_PRECISION) {
                return ColumnType.of(VeilType.DOUBLE);
            }
            return ColumnType.decimal(
                    needed <= INFERRED_DECIMAL_PRECISION
                            ? INFERRED_DECIMAL_PRECISION
                            : ColumnType.MAX_DECIMAL_PRECISION,
                    fractionDigits);
        }
        if (maybeDouble) {
            return ColumnType.of(VeilType.DOUBLE);
        }
        if (maybeDate) {
            return ColumnType.of(VeilType.DATE);
        }
        if (maybeTimestamp) {
            return ColumnType.of(VeilType.TIMESTAMP);
        }
        return ColumnType.of(VeilType.VARCHAR);
    }
}
