package dev.veil.rewrite;

import static java.util.Objects.requireNonNull;

import dev.veil.catalog.TableName;
import dev.veil.plan.StoredTable;
import dev.veil.policy.TableConsent;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * What consent and retention ask of one statement's scans ({@link ScanConditions}): the purpose
 * the statement runs under, whether that purpose needs no consent (admins' {@code
 * administration}), whether it asks for renewed consents (an expiry is then mandatory), the one
 * statement time, each table's rules, and the stored tables the filters read (consent sources and
 * the tables along privacy unit paths), whoever runs the statement. The scan conditions do not
 * hold the statement time: they read it from the execution ({@code plan.StatementTime}), so a plan
 * with them may be cached and run again later.
 */
public final class ScanRules {
    /** No purpose, no table with rules: scans stay as they are. */
    public static final ScanRules NONE =
            new ScanRules(Optional.empty(), false, 0, 0L, TableConsent::none, name -> Optional.empty());

    private final Optional<String> purpose;
    private final boolean consentExempt;
    private final int renewalDays;
    private final long now;
    private final Function<TableName, TableConsent> tables;
    private final Function<TableName, Optional<StoredTable>> stored;
    private final Map<TableName, TableConsent> known = new HashMap<>();

    /**
     * @param purpose the statement's purpose; empty when it runs under none
     * @param consentExempt whether the purpose needs no consent (admins' {@code administration})
     * @param renewalDays the purpose's {@code RENEWAL EVERY n DAYS}, 0 if none: a consent then needs an
     *     expiry at most that many days after its grant
     * @param now the statement time, milliseconds since the epoch
     * @param tables each table's consent and retention rules
     * @param stored each stored table by name, whatever the principal may see
     */
    public ScanRules(
            Optional<String> purpose,
            boolean consentExempt,
            int renewalDays,
            long now,
            Function<TableName, TableConsent> tables,
            Function<TableName, Optional<StoredTable>> stored) {
        this.purpose = requireNonNull(purpose, "purpose is null");
        this.consentExempt = consentExempt;
        if (renewalDays < 0) {
            throw new IllegalArgumentException("renewalDays must be >= 0: " + renewalDays);
        }
        this.renewalDays = renewalDays;
        this.now = now;
        this.tables = requireNonNull(tables, "tables is null");
        this.stored = requireNonNull(stored, "stored is null");
    }

    public Optional<String> purpose() {
        return purpose;
    }

    boolean consentExempt() {
        return consentExempt;
    }

    /** The purpose's renewal period in days; 0 if it has none. */
    int renewalDays() {
        return renewalDays;
    }

    /** The statement time, milliseconds since the epoch (for tools that evaluate the rules in Java). */
    public long now() {
        return now;
    }

    /** A table's rules, read once per statement. */
    public synchronized TableConsent of(TableName table) {
        return known.computeIfAbsent(table, tables);
    }

    Optional<StoredTable> stored(TableName table) {
        return stored.apply(table);
    }
}
