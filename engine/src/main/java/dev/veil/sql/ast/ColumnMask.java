package dev.veil.sql.ast;

import static java.util.Objects.requireNonNull;

import java.math.BigDecimal;
import java.util.Objects;
import java.util.Optional;

/** A mask as written after {@code MASKED USING}: a function and, for some, its argument. */
public final class ColumnMask {
    private final MaskFunction function;
    private final BigDecimal argument;

    private ColumnMask(MaskFunction function, BigDecimal argument) {
        this.function = requireNonNull(function, "function is null");
        this.argument = argument;
        if (function.takesArgument() != (argument != null)) {
            throw new IllegalArgumentException(
                    function + (function.takesArgument() ? " needs an argument" : " takes no argument"));
        }
        if (function.takesIntegerArgument() && argument.stripTrailingZeros().scale() > 0) {
            throw new IllegalArgumentException(function + " needs an integer argument: " + argument);
        }
    }

    /** A mask without argument, e.g. {@code REDACT}. */
    public static ColumnMask of(MaskFunction function) {
        return new ColumnMask(function, null);
    }

    /** A mask with its argument, e.g. {@code TRUNCATE(3)}. */
    public static ColumnMask of(MaskFunction function, BigDecimal argument) {
        return new ColumnMask(function, requireNonNull(argument, "argument is null"));
    }

    public MaskFunction function() {
        return function;
    }

    /** The argument of {@code TRUNCATE(n)}, {@code BUCKET(w)}, {@code SHOW_LAST(n)}. */
    public Optional<BigDecimal> argument() {
        return Optional.ofNullable(argument);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ColumnMask that && function == that.function && Objects.equals(argument, that.argument);
    }

    @Override
    public int hashCode() {
        return Objects.hash(function, argument);
    }

    /** The mask in SQL, e.g. {@code TRUNCATE(3)}. */
    @Override
    public String toString() {
        return argument == null ? function.name() : function.name() + "(" + Nodes.spell(argument) + ")";
    }
}
