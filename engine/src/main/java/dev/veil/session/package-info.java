/**
 * A session is one principal (user and roles) with its settings; it runs one statement
 * end to end: parse, validate against the session's view of the catalog, plan, rewrite,
 * execute. Home of the JDBC {@code Meta} that serves both the embedded driver and the server,
 * with the metadata each user may see (REMARKS from {@code policy.PolicyRemarks}); what
 * Avatica's remote protocol lacks (keys, functions, the session's schema) the thin driver asks as
 * requests carried in getTables' type list ({@code VeilMeta.WIRE_REQUEST}).
 * Calls {@code sql} and the layers below it (for types, {@code schema}; for statement controls,
 * {@code control}); never {@code server} or {@code cli}.
 * A statement is admitted under its user's cap and runs its operators in a CPU slot
 * ({@code control.CpuScheduler}); one server request keeps the slot it took until it answers.
 */
package dev.veil.session;
