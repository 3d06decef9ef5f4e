/**
 * SQL front end: Veil's Calcite parser (generated at build time from Calcite's
 * {@code Parser.jj} template with Veil's grammar added), the validator set-up, and the
 * executors of DDL and data statements ({@code CREATE}, {@code DROP}, {@code INSERT}, {@code COPY}),
 * of the policy, principal and budget statements, and the planning of queries
 * ({@code PlannerContext}: validate against {@code schema}, convert (a plan without ROW types,
 * {@code FlatPlans}, is not flattened), rewrite, optimize with {@code exec};
 * a plan that is empty whatever the data, a zero-row probe, is answered from its columns alone:
 * {@code EmptyPlans}; a query planned before reuses its plan and compiled code from the
 * warehouse's {@code PlanCache}, keyed by text, user, roles, session settings and the catalog's
 * generation), and the description of prepared statements and the binding of their
 * {@code ?} parameters as literals ({@code StatementDescription}, {@code QueryParameters}),
 * the catalog statements ({@code SHOW ...}, {@code DESCRIBE}: queries of {@code information_schema},
 * {@code ShowCatalogStatement}), the names of unaliased result columns ({@code FriendlyNames}),
 * and views: {@code CreateViewStatement} validates and stores a view's SQL, and
 * {@code PlannerContext} expands a stored view as the querying principal when a query is converted
 * (before the rewrite), with grants of views and schemas in {@code GrantSelectStatement} and
 * {@code GrantSchemaStatement},
 * and the data-subject-rights statements: {@code EXPORT} / {@code ERASE PRIVACY UNIT} over the rows
 * of one unit in every table its paths reach ({@code UnitRows}, {@code ExportUnitStatement},
 * {@code EraseUnitStatement}) and {@code VACUUM} ({@code VacuumStatement}).
 * The parser itself ({@code sql.parser}) and its syntax tree ({@code sql.ast}) are a leaf below
 * the rewrite. This package calls every layer below the sessions: {@code rewrite}, {@code exec},
 * {@code schema}, {@code plan}, {@code control}, {@code policy}, {@code budget}, {@code audit},
 * {@code storage}, {@code catalog}.
 * Deny by default: {@link dev.veil.sql.StatementRegistry} is the one table from statement kind to
 * executor, required {@link dev.veil.sql.Privilege} and audit kind; a kind without an entry is
 * refused.
 */
package dev.veil.sql;
