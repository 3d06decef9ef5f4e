package dev.veil.exec.runtime;

/**
 * A physical join whose rows come in the order of its left (probe) input and, per probe row, in
 * the order of its right (build) input, with SQL's {@code =} on its keys (a NULL key matches
 * nothing). An operator that computes such a join's rows itself, in the same order, marks which
 * joins it may stand for by this interface: {@code exec.join}'s hash join implements it, and {@code
 * exec.privacy}'s batch DP aggregate reads through it without depending on {@code exec.join}.
 */
public interface ProbeOrderedJoin {}
