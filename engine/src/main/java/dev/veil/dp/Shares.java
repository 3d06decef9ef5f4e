package dev.veil.dp;

/** Even division of a budget so that the shares never add up to more than the whole. */
final class Shares {
    private Shares() {}

    /** {@code total / parts}, lowered until {@code parts} copies summed in order stay <= total. */
    static double share(double total, int parts) {
        if (parts < 1) {
            throw new IllegalArgumentException("parts must be >= 1, was " + parts);
        }
        double share = total / parts;
        for (int i = 0; share > 0 && sum(share, parts) > total; i++) {
            Checks.correctionStep("a budget share", i);
            share = Math.nextDown(share);
        }
        return share;
    }

    private static double sum(double share, int parts) {
        double sum = 0;
        for (int i = 0; i < parts; i++) {
            sum += share;
        }
        return sum;
    }
}
