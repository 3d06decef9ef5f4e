package dev.veil.sql;

import java.util.OptionalDouble;

/**
 * The settings of one session that statements change and later statements read:
 * {@code SET EPSILON}. Shared by the statements of a session, which run one at a time; the fields
 * are volatile since a server may run consecutive statements of a session on different threads.
 */
public final class SessionSettings {
    private volatile OptionalDouble epsilon = OptionalDouble.empty();

    /** The epsilon per query the session asked for, if any (otherwise the tables' policies decide). */
    public OptionalDouble epsilon() {
        return epsilon;
    }

    void setEpsilon(double value) {
        this.epsilon = OptionalDouble.of(value);
    }
}
