package dev.veil.rewrite;

import dev.veil.ErrorCode;
import dev.veil.VeilException;
import dev.veil.catalog.Principals;
import dev.veil.catalog.Principals.Principal;
import dev.veil.policy.MinGroupSize;
import dev.veil.policy.TableAccess;
import java.util.Collection;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The errors the privacy rewrite raises. Each names the table, column and policy at fault and
 * says what to do instead; none contains a data value (not even a constant of the query, which
 * could be a guessed value).
 */
final class PrivacyErrors {
    private PrivacyErrors() {}

    static VeilException violation(String message) {
        return new VeilException(ErrorCode.POLICY_VIOLATION, message);
    }

    static VeilException invalidPolicy(String message) {
        return new VeilException(ErrorCode.INVALID_POLICY, message);
    }

    /** {@code role 'analyst'} or {@code roles 'analyst', 'eu'}: the principal's governed roles. */
    static String roles(Principal principal) {
        List<String> roles = principal.roles().stream()
                .filter(r -> !r.equals(Principals.ADMIN))
                .sorted()
                .toList();
        if (roles.isEmpty()) {
            return "user '" + principal.name() + "'";
        }
        return (roles.size() == 1 ? "role " : "roles ")
                + roles.stream().map(r -> "'" + r + "'").collect(Collectors.joining(", "));
    }

    static String tableList(Collection<TableAccess> tables) {
        return tables.stream().map(t -> "'" + t.table() + "'").distinct().collect(Collectors.joining(", "));
    }

    /** How a handle's group size policy reads: {@code groups of at least 10 distinct units of shop.customer.c_custkey}. */
    static String groupRequirement(UnitHandle unit) {
        int k = unit.sources().stream()
                .flatMap(s -> s.minGroupSize().stream())
                .mapToInt(MinGroupSize::k)
                .max()
                .orElse(0);
        String units = "distinct privacy units (" + unit.domain() + ")";
        return k > 0 ? "groups of at least " + k + " " + units : "aggregation over " + units;
    }

    static VeilException rowsWithoutAggregation(UnitHandle unit) {
        return violation("Query releases rows of " + unit.tableNames() + " without aggregation; the privacy policy of "
                + unit.tableNames() + " requires " + groupRequirement(unit)
                + ". Aggregate them (COUNT, SUM, AVG, ... with GROUP BY on columns other than the privacy unit)");
    }

    static VeilException restrictedUse(ColumnRestriction restriction, Principal principal, String where) {
        String advice = restriction.columnClass() == dev.veil.policy.ColumnClass.JOIN_ONLY
                ? "use it only as a key of an equality join"
                : "use it only inside COUNT, SUM, AVG, VAR_POP or STDDEV_POP, or in WHERE";
        return violation(restriction.describe(principal) + " and cannot be used " + where + "; " + advice);
    }

    static VeilException forbiddenAggregate(String function, UnitHandle unit) {
        return forbiddenAggregate(function, unit, "COUNT, SUM, AVG, VAR_POP or STDDEV_POP");
    }

    static VeilException forbiddenAggregate(String function, UnitHandle unit, String alternatives) {
        String upper = function.toUpperCase(java.util.Locale.ROOT);
        String why = switch (upper) {
            case "MIN", "MAX" -> upper + " releases one unit's value";
            case "ANY_VALUE", "SINGLE_VALUE", "FIRST_VALUE", "LAST_VALUE" -> upper + " releases one row's value";
            case "LISTAGG", "STRING_AGG", "ARRAY_AGG", "COLLECT", "JSON_ARRAYAGG", "JSON_OBJECTAGG", "GROUP_CONCAT" ->
                upper + " releases every row's value";
            default -> upper + " is not one of the aggregates Veil can protect";
        };
        return violation(why + " over protected rows of " + unit.tableNames() + " (" + groupRequirement(unit)
                + "); use " + alternatives + " instead");
    }

    static VeilException windowOverProtected(UnitHandle unit) {
        return violation("Window functions over protected rows of " + unit.tableNames()
                + " release per-row results; aggregate with GROUP BY first (" + groupRequirement(unit)
                + ") and apply the window function to the aggregated rows");
    }

    static VeilException limitBeforeAggregation(UnitHandle unit) {
        return violation("LIMIT or OFFSET over protected rows of " + unit.tableNames()
                + " before aggregation picks out individual rows; apply LIMIT after the aggregation ("
                + groupRequirement(unit) + ")");
    }

    static VeilException unitInAggregate(UnitHandle unit, String function) {
        return violation("The privacy unit of " + unit.tableNames() + " (" + unit.domain() + ") appears inside "
                + function.toUpperCase(java.util.Locale.ROOT)
                + "; it may appear in an aggregate only as COUNT(DISTINCT ...), since any other use singles out units");
    }

    static VeilException joinNotOnUnit(UnitHandle left, UnitHandle right) {
        String path = left.steps().isEmpty()
                ? ""
                : "; the declared path continues at " + left.steps().get(0).key();
        return violation("Join of protected tables " + left.tableNames() + " and " + right.tableNames()
                + " is not on their privacy unit (" + left.domain() + path
                + "); join them on the unit or along the declared foreign key, or aggregate each side first");
    }

    static VeilException differentUnits(UnitHandle left, UnitHandle right) {
        return violation("Tables " + left.tableNames() + " and " + right.tableNames()
                + " protect different privacy units (" + left.domain() + ", " + right.domain()
                + "); their rows cannot be combined before aggregation; aggregate each side first");
    }

    static VeilException unitJoinedWithUnprotected(UnitHandle unit) {
        return violation("The privacy unit of " + unit.tableNames() + " (" + unit.domain()
                + ") is joined with data of an unprotected table, which singles out units; join it only with "
                + "the privacy unit of another protected table or along the declared foreign key");
    }

    static VeilException filteredByProtectedRows(UnitHandle unit) {
        return violation("EXISTS, IN or a semi-join over protected rows of " + unit.tableNames()
                + " filters other rows by individual units' data; aggregate the protected rows first ("
                + groupRequirement(unit) + ")");
    }

    static VeilException distinctSetOperation(String operation, UnitHandle unit) {
        return violation(operation + " over protected rows of " + unit.tableNames()
                + " before aggregation is not supported; use UNION ALL and aggregate the result ("
                + groupRequirement(unit) + ")");
    }

    static VeilException unsupported(String operator, UnitHandle unit) {
        return violation("Veil cannot check " + operator + " over protected rows of " + unit.tableNames()
                + ", so the query is rejected; aggregate the protected rows first (" + groupRequirement(unit) + ")");
    }

    static VeilException unsupportedOverRestricted(
            String operator, ColumnRestriction restriction, Principal principal) {
        return violation(restriction.describe(principal) + " and cannot be used in " + operator);
    }
}
