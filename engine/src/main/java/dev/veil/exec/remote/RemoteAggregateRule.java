package dev.veil.exec.remote;

import dev.veil.catalog.RemoteKind;
import org.apache.calcite.adapter.jdbc.JdbcRules;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.Aggregate;
import org.apache.calcite.rel.core.AggregateCall;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.sql.type.SqlTypeName;
import org.apache.calcite.sql.type.SqlTypeUtil;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Calcite's JDBC aggregation rule, for aggregations whose sums the remote cannot fail on where Veil
 * does not: PostgreSQL's sum of {@code double precision} values fails on overflow (Veil's is
 * infinite), and Trino's sum of decimals fails beyond 38 digits, which a sum of DECIMAL(p) values
 * with p above 19 can reach (Veil's sum is exact). Such an aggregation runs in Veil.
 */
final class RemoteAggregateRule extends JdbcRules.JdbcAggregateRule {
    /** The most digits of a decimal whose sum over any number of rows (below 10^19) fits in 38 digits. */
    private static final int TRINO_SUMMABLE_DIGITS = 19;

    private RemoteAggregateRule(Config config) {
        super(config);
    }

    static RemoteAggregateRule create(RemoteConvention out) {
        return JdbcRules.JdbcAggregateRule.create(out)
                .config
                .withRuleFactory(RemoteAggregateRule::new)
                .toRule(RemoteAggregateRule.class);
    }

    @Override
    public @Nullable RelNode convert(RelNode rel) {
        Aggregate aggregate = (Aggregate) rel;
        RemoteKind kind = ((RemoteConvention) getOutTrait()).database().kind();
        for (AggregateCall call : aggregate.getAggCallList()) {
            if (!summable(kind, aggregate, call)) {
                return null;
            }
        }
        return super.convert(rel);
    }

    private static boolean summable(RemoteKind kind, Aggregate aggregate, AggregateCall call) {
        boolean sums = switch (call.getAggregation().getKind()) {
            case SUM, SUM0, AVG, STDDEV_POP, STDDEV_SAMP, VAR_POP, VAR_SAMP -> true;
            default -> false;
        };
        if (!sums) {
            return true;
        }
        for (int arg : call.getArgList()) {
            RelDataType type =
                    aggregate.getInput().getRowType().getFieldList().get(arg).getType();
            if (kind == RemoteKind.POSTGRESQL && SqlTypeUtil.isApproximateNumeric(type)) {
                return false;
            }
            if (kind == RemoteKind.TRINO
                    && type.getSqlTypeName() == SqlTypeName.DECIMAL
                    && type.getPrecision() > TRINO_SUMMABLE_DIGITS) {
                return false;
            }
        }
        return true;
    }
}
