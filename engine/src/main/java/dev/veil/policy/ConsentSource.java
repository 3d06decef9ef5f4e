package dev.veil.policy;

import static java.util.Objects.requireNonNull;

import dev.veil.catalog.TableName;
import java.util.Optional;

/**
 * A table declared as the consent source of one privacy unit ({@code ALTER TABLE t SET CONSENT
 * SOURCE (UNIT u REFERENCES s.p (k), PURPOSE p, CATEGORY c, GRANTED g, EXPIRES e [, WITHDRAWN w])}):
 * each of its rows says that the unit {@code u} (a value of the unit column {@code s.p.k}) consents
 * to purpose {@code p} for data category {@code c} from {@code g} until {@code e}, unless withdrawn
 * at {@code w}.
 *
 * @param table the consent table
 * @param unit the column holding the unit's value
 * @param unitTable the table whose column is the privacy unit the consents are for
 * @param unitKey that unit column
 */
public record ConsentSource(
        TableName table,
        String unit,
        TableName unitTable,
        String unitKey,
        String purpose,
        String category,
        String granted,
        String expires,
        Optional<String> withdrawn) {
    public ConsentSource {
        requireNonNull(table, "table is null");
        requireNonNull(unit, "unit is null");
        requireNonNull(unitTable, "unitTable is null");
        requireNonNull(unitKey, "unitKey is null");
        requireNonNull(purpose, "purpose is null");
        requireNonNull(category, "category is null");
        requireNonNull(granted, "granted is null");
        requireNonNull(expires, "expires is null");
        requireNonNull(withdrawn, "withdrawn is null");
    }

    /** The declaration as SQL, for SHOW POLICIES. */
    public String definition() {
        return "CONSENT SOURCE (UNIT " + unit + " REFERENCES " + unitTable + " (" + unitKey + "), PURPOSE " + purpose
                + ", CATEGORY " + category + ", GRANTED " + granted + ", EXPIRES " + expires
                + withdrawn.map(w -> ", WITHDRAWN " + w).orElse("") + ")";
    }
}
