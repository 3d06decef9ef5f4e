package dev.veil.storage;

import static java.util.Objects.requireNonNull;

import dev.veil.ErrorCode;
import dev.veil.VeilException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.util.Arrays;

/**
 * Reads the records of an RFC 4180 CSV file, streaming, straight from bytes: no regex, no String
 * per field. A record's fields are byte ranges of {@link #buffer()} ({@link #start}, {@link #end})
 * valid until the next call to {@link #next()}; quoted fields come unquoted, with doubled quotes
 * collapsed in place.
 *
 * <p>Accepted: quoted fields holding delimiters, quotes (doubled) and line breaks; LF, CRLF or CR
 * line ends; a UTF-8 byte order mark; a last line without a line end. A quote inside an unquoted
 * field is an ordinary character. Lines are counted physically (a quoted line break counts), so
 * {@link #line()} is the line a record starts on, as an editor shows it.
 */
final class CsvReader implements AutoCloseable {
    /** A record that needs more buffer than this is an error rather than a way to exhaust memory. */
    static final int MAX_RECORD_BYTES = 64 << 20;

    private static final int INITIAL_BUFFER_BYTES = 4 << 20;
    private static final int NEED_MORE = -1;

    private final ReadableByteChannel channel;
    private final String fileName;
    private final byte delimiter;
    private final byte quote;
    private final int maxBuffer;

    private byte[] buffer;
    private int position;
    private int limit;
    private boolean eof;
    private boolean started;
    private long bytesRead;

    private int fieldCount;
    private int[] starts = new int[16];
    private int[] ends = new int[16];
    private boolean[] quoted = new boolean[16];
    private boolean[] escaped = new boolean[16];

    private long nextLine = 1;
    private long recordLine;
    private boolean skipBlankLines;

    CsvReader(ReadableByteChannel channel, String fileName, CsvOptions options) {
        this(channel, fileName, options, INITIAL_BUFFER_BYTES, MAX_RECORD_BYTES);
    }

    CsvReader(ReadableByteChannel channel, String fileName, CsvOptions options, int initialBuffer, int maxBuffer) {
        this.channel = requireNonNull(channel, "channel is null");
        this.fileName = requireNonNull(fileName, "fileName is null");
        this.delimiter = (byte) options.delimiter();
        this.quote = (byte) options.quote();
        this.buffer = new byte[initialBuffer];
        this.maxBuffer = maxBuffer;
    }

    /** Whether a line holding nothing is skipped (rather than read as a record of one empty field). */
    void skipBlankLines(boolean skip) {
        this.skipBlankLines = skip;
    }

    /** Advances to the next record; false at the end of the file. */
    boolean next() throws IOException {
        while (true) {
            if (!started) {
                started = true;
                fill();
                if (limit >= 3 && buffer[0] == (byte) 0xEF && buffer[1] == (byte) 0xBB && buffer[2] == (byte) 0xBF) {
                    position = 3;
                }
            }
            if (position >= limit) {
                if (eof) {
                    return false;
                }
                fill();
                continue;
            }
            int end = parse();
            if (end == NEED_MORE) {
                fill();
                continue;
            }
            position = end;
            if (skipBlankLines && fieldCount == 1 && !quoted[0] && starts[0] == ends[0]) {
                continue;
            }
            for (int i = 0; i < fieldCount; i++) {
                if (escaped[i]) {
                    ends[i] = collapseQuotes(starts[i], ends[i]);
                }
            }
            return true;
        }
    }

    byte[] buffer() {
        return buffer;
    }

    int fieldCount() {
        return fieldCount;
    }

    int start(int field) {
        return starts[field];
    }

    int end(int field) {
        return ends[field];
    }

    boolean quoted(int field) {
        return quoted[field];
    }

    /** The 1-based physical line the current record starts on. */
    long line() {
        return recordLine;
    }

    long bytesRead() {
        return bytesRead;
    }

