package dev.veil.bench.tpch;

import static java.util.Objects.requireNonNull;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Runs one engine's turn in worker JVMs ({@link EngineWorker}) and times queries out.
 *
 * <p>A separate JVM per engine gives each engine a fresh heap and JIT, makes Veil's first runs
 * truly cold, and lets a query that cannot be cancelled (an engine checks for cancellation
 * only at some points) be stopped: when one run of a query takes longer than the time-out, the
 * worker is killed, the query is recorded as timed out, and a new worker reopens the loaded
 * database (Calcite reads the files again) to run the remaining queries.
 */
final class EngineProcess {
    /** How long a worker may take to start and load the data. */
    private static final long LOAD_TIMEOUT_SECONDS = 3600;
    /** How long a worker that has finished may take to exit, e.g. while it writes a flight recording. */
    private static final long EXIT_GRACE_SECONDS = 120;

    private static final String END_OF_OUTPUT = "\u0000end of output";
    /** Replaced in the extra JVM options by the worker's name, e.g. {@code veil-1}, to name per-worker files. */
    static final String WORKER_PLACEHOLDER = "{worker}";

    /** The java launcher and the workers' JVM options, without the class path and main class. */
    private final List<String> javaCommand;

    private final double timeoutSeconds;
    private final Consumer<String> log;

    /**
     * @param extraJavaOptions JVM options for the workers, after the ones this JVM was started with;
     *     {@value #WORKER_PLACEHOLDER} in them becomes the worker's name
     * @param timeoutSeconds how long one run of a query may take
     * @param log where progress goes
     */
    EngineProcess(List<String> extraJavaOptions, double timeoutSeconds, Consumer<String> log) {
        this.javaCommand = javaCommand(requireNonNull(extraJavaOptions, "extraJavaOptions is null"));
        if (!(timeoutSeconds > 0)) {
            throw new IllegalArgumentException("timeoutSeconds must be positive: " + timeoutSeconds);
        }
        this.timeoutSeconds = timeoutSeconds;
        this.log = requireNonNull(log, "log is null");
    }

    /**
     * Loads {@code data} into engine {@code id} in {@code scratch} (or reopens what an earlier engine
     * loaded there, if {@code preloaded}) and times {@code queries} on it, then lets the worker measure
     * whatever else {@code workerArguments} ask of it (accuracy, the JDBC service).
     */
    EngineResult run(
            EngineId id,
            TpchFiles data,
            Path scratch,
            boolean preloaded,
            int threads,
            int runs,
            double maxWarmSeconds,
            List<MeasuredQuery> queries,
            List<String> workerArguments)
            throws IOException, InterruptedException {
        LoadAverage before = LoadAverage.now();
        long start = System.nanoTime();
        String version = "";
        List<TableLoad> loads = new ArrayList<>();
        List<QueryTiming> timings = new ArrayList<>();
        Map<String, Double> metrics = new LinkedHashMap<>();
        Map<String, String> notes = new LinkedHashMap<>();
        List<String> remaining = new ArrayList<>();
        queries.forEach(query -> remaining.add(query.name()));
        boolean reuse = preloaded;
        int workers = 0;
        boolean finished = false;
        while (!finished) {
            workers++;
            String worker = id.id() + "-" + workers;
            List<String> command = new ArrayList<>();
            for (String part : javaCommand) {
                command.add(part.replace(WORKER_PLACEHOLDER, worker));
            }
            if (id.isVeil()) {
                command.addAll(SteadyHeap.options(command.subList(1, command.size())));
            }
            command.addAll(List.of("-cp", System.getProperty("java.class.path"), EngineWorker.class.getName()));
            command.addAll(List.of(
                    "--engine",
                    id.id(),
                    "--data",
                    data.dir().toAbsolutePath().toString(),
                    "--scratch",
                    scratch.toAbsolutePath().toString(),
                    "--threads",
                    String.valueOf(threads),
                    "--runs",
                    String.valueOf(runs),
                    "--max-warm-seconds",
                    String.valueOf(maxWarmSeconds),
                    "--queries",
                    String.join(",", remaining)));
            command.addAll(workerArguments);
            if (reuse) {
                command.add("--reuse");
            }
            Worker process = new Worker(new ProcessBuilder(command)
                    .redirectError(ProcessBuilder.Redirect.INHERIT)
                    .redirectInput(ProcessBuilder.Redirect.PIPE)
                    .start());
            boolean ended = false;
            try {
                String running = null;
                while (true) {
                    String line = running == null ? process.next(LOAD_TIMEOUT_SECONDS) : process.next(timeoutSeconds);
                    if (line == null) {
                        String message = String.format(Locale.ROOT, "timed out after %.0f s", timeoutSeconds);
                        log.accept(id.id() + " " + running + " " + message + "; killing the worker JVM");
                        if (remaining.remove(running)) {
                            timings.add(new QueryTiming(running, -1, List.of(), -1, Optional.of(message), true));
                        } else {
                            // A step after the queries (accuracy, service): it is not repeated.
                            notes.put(running, message);
                            finished = true;
                        }
                        break;
                    }
                    if (line.equals(END_OF_OUTPUT)) {
                        int status = process.process.waitFor();
                        if (running == null) {
                            throw new IOException(id.label() + "'s worker JVM exited with status " + status
                                    + " before running a query; its output is above");
                        }
                        String message = "the worker JVM exited with status " + status;
                        log.accept(id.id() + " " + running + " failed: " + message);
                        if (remaining.remove(running)) {
                            timings.add(new QueryTiming(running, -1, List.of(), -1, Optional.of(message), false));
                        } else {
                            notes.put(running, message);
                            finished = true;
                        }
                        break;
                    }
                    Optional<WorkerMessage> message = WorkerMessage.parse(line);
                    if (message.isEmpty()) {
                        System.err.println(line);
                        continue;
                    }
                    WorkerMessage received = message.get();
                    switch (received.kind()) {
                        case VERSION -> version = received.fields().get(0);
                        case LOAD -> loads.add(received.tableLoad());
                        case RUN -> running = received.fields().get(0);
                        case DONE -> {
                            QueryTiming timing = received.timing();
                            timings.add(timing);
                            remaining.remove(timing.query());
                            running = null;
                        }
                        case METRIC -> metrics.put(received.name(), received.value());
                        case NOTE -> notes.put(received.name(), received.text());
                        case END -> {
                            remaining.clear();
                            ended = true;
                            finished = true;
                        }
                        default -> throw new IllegalStateException("Unknown message " + received.kind());
                    }
                    if (received.kind() == WorkerMessage.Kind.END) {
                        break;
                    }
                }
            } finally {
                process.stop(ended);
            }
            reuse = true;
        }
        return new EngineResult(
                id,
                version,
                loads,
                order(timings, queries),
                before,
                LoadAverage.now(),
                System.nanoTime() - start,
                metrics,
                notes);
    }

