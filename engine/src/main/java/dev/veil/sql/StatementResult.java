package dev.veil.sql;

/** What a statement returns: a row count and message, or rows. */
public sealed interface StatementResult permits UpdateCount, RowsResult {}
