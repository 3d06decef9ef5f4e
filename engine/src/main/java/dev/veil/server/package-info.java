/**
 * The network face of Veil: an Avatica HTTP(S) server over {@code VeilMeta}, with
 * authentication against the catalog's users. Calls {@code session} and below.
 */
package dev.veil.server;
