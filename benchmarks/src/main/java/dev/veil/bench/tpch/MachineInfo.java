package dev.veil.bench.tpch;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The machine and JVM a benchmark ran on.
 *
 * @param cores the processors available to the JVM
 * @param memoryBytes the machine's physical memory, or -1 if unknown
 * @param maxHeapBytes the JVM's maximum heap
 * @param cpu the processor model, or "unknown"
 * @param jvm the JVM's name and version
 * @param jvmArguments the JVM's command-line arguments (heap size, flags)
 * @param os the operating system's name, version and architecture
 */
public record MachineInfo(
        int cores, long memoryBytes, long maxHeapBytes, String cpu, String jvm, List<String> jvmArguments, String os) {
    public MachineInfo {
        requireNonNull(cpu, "cpu is null");
        requireNonNull(jvm, "jvm is null");
        jvmArguments = List.copyOf(requireNonNull(jvmArguments, "jvmArguments is null"));
        requireNonNull(os, "os is null");
    }

    /** The machine this JVM runs on. */
    public static MachineInfo current() {
        long memory = -1;
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            memory = os.getTotalMemorySize();
        }
        return new MachineInfo(
                Runtime.getRuntime().availableProcessors(),
                memory,
                Runtime.getRuntime().maxMemory(),
                cpuModel(),
                System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"),
                ManagementFactory.getRuntimeMXBean().getInputArguments(),
                System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                        + System.getProperty("os.arch"));
    }

    private static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"), StandardCharsets.UTF_8)) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).strip();
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or not readable: the model is only informative
        }
        return "unknown";
    }
}
