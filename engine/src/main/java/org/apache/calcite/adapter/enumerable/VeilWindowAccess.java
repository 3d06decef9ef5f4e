package org.apache.calcite.adapter.enumerable;

import java.util.List;
import org.apache.calcite.rel.core.Window;

/**
 * Builds an {@link EnumerableWindow} with other aggregate calls, whose constructor is
 * package-private: Veil's checked integer sums ({@code dev.veil.exec.aggregate.CheckedSums}) replace the
 * window SUMs of a physical plan. It lives in Calcite's package for that reason only and adds
 * nothing to Calcite.
 */
public final class VeilWindowAccess {
    private VeilWindowAccess() {}

    /** {@code window} over the same input and row type, with {@code groups} for its groups. */
    public static EnumerableWindow withGroups(EnumerableWindow window, List<Window.Group> groups) {
        return new EnumerableWindow(
                window.getCluster(),
                window.getTraitSet(),
                window.getInput(),
                window.getConstants(),
                window.getRowType(),
                groups);
    }
}
