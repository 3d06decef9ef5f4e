package dev.veil.dp;

/** Argument checks shared by the DP primitives; each failure names the parameter and its value. */
final class Checks {
  private Checks() {}

  static double epsilon(double epsilon) {
    return positiveFinite("epsilon", epsilon);
  }

  static double rho(double rho) {
    return positiveFinite("rho", rho);
  }

  /** Delta may be 0 (pure DP) but never 1: delta = 1 would allow anything. */
  static double delta(double delta) {
    if (!(delta >= 0 && delta < 1)) {
      throw new DpException("delta must be in [0, 1), was " + delta);
    }
    return delta;
  }

  /** A delta that must be strictly positive because the mechanism has a failure probability. */
  static double positiveDelta(String what, double delta) {
    delta(delta);
    if (delta == 0) {
      throw new DpException(what + " needs delta > 0, was 0");
    }
    return delta;
  }

  static double positiveFinite(String name, double value) {
    if (!(value > 0 && value < Double.POSITIVE_INFINITY)) {
      throw new DpException(name + " must be finite and > 0, was " + value);
    }
    return value;
  }

  static double nonNegativeFinite(String name, double value) {
    if (!(value >= 0 && value < Double.POSITIVE_INFINITY)) {
      throw new DpException(name + " must be finite and >= 0, was " + value);
    }
    return value;
  }

  static double finite(String name, double value) {
    if (!Double.isFinite(value)) {
      throw new DpException(name + " must be finite, was " + value);
    }
    return value;
  }

  static long atLeastOne(String name, long value) {
    if (value < 1) {
      throw new DpException(name + " must be >= 1, was " + value);
    }
    return value;
  }

  static double confidenceLevel(double level) {
    if (!(level > 0 && level < 1)) {
      throw new DpException("confidence level must be in (0, 1), was " + level);
    }
    return level;
  }

  static double probability(String name, double p) {
    if (!(p >= 0 && p <= 1)) {
      throw new DpException(name + " must be in [0, 1], was " + p);
    }
    return p;
  }
}
