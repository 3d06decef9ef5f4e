package dev.veil.bench.tpch;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The operating system's load average over the last 1, 5 and 15 minutes, or NaN where unknown.
 * On a shared machine it says how much other work competed with the benchmark.
 */
public record LoadAverage(double oneMinute, double fiveMinutes, double fifteenMinutes) {
    private static final Path PROC_LOADAVG = Path.of("/proc/loadavg");

    /** The load average now: from {@code /proc/loadavg} where it exists, else the JVM's one-minute figure. */
    public static LoadAverage now() {
        try {
            if (Files.isReadable(PROC_LOADAVG)) {
                String[] fields = Files.readString(PROC_LOADAVG, StandardCharsets.US_ASCII)
                        .strip()
                        .split("\\s+");
                return new LoadAverage(
                        Double.parseDouble(fields[0]), Double.parseDouble(fields[1]), Double.parseDouble(fields[2]));
            }
        } catch (IOException | RuntimeException e) {
            // fall through to the JVM's figure, which has only the one-minute average
        }
        double one = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        return new LoadAverage(one < 0 ? Double.NaN : one, Double.NaN, Double.NaN);
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%.2f / %.2f / %.2f", oneMinute, fiveMinutes, fifteenMinutes);
    }
}
