package dev.veil.sql;

import static java.util.Objects.requireNonNull;

import dev.veil.ErrorCode;
import dev.veil.VeilException;
import dev.veil.audit.AuditLog;
import dev.veil.audit.Decision;
import dev.veil.audit.StatementKind;
import dev.veil.catalog.Principals;
import dev.veil.catalog.SqliteCatalog;
import dev.veil.catalog.TableName;
import dev.veil.policy.ColumnPolicy;
import dev.veil.policy.DifferentialPrivacyPolicy;
import dev.veil.policy.DomainPolicy;
import dev.veil.policy.MinGroupSizePolicy;
import dev.veil.policy.PolicyYaml;
import dev.veil.policy.RowFilterPolicy;
import dev.veil.policy.SqlitePolicyStore;
import dev.veil.policy.TablePolicies;
import dev.veil.policy.UnitPolicy;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Exports the warehouse's policies as a policy file and applies one (admin only): what
 * {@code veil policy export|apply} run. Applying is one transaction: the policies of every table
 * in the file become exactly those in the file (tables not in it keep theirs; a version 1 file
 * leaves the rules of {@link PolicyFileRules} as they are), roles the file lists are created if
 * missing, every policy is checked as its statement would check it, and if
 * any check fails nothing changes and the error names the file's entry.
 */
public final class PolicyFiles {
    private PolicyFiles() {}

    /** The policy file of every policy in the warehouse. */
    public static String export(StatementContext context) {
        String yaml = exportUnaudited(context);
        new AuditLog(context.warehouse().sqliteCatalog())
                .record(context.user(), StatementKind.QUERY, "POLICY EXPORT", Decision.ALLOWED, null);
        return yaml;
    }

    /** The policy file, for {@code EXPORT POLICIES}, which the statement audit records. */
    static String exportUnaudited(StatementContext context) {
        requireNonNull(context, "context is null");
        SqlitePolicyStore store = adminStore(context, "policy export");
        return PolicyYaml.write(
                PolicyFileRules.document(store, context.warehouse().sqliteCatalog()));
    }

    /** Applies a policy file read from {@code source} (named in errors and in the audit log). */
    public static UpdateCount apply(PolicyYaml.Document document, String source, StatementContext context) {
        return apply(document, source, context, true);
    }

    /**
     * Applies a policy file; {@code recordAudit} false for {@code APPLY POLICIES}, which the
     * statement audit records.
     */
    static UpdateCount apply(
            PolicyYaml.Document document, String source, StatementContext context, boolean recordAudit) {
        requireNonNull(document, "document is null");
        requireNonNull(source, "source is null");
        requireNonNull(context, "context is null");
        AuditLog audit = recordAudit ? new AuditLog(context.warehouse().sqliteCatalog()) : null;
        String statement = "POLICY APPLY '" + source + "' (" + document.tables().size() + " tables: "
                + document.tables().stream()
                        .map(e -> e.policies().table().toString())
                        .collect(Collectors.joining(", "))
                + ")";
        try {
            SqlitePolicyStore store = adminStore(context, "policy apply");
            SqliteCatalog catalog = context.warehouse().sqliteCatalog();
            UpdateCount result = catalog.write(c -> {
                int roles = createRoles(document.roles(), new Principals(catalog));
                PolicyFileRules rules =
                        new PolicyFileRules(catalog, context.principal().name());
                if (document.complete()) {
                    rules.applyPurposes(document.purposes(), source);
                    rules.applySchemas(document.schemas(), source);
                }
                for (PolicyYaml.Entry entry : document.tables()) {
                    if (rules.isView(entry)) {
                        within(source, entry, () -> rules.checkView(entry));
                        continue;
                    }
                    within(source, entry, () -> store.clear(entry.policies().table()));
                    if (document.complete()) {
                        within(source, entry, () -> rules.clear(entry.rules()));
                    }
                }
                setUnits(document.tables(), source, store);
                within(source, null, store::checkPaths);
                for (PolicyYaml.Entry entry : document.tables()) {
                    if (!rules.isView(entry)) {
                        within(source, entry, () -> setPolicies(entry.policies(), store, context));
                    }
                }
                if (document.complete()) {
                    for (PolicyYaml.Entry entry : document.tables()) {
                        within(source, entry, () -> rules.apply(entry.rules()));
                    }
                }
                if (audit != null) {
                    audit.record(context.user(), StatementKind.POLICY_CHANGE, statement, Decision.ALLOWED, null);
                }
                return new UpdateCount(
                        0,
                        "Applied the policies of " + document.tables().size() + " tables from " + source
                                + (roles == 0 ? "" : "; created " + roles + " roles"));
            });
            return result;
        } catch (VeilException e) {
            if (audit == null) {
                throw e;
            }
            Decision decision = e.errorCode() == ErrorCode.ACCESS_DENIED ? Decision.REJECTED : Decision.FAILED;
            try {
                audit.record(context.user(), StatementKind.POLICY_CHANGE, statement, decision, e.clientMessage());
            } catch (RuntimeException r) {
                e.addSuppressed(r);
            }
            throw e;
        }
    }

