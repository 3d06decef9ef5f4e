/**
 * The controls of running statements, apart from how they execute: a statement's cancel flag,
 * time limit, stop reason and the privacy cost charged for it ({@link dev.veil.control.StatementControl}),
 * the statements running on a warehouse ({@link dev.veil.control.RunningStatements}, what
 * {@code veil.running_statements} lists and {@code CANCEL STATEMENT} stops), and memory: the
 * process's {@link dev.veil.control.MemoryPool}, each statement's account and limit
 * ({@link dev.veil.control.StatementMemory}) and the size syntax of limits
 * ({@link dev.veil.control.MemorySize}); and the scheduling of statements on the server's processors
 * ({@link dev.veil.control.CpuScheduler}: run slots, a multilevel feedback queue fair per user,
 * yielded at the statements' cancel checks, an overdue holder's slot taken by a waiting statement
 * that comes first) and the admission of a user's statements
 * ({@link dev.veil.control.StatementAdmission}: a cap on the statements one user runs at once).
 * The operators of {@code exec} obey these controls; the
 * sessions, statements and the server set them. Calls {@code storage} (a warehouse names the set
 * of running statements) and Calcite's {@code DataContext}.
 */
package dev.veil.control;
