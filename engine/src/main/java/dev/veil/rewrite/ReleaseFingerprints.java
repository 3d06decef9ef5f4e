package dev.veil.rewrite;

import static java.util.Objects.requireNonNull;

import dev.veil.catalog.TableVersion;
import dev.veil.plan.DpAggregate;
import dev.veil.plan.RestrictedTable;
import dev.veil.plan.SafeOperator;
import dev.veil.plan.StoredTable;
import dev.veil.plan.UnitLookup;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.apache.calcite.plan.RelOptTable;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.RelWriter;
import org.apache.calcite.rel.core.Sample;
import org.apache.calcite.rel.core.TableFunctionScan;
import org.apache.calcite.rel.core.TableScan;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexDynamicParam;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexShuttle;
import org.apache.calcite.sql.SqlExplainLevel;
import org.apache.calcite.sql.SqlOperator;
import org.apache.calcite.util.Pair;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * What each differentially private release of a rewritten plan answers, as a fingerprint: the
 * SHA-256 of a canonical serialization of everything that decides its answer, so that two releases
 * with the same fingerprint answer the same question on the same data and one may stand for the
 * other (consistent answers, see {@code StoredReleases} of {@code budget}). The serialization
 * holds, each item length-prefixed so that no two different inputs serialize alike:
 * <ul>
 *   <li>the logical plan below the DP node after the privacy rewrite, node by node: its class, its
 *       full row type (names, types, nullability) and every attribute Calcite explains at the
 *       most detailed level (expressions with their literal values, the principal's row filters
 *       and masks as the rewrite inlined them);
 *   <li>the id and version of every table it reads (scans and unit lookups);
 *   <li>the DP node's specification: contribution bounds, value bounds, ε and δ (after
 *       {@code SET EPSILON}), partition selection, the aggregates and their output type;
 *   <li>the descriptions of the policies that applied to the statement;
 *   <li>the principal's name, when an expression below the node reads who runs the statement
 *       ({@code CURRENT_USER} in a row filter).
 * </ul>
 * A release has no fingerprint, and is never replayed, when its answer could differ between two
 * runs on the same data: an expression below it is non-deterministic ({@code RAND}) or reads the
 * clock ({@code CURRENT_DATE}, {@code CURRENT_TIMESTAMP}, the consent and retention conditions of
 * {@code plan}, which compare with the statement time), a statement parameter, a sample, a table
 * function or a table without versions (a system table).
 */
public final class ReleaseFingerprints {
    /** Changes when what a release computes from its fingerprinted inputs changes. */
    private static final String FORMAT = "veil-dp-release-1";

    /** Dynamic functions whose value is the user running the statement: part of the key, not a refusal. */
    private static final Set<String> USER_FUNCTIONS =
            Set.of("CURRENT_USER", "USER", "SESSION_USER", "SYSTEM_USER", "CURRENT_ROLE");

    private ReleaseFingerprints() {}

    /**
     * A release's fingerprint, or why it has none.
     *
     * @param digest the fingerprint (64 hexadecimal digits), if the release may be replayed
     * @param refusal why it may not be, when it may not
     * @param versions the version of each table it reads, by table id
     */
    public record Fingerprint(Optional<String> digest, Optional<String> refusal, Map<Long, Long> versions) {
        public Fingerprint {
            versions = Map.copyOf(requireNonNull(versions, "versions is null"));
            requireNonNull(digest, "digest is null");
            requireNonNull(refusal, "refusal is null");
            if (digest.isPresent() == refusal.isPresent()) {
                throw new IllegalArgumentException("a fingerprint has exactly one of a digest and a refusal");
            }
        }
    }

    /**
     * The fingerprint of each DP node of {@code plan} (a plan the privacy rewrite produced, its
     * nodes numbered), by release number.
     *
     * @param user the principal running the statement
     * @param policies the descriptions of the policies that applied to the statement
     */
    public static Map<Integer, Fingerprint> of(RelNode plan, String user, List<String> policies) {
        requireNonNull(plan, "plan is null");
        requireNonNull(user, "user is null");
        requireNonNull(policies, "policies is null");
        Map<Integer, Fingerprint> result = new TreeMap<>();
        for (DpAggregate node : DpAggregate.findAll(plan)) {
            result.computeIfAbsent(node.spec().release(), r -> of(node, user, policies));
        }
        return result;
    }

