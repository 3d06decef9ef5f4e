package dev.veil.sql;

import dev.veil.ErrorCode;
import dev.veil.VeilException;
import dev.veil.budget.StoredReleases;
import dev.veil.catalog.Principals.Principal;
import dev.veil.plan.DpAggregate;
import dev.veil.plan.DpSpec;
import dev.veil.rewrite.PrivacyCost;
import dev.veil.rewrite.ReleaseFingerprints.Fingerprint;
import dev.veil.rewrite.RewriteResult;
import dev.veil.sql.ast.SqlExplainPrivacy;
import java.util.ArrayList;
import java.util.List;
import org.apache.calcite.linq4j.Linq4j;
import org.apache.calcite.plan.RelOptUtil;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.type.SqlTypeName;

/**
 * Executes {@code EXPLAIN PRIVACY query}: plans and rewrites the query exactly as running it would
 * (so a query the policies reject fails here with the same error), reads no data and spends no
 * budget, and returns one line per row: who asks, the policies that apply, each rewrite with its
 * reason, the privacy cost, and the rewritten logical plan. Row filter predicates are never shown,
 * only that a row filter applies (admins see predicates with SHOW POLICIES).
 */
final class ExplainPrivacyStatement {
    private ExplainPrivacyStatement() {}

    static RowsResult execute(SqlExplainPrivacy node, StatementContext context) {
        if (!node.query().isA(SqlKind.QUERY)) {
            throw new VeilException(ErrorCode.NOT_SUPPORTED, "EXPLAIN PRIVACY supports queries only");
        }
        PlannedQuery query = PlannedQuery.plan(node.query(), context);
        RewriteResult rewrite = query.rewrite();
        List<Object[]> rows = new ArrayList<>();
        Principal principal = context.principal();
        line(
                rows,
                "User: " + principal.name() + " (roles: "
                        + String.join(", ", principal.roles().stream().sorted().toList()) + ")");
        line(rows, "Policies:");
        if (rewrite.policies().isEmpty()) {
            line(
                    rows,
                    principal.isAdmin()
                            ? "  none (admins are not governed by policies)"
                            : "  none (no table this query reads is restricted for this user)");
        }
        rewrite.policies().forEach(p -> line(rows, "  " + p));
        line(rows, "Rewrites:");
        if (rewrite.rewrites().isEmpty()) {
            line(rows, "  none");
        }
        rewrite.rewrites().forEach(r -> line(rows, "  - " + r));
        List<DpAggregate> boundaries = DpAggregate.findAll(rewrite.plan());
        if (!boundaries.isEmpty()) {
            line(rows, "Differential privacy:");
            for (int i = 0; i < boundaries.size(); i++) {
                List<String> lines = boundaries.get(i).spec().explain();
                line(rows, "  boundary " + (i + 1) + " " + lines.get(0));
                lines.subList(1, lines.size()).forEach(l -> line(rows, "    " + l));
                DpSpec spec = boundaries.get(i).spec();
                if (spec.partitionSelection()) {
                    line(
                            rows,
                            "    partition selection is in force: groups with few privacy units may be left out of"
                                    + " the result (how many were left out is never said)");
                }
                line(rows, "    " + consistentAnswer(query.fingerprints().get(spec.release()), context));
            }
        }
        PrivacyCost cost = query.cost();
        line(
                rows,
                "Privacy cost: epsilon " + cost.epsilon() + ", delta " + cost.delta()
                        + (cost.isZero() ? "" : " per run (EXPLAIN PRIVACY itself spends nothing)"));
        line(rows, "Rewritten plan:");
        RelOptUtil.toString(rewrite.shownPlan()).lines().forEach(l -> line(rows, "  " + l));
        RelDataType varchar = query.typeFactory().createSqlType(SqlTypeName.VARCHAR);
        return new RowsResult(List.of(new ResultColumn("PRIVACY", varchar)), Linq4j.enumerator(rows));
    }

    /**
     * Whether a run would replay a stored release of the boundary: says only whether someone asked
     * the same question on the same data before, never anything of the data.
     */
    private static String consistentAnswer(Fingerprint fingerprint, StatementContext context) {
        if (fingerprint == null) {
            return "consistent answers: this aggregate does not run (nothing is released)";
        }
        if (fingerprint.digest().isEmpty()) {
            return "consistent answers: never replayed, since "
                    + fingerprint.refusal().get() + "; every run is charged and draws fresh noise";
        }
        boolean stored = StoredReleases.of(context.warehouse().sqliteCatalog())
                .has(fingerprint.digest().get());
        return stored
                ? "consistent answers: a stored release exists for this question: a run replays it (the same rows)"
                        + " at no charge"
                : "consistent answers: no stored release of this question yet: a run is charged and its release"
                        + " stored; asked again on the same data, it is replayed at no charge";
    }

    private static void line(List<Object[]> rows, String text) {
        rows.add(new Object[] {text});
    }
}
