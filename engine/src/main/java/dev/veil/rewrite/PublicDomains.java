package dev.veil.rewrite;

import dev.veil.policy.DomainPolicy;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.AggregateCall;
import org.apache.calcite.rel.core.JoinRelType;
import org.apache.calcite.rel.logical.LogicalAggregate;
import org.apache.calcite.rel.logical.LogicalJoin;
import org.apache.calcite.rel.logical.LogicalProject;
import org.apache.calcite.rel.logical.LogicalTableScan;
import org.apache.calcite.rel.logical.LogicalUnion;
import org.apache.calcite.rel.logical.LogicalValues;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexLiteral;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.sql.type.SqlTypeName;
import org.apache.calcite.util.ImmutableBitSet;

/**
 * Group keys with a public domain ({@code ALTER COLUMN c SET DOMAIN ...}): when every key of a DP
 * aggregate has one, the released groups are exactly the domain's (its cross product for several
 * keys), present in the data or not, so which groups appear reveals nothing and no partition
 * selection is needed. The domain's rows reach the DP aggregate in its input, marked, after the
 * data rows (see {@link dev.veil.plan.DpSpec#domainMarker}).
 */
final class PublicDomains {
    private PublicDomains() {}

    /**
     * The domain rows of {@code keys} over {@code input}: one row per combination of domain
     * values, with the key fields set, every other field NULL; empty when some key has no public
     * domain.
     */
    static Optional<RelNode> domainRows(RelNode input, Piece in, List<Integer> keys, RewriteContext ctx) {
        if (keys.isEmpty()) {
            return Optional.empty();
        }
        RexBuilder rex = ctx.rexBuilder();
        RelNode product = null;
        for (int key : keys) {
            Optional<RelNode> values = domainOf(
                    in.field(key), input.getRowType().getFieldList().get(key).getType(), ctx);
            if (values.isEmpty()) {
                return Optional.empty();
            }
            product = product == null
                    ? values.get()
                    : LogicalJoin.create(
                            product, values.get(), List.of(), rex.makeLiteral(true), Set.of(), JoinRelType.INNER);
        }
        List<RexNode> exprs = new ArrayList<>();
        List<RelDataType> types =
                input.getRowType().getFieldList().stream().map(f -> f.getType()).toList();
        for (int i = 0; i < types.size(); i++) {
            RelDataType nullable = ctx.typeFactory().createTypeWithNullability(types.get(i), true);
            int position = keys.indexOf(i);
            exprs.add(
                    position >= 0
                            ? rex.makeCast(nullable, rex.makeInputRef(product, position), true, false)
                            : rex.makeNullLiteral(nullable));
        }
        return Optional.of(LogicalProject.create(
                product, List.of(), exprs, input.getRowType().getFieldNames(), Set.of()));
    }

    /** The data rows and then the domain rows, with a last BOOLEAN field that is TRUE on the domain's. */
    static RelNode union(RelNode data, RelNode domain, RewriteContext ctx) {
        RexBuilder rex = ctx.rexBuilder();
        RelNode marked = mark(data, false, rex, ctx);
        RelNode markedDomain = mark(domain, true, rex, ctx);
        return LogicalUnion.create(List.of(marked, markedDomain), true);
    }

    private static RelNode mark(RelNode rel, boolean domain, RexBuilder rex, RewriteContext ctx) {
        List<RexNode> exprs = new ArrayList<>();
        List<String> names = new ArrayList<>(rel.getRowType().getFieldNames());
        for (int i = 0; i < rel.getRowType().getFieldCount(); i++) {
            RelDataType type = ctx.typeFactory()
                    .createTypeWithNullability(
                            rel.getRowType().getFieldList().get(i).getType(), true);
            exprs.add(rex.makeCast(type, rex.makeInputRef(rel, i), true, false));
        }
        exprs.add(rex.makeLiteral(domain));
        names.add("$domain");
        return LogicalProject.create(
                rel,
                List.of(),
                exprs,
                org.apache.calcite.sql.validate.SqlValidatorUtil.uniquify(names, true),
                Set.of());
    }

    /** The values of one key's domain, one column, or empty when the key has none. */
    private static Optional<RelNode> domainOf(FieldInfo key, RelDataType type, RewriteContext ctx) {
        if (key.identity().isEmpty()) {
            return Optional.empty();
        }
        ColumnId column = key.identity().get();
        Optional<TableRef> table = ctx.tables().byName(column.table());
        if (table.isEmpty()) {
            return Optional.empty();
        }
        DomainPolicy domain = table.get().access().domains().get(column.column());
        if (domain == null) {
            return Optional.empty();
        }
        RexBuilder rex = ctx.rexBuilder();
        if (domain.references().isPresent()) {
            Optional<TableRef> referenced =
                    ctx.tables().byName(domain.references().get().table());
            // A domain read from a protected table would release that table's values: not public after all.
            if (referenced.isEmpty()
                    || referenced.get().access().isProtected()
                    || referenced.get().access().rowFilter().isPresent()) {
                return Optional.empty();
            }
            int field = referenced.get().column(domain.references().get().column());
            if (field < 0) {
                return Optional.empty();
            }
            RelNode scan =
                    LogicalTableScan.create(ctx.cluster(), referenced.get().base(), List.of());
            RelNode values = LogicalProject.create(
                    scan, List.of(), List.of(rex.makeInputRef(scan, field)), List.of("value"), Set.of());
            return Optional.of(
                    LogicalAggregate.create(values, List.of(), ImmutableBitSet.of(0), null, List.<AggregateCall>of()));
        }
        // Listed values are text; the domain rows cast them to the key's type (see domainRows).
        RelDataType varchar = ctx.typeFactory().createSqlType(SqlTypeName.VARCHAR);
        List<List<RexLiteral>> tuples = new ArrayList<>();
        for (String value : domain.values()) {
            tuples.add(List.of((RexLiteral) rex.makeLiteral(value, varchar, false)));
        }
        RelDataType rowType = ctx.typeFactory().builder().add("value", varchar).build();
        return Optional.of(LogicalValues.create(
                ctx.cluster(),
                rowType,
                com.google.common.collect.ImmutableList.copyOf(tuples.stream()
                        .map(com.google.common.collect.ImmutableList::copyOf)
                        .toList())));
    }
}
