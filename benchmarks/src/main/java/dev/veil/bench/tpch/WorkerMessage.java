package dev.veil.bench.tpch;

import static java.util.Objects.requireNonNull;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * One line of what an {@link EngineWorker} tells its {@link EngineProcess} on standard output.
 *
 * <p>Each line is {@value #PREFIX} followed by a kind and space-separated fields; free text is
 * Base64-encoded so that it cannot break the line. Other lines on standard output (an engine
 * logging there) are not messages and are passed through to standard error.
 *
 * @param kind what the line says
 * @param fields its fields, decoded
 */
record WorkerMessage(Kind kind, List<String> fields) {
    /** Marks a line as a message. */
    static final String PREFIX = "@@veil-bench ";

    /** The kinds of message, in the order a worker sends them. */
    enum Kind {
        /** The engine's name and version: one text field. */
        VERSION,
        /** One table loaded: table, rows, bytes, nanos. */
        LOAD,
        /** A run of a query begins: the query name. The parent times runs out from here. */
        RUN,
        /** A query finished: name, rows, first-run nanos, warm-run nanos (comma-separated), error text or "-". */
        DONE,
        /** A figure other than a query time (accuracy, service latency): name, value. */
        METRIC,
        /** A remark about the engine (e.g. why it could not run), by name: name, one text field. */
        NOTE,
        /** The worker finished every query. */
        END
    }

    WorkerMessage {
        requireNonNull(kind, "kind is null");
        fields = List.copyOf(requireNonNull(fields, "fields is null"));
    }

    static String version(String version) {
        return PREFIX + Kind.VERSION + " " + encode(version);
    }

    static String load(TableLoad load) {
        return PREFIX + Kind.LOAD + " " + load.table() + " " + load.rows() + " " + load.bytes() + " " + load.nanos();
    }

    static String run(String query) {
        return PREFIX + Kind.RUN + " " + query;
    }

    static String done(QueryTiming timing) {
        StringBuilder runs = new StringBuilder();
        for (long nanos : timing.runNanos()) {
            runs.append(runs.length() == 0 ? "" : ",").append(nanos);
        }
        return PREFIX + Kind.DONE + " " + timing.query() + " " + timing.rows() + " " + timing.firstNanos() + " "
                + (runs.length() == 0 ? "-" : runs) + " "
                + timing.error().map(WorkerMessage::encode).orElse("-");
    }

    static String metric(String name, double value) {
        checkName(name);
        return PREFIX + Kind.METRIC + " " + name + " " + value;
    }

    static String note(String name, String text) {
        checkName(name);
        return PREFIX + Kind.NOTE + " " + name + " " + encode(text);
    }

    static String end() {
        return PREFIX + Kind.END;
    }

    /** The message on {@code line}, or empty if the line is not a message. */
    static Optional<WorkerMessage> parse(String line) {
        if (!line.startsWith(PREFIX)) {
            return Optional.empty();
        }
        String[] parts = line.substring(PREFIX.length()).split(" ");
        Kind kind = Kind.valueOf(parts[0]);
        List<String> fields = new ArrayList<>(List.of(parts).subList(1, parts.length));
        if (kind == Kind.VERSION) {
            fields.set(0, decode(fields.get(0)));
        }
        if (kind == Kind.NOTE) {
            fields.set(1, decode(fields.get(1)));
        }
        return Optional.of(new WorkerMessage(kind, fields));
    }

    /** The table load of a {@link Kind#LOAD} message. */
    TableLoad tableLoad() {
        return new TableLoad(
                fields.get(0),
                Long.parseLong(fields.get(1)),
                Long.parseLong(fields.get(2)),
                Long.parseLong(fields.get(3)));
    }

    /** The query timing of a {@link Kind#DONE} message. */
    QueryTiming timing() {
        List<Long> runs = new ArrayList<>();
        if (!fields.get(3).equals("-")) {
            for (String nanos : fields.get(3).split(",")) {
                runs.add(Long.parseLong(nanos));
            }
        }
        Optional<String> error = fields.get(4).equals("-") ? Optional.empty() : Optional.of(decode(fields.get(4)));
        return new QueryTiming(
                fields.get(0), Long.parseLong(fields.get(2)), runs, Long.parseLong(fields.get(1)), error, false);
    }

    /** The name of a {@link Kind#METRIC} or {@link Kind#NOTE} message. */
    String name() {
        return fields.get(0);
    }

    /** The value of a {@link Kind#METRIC} message. */
    double value() {
        return Double.parseDouble(fields.get(1));
    }

    /** The text of a {@link Kind#NOTE} message. */
    String text() {
        return fields.get(1);
    }

    private static void checkName(String name) {
        if (name.isEmpty() || name.chars().anyMatch(Character::isWhitespace)) {
            throw new IllegalArgumentException(
                    "A message name needs at least one character and no spaces: '" + name + "'");
        }
    }

    private static String encode(String text) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    private static String decode(String text) {
        return new String(Base64.getUrlDecoder().decode(text), StandardCharsets.UTF_8);
    }
}
