package dev.veil.policy;

import static java.util.Objects.requireNonNull;

/**
 * What a policy file holds for one schema: whether it is restricted ({@code ALTER SCHEMA s SET
 * ACCESS RESTRICTED}), whether its tables require consent ({@code ALTER SCHEMA s SET CONSENT
 * REQUIRED}), and whom SELECT and CREATE on it are granted to.
 *
 * @param schema the schema
 * @param restricted its objects are seen only by admins, owners and grantees
 * @param consentRequired every table of it that has a privacy unit requires consent
 * @param select whom {@code GRANT SELECT ON SCHEMA} names
 * @param create whom {@code GRANT CREATE ON SCHEMA} names
 */
public record SchemaRules(
        String schema, boolean restricted, boolean consentRequired, Grantees select, Grantees create) {
    public SchemaRules {
        requireNonNull(schema, "schema is null");
        requireNonNull(select, "select is null");
        requireNonNull(create, "create is null");
    }

    public boolean isEmpty() {
        return !restricted && !consentRequired && select.isEmpty() && create.isEmpty();
    }
}
