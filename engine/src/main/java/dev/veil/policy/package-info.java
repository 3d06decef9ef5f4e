/**
 * Policies in two views. The stored view is what admins wrote ({@link dev.veil.policy.UnitPolicy},
 * {@link dev.veil.policy.ColumnPolicy}, ... grouped in {@link dev.veil.policy.TablePolicies}),
 * kept and checked by {@link dev.veil.policy.SqlitePolicyStore}. The resolved view is what applies
 * to one principal ({@link dev.veil.policy.TableAccess}), computed by
 * {@link dev.veil.policy.StoredPolicyResolver} and consumed by the privacy rewrite. Also the
 * policy file format ({@link dev.veil.policy.PolicyYaml}). Calls {@code catalog} only.
 */
package dev.veil.policy;
