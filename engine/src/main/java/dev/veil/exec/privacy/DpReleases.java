package dev.veil.exec.privacy;

import static java.util.Objects.requireNonNull;

import dev.veil.ErrorCode;
import dev.veil.VeilException;
import dev.veil.exec.runtime.ExecutionContext;
import dev.veil.exec.runtime.ExecutionState;
import dev.veil.plan.DpAggregate;
import dev.veil.plan.DpSpec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.apache.calcite.DataContext;
import org.apache.calcite.rel.RelNode;

/**
 * The differentially private releases of one statement execution: each DP boundary (by its
 * number, {@link DpSpec#release}) draws its noise at most once, and any further enumeration of
 * it (the inner side of a nested-loop join, a correlated sub-query, a recursive step) replays the
 * same rows. The statement was charged, before it ran, for exactly the boundaries given here as
 * charged; the others replay rows stored by an earlier statement that asked the same question
 * (consistent answers), or share the rows of a boundary of the same statement that asks the same
 * question. A drawn boundary's rows go to a listener (which stores them) before they are returned.
 * A boundary that was not charged, or one that would draw a second time, fails the statement with
 * INTERNAL_ERROR before it draws anything.
 */
public final class DpReleases implements ExecutionState {
    private final Set<Integer> charged;
    private final Map<Integer, List<Object[]>> replays;
    private final Map<Integer, Integer> sameAs;
    private final Drawn onDrawn;
    private final Map<Integer, List<Object[]>> released = new HashMap<>();
    private final Set<Integer> drawn = new HashSet<>();

    /** Called with a boundary's rows once drawn, before any of them is returned. */
    @FunctionalInterface
    public interface Drawn {
        void drawn(int release, List<Object[]> rows);
    }

    /** The releases of an execution that was charged for the boundaries numbered {@code charged}. */
    public DpReleases(Set<Integer> charged) {
        this(charged, Map.of(), Map.of(), (release, rows) -> {});
    }

    /**
     * The releases of an execution that was charged for the boundaries numbered {@code charged},
     * replays the stored rows of the boundaries of {@code replays} (charged nothing, drawing
     * nothing), and gives each boundary of {@code sameAs} the rows of the boundary it maps to (the
     * same question asked twice in one statement). {@code onDrawn} gets each drawn boundary's rows
     * before they are returned (to store them durably; if it fails, nothing is returned).
     */
    public DpReleases(
            Set<Integer> charged, Map<Integer, List<Object[]>> replays, Map<Integer, Integer> sameAs, Drawn onDrawn) {
        this.charged = Set.copyOf(requireNonNull(charged, "charged is null"));
        this.replays = Map.copyOf(requireNonNull(replays, "replays is null"));
        this.sameAs = Map.copyOf(requireNonNull(sameAs, "sameAs is null"));
        this.onDrawn = requireNonNull(onDrawn, "onDrawn is null");
        for (Integer release : this.replays.keySet()) {
            if (this.charged.contains(release)) {
                throw new IllegalArgumentException("boundary " + release + " is both charged and replayed");
            }
        }
        for (Map.Entry<Integer, Integer> e : this.sameAs.entrySet()) {
            if (this.charged.contains(e.getKey()) || this.replays.containsKey(e.getKey())) {
                throw new IllegalArgumentException("boundary " + e.getKey() + " has rows of its own");
            }
            if (!this.charged.contains(e.getValue()) && !this.replays.containsKey(e.getValue())) {
                throw new IllegalArgumentException("boundary " + e.getKey() + " maps to one without rows");
            }
        }
    }

    /** Whether every boundary of {@code boundaries}, and no other, is charged, replayed or mapped to one that is. */
    public boolean covers(Set<Integer> boundaries) {
        Set<Integer> all = new HashSet<>(charged);
        all.addAll(replays.keySet());
        all.addAll(sameAs.keySet());
        return all.equals(boundaries);
    }

    /** How many boundaries replay stored rows (or share another's rows), charged nothing. */
    public int replayCount() {
        return replays.size() + sameAs.size();
    }

    /** The releases of an execution that was charged for no boundary: none may draw. */
    public static DpReleases none() {
        return new DpReleases(Set.of());
    }

    /** The releases of the execution {@code root} belongs to. */
    static DpReleases of(DataContext root) {
        if (root instanceof ExecutionContext context) {
            return context.state(DpReleases.class, DpReleases::none);
        }
        throw new VeilException(
                ErrorCode.INTERNAL_ERROR, "A differentially private aggregate ran outside a statement execution");
    }

    /**
     * The DP boundaries of {@code plan} by number, each once however often the plan holds it.
     * Fails with INTERNAL_ERROR (before anything is charged or run) when a boundary has no number,
     * or two different boundaries have the same one.
     */
    public static Map<Integer, DpSpec> boundaries(RelNode plan) {
        Map<Integer, DpSpec> byNumber = new TreeMap<>();
        List<RelNode> pending = new ArrayList<>(List.of(plan));
        while (!pending.isEmpty()) {
            RelNode node = pending.remove(pending.size() - 1);
            pending.addAll(node.getInputs());
            if (node instanceof DpAggregate dp) {
                DpSpec spec = dp.spec();
                if (spec.release() < 0) {
                    throw new VeilException(
                            ErrorCode.INTERNAL_ERROR,
                            "A differentially private aggregate of the plan has no release number");
                }
                DpSpec other = byNumber.putIfAbsent(spec.release(), spec);
                if (other != null && !other.equals(spec)) {
                    throw new VeilException(
                            ErrorCode.INTERNAL_ERROR,
                            "Two differentially private aggregates of the plan have release number " + spec.release());
                }
            }
        }
        return byNumber;
    }

    /**
     * The rows of boundary {@code release}: drawn by {@code draw} the first time, the same rows
     * (fresh copies) every later time.
     */
    public synchronized List<Object[]> rows(int release, Supplier<List<Object[]>> draw) {
        int own = sameAs.getOrDefault(release, release);
        List<Object[]> rows = released.get(own);
        if (rows == null) {
            List<Object[]> replay = replays.get(own);
            if (replay != null) {
                rows = replay;
            } else {
                rows = List.copyOf(draw(own, draw));
                onDrawn.drawn(own, rows);
            }
            released.put(own, rows);
        }
        List<Object[]> copies = new ArrayList<>(rows.size());
        for (Object[] row : rows) {
            copies.add(row.clone());
        }
        return copies;
    }

    /**
     * Draws the noisy rows of boundary {@code release} with {@code draw}: the only way noise is
     * drawn during an execution. Fails with INTERNAL_ERROR when the statement was not charged for
     * the boundary or the boundary has drawn before in this execution (even if that draw failed).
     */
    public synchronized List<Object[]> draw(int release, Supplier<List<Object[]>> draw) {
        requireNonNull(draw, "draw is null");
        if (!charged.contains(release)) {
            throw new VeilException(
                    ErrorCode.INTERNAL_ERROR,
                    "A differentially private aggregate (number " + release
                            + ") would release rows the statement was not charged for; nothing was released");
        }
        if (!drawn.add(release)) {
            throw new VeilException(
                    ErrorCode.INTERNAL_ERROR,
                    "A differentially private aggregate (number " + release
                            + ") would draw its noise a second time in one execution; nothing more was released");
        }
        return draw.get();
    }
}
