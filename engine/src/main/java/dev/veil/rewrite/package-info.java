/**
 * Privacy rewrite: turns a validated logical plan ({@code RelNode}) into one whose output obeys
 * the policies, and computes its privacy cost. Works on logical plans only and knows nothing of
 * execution. Its rewrites are mandatory semantics, never optional optimizer rules.
 */
package dev.veil.rewrite;
