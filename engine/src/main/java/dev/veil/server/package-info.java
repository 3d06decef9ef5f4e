/**
 * The network face of Veil: an Avatica HTTP(S) server over {@code VeilMeta}, with
 * authentication against the catalog's users, login throttling ({@code LoginThrottle}) and
 * audit entries for failed logins and unexpected failures ({@code ServerAudit}), and a watch
 * that cancels the statements of clients that go away while their request runs; every failure
 * reaches the client as an Avatica error response ({@code WireErrors}). Calls {@code session}
 * and below.
 */
package dev.veil.server;
