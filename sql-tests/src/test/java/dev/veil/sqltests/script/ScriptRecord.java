package dev.veil.sqltests.script;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/** One record of a SQL test script: a directive or a test case, with the line it starts on. */
public sealed interface ScriptRecord {
    /** The 1-based line of the script the record starts on. */
    int line();

    /** Whether the record is a test case (it asserts something) rather than a directive. */
    default boolean isCase() {
        return true;
    }

    /**
     * {@code connect user [password]}: later records run as {@code user}; or, with
     * {@code connect user password error CODE [regex]}, a case: connecting must fail so.
     */
    record Connect(int line, String user, Optional<String> password, Optional<Outcome.Error> error)
            implements ScriptRecord {
        public Connect {
            requireNonNull(user, "user is null");
            requireNonNull(password, "password is null");
            requireNonNull(error, "error is null");
        }

        @Override
        public boolean isCase() {
            return error.isPresent();
        }
    }

    /** {@code timeout seconds}: later statements are cancelled after that long (0: the default). */
    record Timeout(int line, int seconds) implements ScriptRecord {
        @Override
        public boolean isCase() {
            return false;
        }
    }

    /** {@code file name}: the following lines, up to a blank line, become file {@code ${dir}/name}. */
    record FileBlock(int line, String name, String content) implements ScriptRecord {
        public FileBlock {
            requireNonNull(name, "name is null");
            requireNonNull(content, "content is null");
        }

        @Override
        public boolean isCase() {
            return false;
        }
    }

    /**
     * {@code include name}: the records of fixture {@code fixtures/name.fixture}, run here as
     * set-up (not counted as cases; the first failure among them fails the include).
     */
    record Include(int line, String name, List<ScriptRecord> records) implements ScriptRecord {
        public Include {
            requireNonNull(name, "name is null");
            records = List.copyOf(records);
        }

        @Override
        public boolean isCase() {
            return false;
        }
    }

    /** {@code statement ok | count n | error CODE [regex]}: a statement and what it must do. */
    record Statement(int line, String sql, Outcome outcome) implements ScriptRecord {
        public Statement {
            requireNonNull(sql, "sql is null");
            requireNonNull(outcome, "outcome is null");
        }
    }

    /**
     * {@code query [rowsort] [colnames]} or {@code explain privacy}: a query and the lines its
     * result must print as.
     */
    record Query(int line, String sql, QueryOptions options, List<String> expected) implements ScriptRecord {
        public Query {
            requireNonNull(sql, "sql is null");
            requireNonNull(options, "options is null");
            expected = List.copyOf(expected);
        }
    }

    /**
     * {@code concurrent n}: the statement run {@code n} times at once, each on its own connection
     * of the current user; the expected lines count the outcomes ({@code ok 3}, {@code error CODE 2}).
     */
    record Concurrent(int line, String sql, int copies, List<String> expected) implements ScriptRecord {
        public Concurrent {
            requireNonNull(sql, "sql is null");
            if (copies < 2) {
                throw new IllegalArgumentException("copies must be at least 2");
            }
            expected = List.copyOf(expected);
        }
    }

    /**
     * {@code columns schema.table}: the columns JDBC metadata ({@code DatabaseMetaData.getColumns})
     * lists for the table, one {@code name | type} line each, in order.
     */
    record Columns(int line, String schema, String table, List<String> expected) implements ScriptRecord {
        public Columns {
            requireNonNull(schema, "schema is null");
            requireNonNull(table, "table is null");
            expected = List.copyOf(expected);
        }
    }

    /** How a query's result is printed and compared. */
    record QueryOptions(boolean rowSort, boolean columnNames, boolean explain) {}

    /** What a statement must do. */
    sealed interface Outcome {
        /** It succeeds. */
        record Ok() implements Outcome {}

        /** It succeeds with this update count. */
        record Count(long rows) implements Outcome {}

        /**
         * It fails with one of these Veil error codes ({@code A|B} in the script) and a message in
         * which {@code message} is found.
         */
        record Error(String codeName, java.util.Set<Integer> codes, Optional<Pattern> message) implements Outcome {
            public Error {
                requireNonNull(codeName, "codeName is null");
                codes = java.util.Set.copyOf(codes);
                requireNonNull(message, "message is null");
            }

            /** The expectation as the script writes it. */
            public String describe() {
                return codeName + message.map(p -> " /" + p.pattern() + "/").orElse("");
            }
        }
    }
}
