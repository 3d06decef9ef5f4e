package dev.veil.exec.remote;

/**
 * Veil's implementations of the calls written for a remote ({@link RemoteNaNTest}), for when a
 * plan runs them in Veil. Public for Calcite's generated code.
 */
public final class RemoteFunctions {
    private RemoteFunctions() {}

    /** Whether {@code v} is NaN (a NULL argument gives NULL). */
    public static boolean isNaN(double v) {
        return Double.isNaN(v);
    }
}