    /**
     * Scans one record from {@link #position} without changing the buffer, so that it can be
     * retried from scratch when the buffer ends inside it. Returns the position after the record,
     * or NEED_MORE.
     */
    private int parse() {
        final byte[] b = buffer;
        final int lim = limit;
        int p = position;
        int n = 0;
        long lines = 0;
        while (true) {
            if (n == starts.length) {
                growFields();
            }
            if (p < lim && b[p] == quote) {
                int q = p + 1;
                boolean doubled = false;
                while (true) {
                    if (q >= lim) {
                        if (eof) {
                            throw bad(
                                    nextLine, "a quoted field (the " + CsvLoader.ordinal(n + 1) + ") is never closed");
                        }
                        return NEED_MORE;
                    }
                    byte c = b[q];
                    if (c == quote) {
                        if (q + 1 >= lim) {
                            if (!eof) {
                                return NEED_MORE;
                            }
                            break;
                        }
                        if (b[q + 1] == quote) {
                            doubled = true;
                            q += 2;
                            continue;
                        }
                        break;
                    }
                    if (c == '\n') {
                        lines++;
                    } else if (c == '\r' && (q + 1 >= lim || b[q + 1] != '\n')) {
                        lines++;
                    }
                    q++;
                }
                starts[n] = p + 1;
                ends[n] = q;
                quoted[n] = true;
                escaped[n] = doubled;
                p = q + 1;
                if (p < lim) {
                    byte c = b[p];
                    if (c != delimiter && c != '\n' && c != '\r') {
                        throw bad(
                                nextLine + lines,
                                "unexpected text after the closing quote of the " + CsvLoader.ordinal(n + 1)
                                        + " field");
                    }
                } else if (!eof) {
                    return NEED_MORE;
                }
            } else {
                int q = p;
                final byte d = delimiter;
                while (q < lim) {
                    byte c = b[q];
                    if (c == d || c == '\n' || c == '\r') {
                        break;
                    }
                    q++;
                }
                if (q >= lim && !eof) {
                    return NEED_MORE;
                }
                starts[n] = p;
                ends[n] = q;
                quoted[n] = false;
                escaped[n] = false;
                p = q;
            }
            n++;
            if (p >= lim) {
                break; // end of file ends the record
            }
            byte c = b[p];
            if (c == delimiter) {
                p++;
                continue;
            }
            if (c == '\n') {
                p++;
            } else {
                if (p + 1 >= lim && !eof) {
                    return NEED_MORE; // a CR at the buffer's end: is an LF next?
                }
                p++;
                if (p < lim && b[p] == '\n') {
                    p++;
                }
            }
            lines++;
            break;
        }
        fieldCount = n;
        recordLine = nextLine;
        nextLine += lines;
        return p;
    }

    private int collapseQuotes(int start, int end) {
        byte[] b = buffer;
        int w = start;
        for (int r = start; r < end; r++) {
            b[w++] = b[r];
            if (b[r] == quote) {
                r++; // the second quote of a pair
            }
        }
        return w;
    }

    private void growFields() {
        int size = starts.length * 2;
        starts = Arrays.copyOf(starts, size);
        ends = Arrays.copyOf(ends, size);
        quoted = Arrays.copyOf(quoted, size);
        escaped = Arrays.copyOf(escaped, size);
    }

    /** Moves the unread bytes to the front, grows the buffer if one record fills it, reads more. */
    private void fill() throws IOException {
        if (position > 0) {
            System.arraycopy(buffer, position, buffer, 0, limit - position);
            limit -= position;
            position = 0;
        }
        if (limit == buffer.length) {
            if (buffer.length >= maxBuffer) {
                throw bad(nextLine, "a record is longer than " + (maxBuffer >> 20) + " MB (is a quote left open?)");
            }
            buffer = Arrays.copyOf(buffer, Math.min(maxBuffer, buffer.length * 2));
        }
        int read = channel.read(ByteBuffer.wrap(buffer, limit, buffer.length - limit));
        if (read < 0) {
            eof = true;
        } else {
            limit += read;
            bytesRead += read;
        }
    }

    private VeilException bad(long line, String what) {
        return new VeilException(ErrorCode.BAD_INPUT_FILE, fileName + ":" + line + ": " + what);
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
