package dev.veil.bench.tpch;

/** Where a worker's steps after the timed queries (accuracy, the JDBC service) report what they measure. */
interface WorkerReport {
    /** Announces that step {@code name} begins; the parent times it out like a query run. */
    void step(String name);

    /** Records a figure; {@code name} has no spaces. */
    void metric(String name, double value);

    /** Records a remark, e.g. why a step was skipped; {@code name} has no spaces. */
    void note(String name, String text);
}