    private static int createRoles(List<String> roles, Principals principals) {
        List<String> existing = principals.roles();
        int created = 0;
        for (String role : roles) {
            if (!existing.contains(role)) {
                principals.createRole(role, true);
                created++;
            }
        }
        return created;
    }

    /** Sets the units parents first, so that each VIA path resolves when its unit is set. */
    private static void setUnits(List<PolicyYaml.Entry> entries, String source, SqlitePolicyStore store) {
        List<PolicyYaml.Entry> pending = new ArrayList<>();
        for (PolicyYaml.Entry e : entries) {
            if (e.policies().unit().isPresent()) {
                pending.add(e);
            }
        }
        while (!pending.isEmpty()) {
            boolean progress = false;
            for (PolicyYaml.Entry e : List.copyOf(pending)) {
                UnitPolicy unit = e.policies().unit().orElseThrow();
                Optional<TableName> parent = unit.via().map(v -> v.table());
                boolean parentPending = parent.isPresent()
                        && pending.stream()
                                .anyMatch(p -> p != e && p.policies().table().equals(parent.get()));
                if (!parentPending) {
                    within(source, e, () -> store.setUnit(unit, e.rules().setNullOnErase()));
                    pending.remove(e);
                    progress = true;
                }
            }
            if (!progress) {
                throw new VeilException(
                        ErrorCode.INVALID_POLICY,
                        source + ": the privacy units of "
                                + pending.stream().map(PolicyYaml.Entry::name).collect(Collectors.joining(", "))
                                + " reach each other through VIA in a cycle");
            }
        }
    }

    private static void setPolicies(TablePolicies policies, SqlitePolicyStore store, StatementContext context) {
        for (MinGroupSizePolicy p : policies.minGroupSizes()) {
            store.setMinGroupSize(p);
        }
        for (ColumnPolicy p : policies.columns()) {
            store.setColumnPolicy(p);
        }
        for (DomainPolicy p : policies.domains()) {
            store.setDomain(p);
        }
        for (RowFilterPolicy p : policies.rowFilters()) {
            String predicate = RowFilterCheck.canonical(context, p.table(), p.predicate());
            store.setRowFilter(new RowFilterPolicy(p.table(), p.role(), predicate));
        }
        for (DifferentialPrivacyPolicy p : policies.differentialPrivacyPolicies()) {
            store.setDifferentialPrivacy(p);
        }
    }

    /** Runs {@code step}; its error is prefixed with the file and entry it came from. */
    private static void within(String source, PolicyYaml.Entry entry, Runnable step) {
        try {
            step.run();
        } catch (VeilException e) {
            String where = entry == null ? source : source + ": " + entry.name();
            throw new VeilException(e.errorCode(), where + ": " + e.getMessage(), e);
        }
    }

    /** The policy store, once {@code context.user()} is known to be an admin (not a statement: no registry entry). */
    private static SqlitePolicyStore adminStore(StatementContext context, String operation) {
        AdminOnly.require(context, operation);
        return new SqlitePolicyStore(context.warehouse().sqliteCatalog());
    }
}
