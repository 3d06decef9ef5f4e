/**
 * The network face of Veil: an Avatica HTTP(S) server over {@code VeilMeta}, with
 * authentication against the catalog's users, and a watch that cancels the statements of clients
 * that go away while their request runs. Calls {@code session} and below.
 */
package dev.veil.server;
