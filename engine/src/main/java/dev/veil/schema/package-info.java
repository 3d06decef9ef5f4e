/**
 * The Calcite schema adapter: Veil's catalog as Calcite's validator and planner see it, for one
 * principal and one statement. {@link dev.veil.schema.CatalogSchema} lists a catalog schema's
 * tables with their current versions and the principal's resolved policies: a table no policy
 * restricts is an {@link dev.veil.schema.ArrowTable} (a {@code plan.StoredTable}, with the
 * planner's estimates of {@code ArrowTableStatistics}), any other an
 * {@link dev.veil.schema.ArrowTableView} (a {@code plan.RestrictedTable}: hidden columns absent,
 * masked columns typed as their mask's result), which only the privacy rewrite can turn into a
 * scan. A stored view the principal may see is a {@link dev.veil.schema.StoredView}, which is
 * never scanned: converting a query expands it into its own query through a
 * {@link dev.veil.schema.ViewExpansion} that {@code sql} supplies (validated as the querying
 * principal), so the privacy rewrite only ever sees base tables. {@link dev.veil.schema.SystemSchema} holds the {@code veil.*} system tables (policies,
 * audit, budgets, running statements, purposes, data use, consent coverage; the last two and the
 * audit's units touched are computed by {@link dev.veil.schema.DataUse} from the audit, the consent
 * rows ({@link dev.veil.schema.ConsentRecords}) and the rows per unit
 * ({@link dev.veil.schema.UnitRowCounts}), for admins only), {@link dev.veil.schema.InformationSchema} the
 * {@code information_schema} views (schemata, tables, columns, views, table_privileges) as the
 * principal may see them. {@link dev.veil.schema.VeilTypes} maps Veil's column types
 * to SQL types and {@link dev.veil.schema.VeilTypeSystem} fixes Calcite's type rules.
 *
 * <p>Calls {@code plan} (the table interfaces it implements), {@code policy}, {@code catalog},
 * {@code storage}, {@code audit} and {@code budget} (system tables) and {@code control} (running
 * statements); never {@code exec}, which reads the tables it describes.
 */
package dev.veil.schema;
