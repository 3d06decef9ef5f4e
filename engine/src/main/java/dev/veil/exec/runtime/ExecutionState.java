package dev.veil.exec.runtime;

/**
 * State that operators of one kind share across one statement execution, kept by its
 * {@link ExecutionContext} under its class: the key sets of the dynamic join filters, the rows
 * the differentially private aggregates released. The context holds it without knowing its
 * kind, so the packages that define such state use the runtime, never the other way round.
 */
public interface ExecutionState {}
