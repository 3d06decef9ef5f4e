package dev.veil.sql.ast;

/** How often a privacy budget refills: {@code WINDOW DAILY}, ..., or {@code NEVER}. */
public enum BudgetWindow {
    DAILY,
    WEEKLY,
    MONTHLY,
    NEVER
}
