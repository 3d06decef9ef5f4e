/**
 * Policies in two views. The stored view is what admins wrote ({@link dev.veil.policy.UnitPolicy},
 * {@link dev.veil.policy.ColumnPolicy}, ... grouped in {@link dev.veil.policy.TablePolicies}),
 * kept and checked by {@link dev.veil.policy.SqlitePolicyStore}. The resolved view is what applies
 * to one principal ({@link dev.veil.policy.TableAccess}), computed by
 * {@link dev.veil.policy.StoredPolicyResolver} and consumed by the privacy rewrite. Also the
 * policy file format ({@link dev.veil.policy.PolicyYaml}), which besides the tables' policies
 * carries the rules that apply to every principal alike (grants, categories, consent, retention,
 * purposes: {@link dev.veil.policy.TableRules}, {@link dev.veil.policy.SchemaRules}, {@link
 * dev.veil.policy.PurposeRules}, read from the catalog by {@link dev.veil.policy.StoredRules}). Consent and retention policies, which
 * apply to every principal alike, are stored by {@link dev.veil.policy.ConsentPolicies} and read per
 * table as a {@link dev.veil.policy.TableConsent}.
 *
 * <p>One home per rule: {@link dev.veil.policy.Strictest} is "strictest wins" for the resolver and
 * the rewrite alike; {@link dev.veil.policy.RowFilterPredicate} checks a row filter when it is set
 * and compiles it when a query reads its table, with one operator table. Calls {@code catalog} and
 * the parser ({@code sql.parser}, a leaf that does not call back), and Calcite for row filters.
 */
package dev.veil.policy;
