package dev.veil.storage;

import static java.util.Objects.requireNonNull;

/**
 * How a CSV file is written.
 *
 * @param header whether the first record names the columns (it is then not loaded)
 * @param delimiter the field separator, one ASCII character (',' '|' '\t' ';' ...)
 * @param nullString an unquoted field equal to this is NULL (default: the empty string); in a
 *     non-VARCHAR column an empty field is NULL too, quoted or not
 * @param quote the quote character, one ASCII character; inside quotes it is doubled
 */
public record CsvOptions(boolean header, char delimiter, String nullString, char quote) {
    public CsvOptions {
        requireNonNull(nullString, "nullString is null");
        checkAscii(delimiter, "delimiter");
        checkAscii(quote, "quote");
        if (delimiter == quote) {
            throw new IllegalArgumentException("the delimiter and the quote must differ");
        }
        if (nullString.indexOf(delimiter) >= 0 || nullString.indexOf('\n') >= 0 || nullString.indexOf('\r') >= 0) {
            throw new IllegalArgumentException("the NULL string must not contain the delimiter or a line break");
        }
    }

    /** No header, comma-separated, empty field as NULL, double quotes. */
    public static CsvOptions defaults() {
        return new CsvOptions(false, ',', "", '"');
    }

    public CsvOptions withHeader(boolean header) {
        return new CsvOptions(header, delimiter, nullString, quote);
    }

    public CsvOptions withDelimiter(char delimiter) {
        return new CsvOptions(header, delimiter, nullString, quote);
    }

    public CsvOptions withNullString(String nullString) {
        return new CsvOptions(header, delimiter, nullString, quote);
    }

    public CsvOptions withQuote(char quote) {
        return new CsvOptions(header, delimiter, nullString, quote);
    }

    private static void checkAscii(char c, String what) {
        if (c == 0 || c > 127 || c == '\n' || c == '\r') {
            throw new IllegalArgumentException("the " + what + " must be one ASCII character other than a line break");
        }
    }
}