    private static List<QueryTiming> order(List<QueryTiming> timings, List<MeasuredQuery> queries) {
        List<QueryTiming> ordered = new ArrayList<>();
        for (MeasuredQuery query : queries) {
            timings.stream()
                    .filter(timing -> timing.query().equals(query.name()))
                    .findFirst()
                    .ifPresent(ordered::add);
        }
        return ordered;
    }

    /** The java command that starts a worker JVM, up to its class path: this JVM's options, then {@code extra}. */
    private static List<String> javaCommand(List<String> extra) {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current()
                .info()
                .command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        boolean opens = false;
        for (String option : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            // A recording or agent of the parent (a profiler, a debugger) is not the workers'.
            if (option.startsWith("-XX:StartFlightRecording")
                    || option.startsWith("-agentlib")
                    || option.startsWith("-javaagent")
                    || option.startsWith("-XX:FlightRecorderOptions")) {
                continue;
            }
            opens |= option.equals("--add-opens=java.base/java.nio=ALL-UNNAMED");
            command.add(option);
        }
        if (!opens) {
            command.add("--add-opens=java.base/java.nio=ALL-UNNAMED");
        }
        command.addAll(extra);
        return List.copyOf(command);
    }

    /** A running worker and the thread that reads its standard output into a queue. */
    private static final class Worker {
        final Process process;
        private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

        Worker(Process process) throws IOException {
            this.process = process;
            process.getOutputStream().close();
            Thread reader = new Thread(this::read, "engine-worker-output");
            reader.setDaemon(true);
            reader.start();
        }

        private void read() {
            try (BufferedReader in =
                    new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    lines.add(line);
                }
            } catch (IOException e) {
                // the worker died; END_OF_OUTPUT below tells the reader
            } finally {
                lines.add(END_OF_OUTPUT);
            }
        }

        /** The next line, or null if none came within {@code seconds}. */
        String next(double seconds) throws InterruptedException {
            return lines.poll((long) (seconds * 1000), TimeUnit.MILLISECONDS);
        }

        /** Ends the worker: one that has {@code ended} gets time to exit by itself (and write a recording). */
        void stop(boolean ended) throws InterruptedException {
            if (ended) {
                process.waitFor(EXIT_GRACE_SECONDS, TimeUnit.SECONDS);
            }
            if (process.isAlive()) {
                process.destroyForcibly();
            }
            process.waitFor();
        }
    }
}