    private static Fingerprint of(DpAggregate node, String user, List<String> policies) {
        Serializer s = new Serializer();
        s.token(FORMAT);
        s.token(node.spec().withRelease(0).toString());
        s.token(node.getRowType().getFullTypeString());
        s.node(node.getInput());
        s.token(Integer.toString(policies.size()));
        policies.forEach(s::token);
        if (s.refusal != null) {
            return new Fingerprint(Optional.empty(), Optional.of(s.refusal), s.versions);
        }
        if (s.readsUser) {
            s.token("user");
            s.token(user);
        }
        return new Fingerprint(Optional.of(sha256(s.out.toString())), Optional.empty(), s.versions);
    }

    private static String sha256(String text) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(digest.digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }

    private static final class Serializer {
        final StringBuilder out = new StringBuilder();
        final Map<Long, Long> versions = new TreeMap<>();
        boolean readsUser;
        String refusal;

        void token(String text) {
            out.append(text.length()).append(':').append(text).append(';');
        }

        void refuse(String why) {
            if (refusal == null) {
                refusal = why;
            }
        }

        void node(RelNode node) {
            token(node.getClass().getName());
            token(node.getRowType().getFullTypeString());
            Terms terms = new Terms();
            node.explain(terms);
            token(Integer.toString(terms.items.size()));
            for (Pair<String, @Nullable Object> item : terms.items) {
                token(item.left);
                token(String.valueOf(item.right));
            }
            if (node instanceof TableScan scan) {
                table(scan.getTable());
            }
            if (node instanceof UnitLookup lookup) {
                table(lookup.table());
            }
            if (node instanceof Sample) {
                refuse("it samples rows (TABLESAMPLE)");
            }
            if (node instanceof TableFunctionScan) {
                refuse("it calls a table function");
            }
            node.accept(new Checker());
            token(Integer.toString(node.getInputs().size()));
            for (RelNode input : node.getInputs()) {
                node(input);
            }
        }

        void table(RelOptTable table) {
            StoredTable stored = table.unwrap(StoredTable.class);
            if (stored == null) {
                RestrictedTable restricted = table.unwrap(RestrictedTable.class);
                stored = restricted == null ? null : restricted.base();
            }
            if (stored == null) {
                refuse("it reads " + String.join(".", table.getQualifiedName()) + ", which has no versions");
                return;
            }
            TableVersion version = stored.version();
            token("table");
            token(stored.definition().id() + "@" + version.version());
            versions.put(stored.definition().id(), version.version());
        }

        /** Notes what expressions read: the user, the clock, randomness, parameters. */
        private final class Checker extends RexShuttle {
            @Override
            public RexNode visitCall(RexCall call) {
                SqlOperator op = call.getOperator();
                String name = op.getName().toUpperCase(Locale.ROOT);
                if (op instanceof SafeOperator safe) {
                    name = safe.inner().getName().toUpperCase(Locale.ROOT);
                }
                if (!op.isDeterministic()) {
                    refuse("it calls the non-deterministic function " + name);
                } else if (op.isDynamicFunction()) {
                    if (USER_FUNCTIONS.contains(name)) {
                        readsUser = true;
                    } else {
                        refuse("it calls " + name + ", whose value depends on when it runs");
                    }
                }
                return super.visitCall(call);
            }

            @Override
            public RexNode visitDynamicParam(RexDynamicParam param) {
                refuse("it reads a statement parameter");
                return param;
            }
        }
    }

    /** Collects the attributes a node explains, apart from its inputs. */
    private static final class Terms implements RelWriter {
        final List<Pair<String, @Nullable Object>> items = new ArrayList<>();

        @Override
        public void explain(RelNode rel, List<Pair<String, @Nullable Object>> valueList) {
            throw new UnsupportedOperationException();
        }

        @Override
        public SqlExplainLevel getDetailLevel() {
            return SqlExplainLevel.ALL_ATTRIBUTES;
        }

        @Override
        public RelWriter input(String term, RelNode input) {
            return this;
        }

        @Override
        public RelWriter item(String term, @Nullable Object value) {
            if (!(value instanceof RelNode)) {
                items.add(Pair.of(term, value));
            }
            return this;
        }

        @Override
        public RelWriter done(RelNode node) {
            return this;
        }
    }
}
