package dev.veil.sql.ast;

/** The class a column policy puts a column in: {@code SET POLICY PUBLIC}, {@code HIDDEN}, ... */
public enum ColumnPolicyClass {
    PUBLIC("PUBLIC"),
    HIDDEN("HIDDEN"),
    JOIN_ONLY("JOIN ONLY"),
    AGGREGATE_ONLY("AGGREGATE ONLY"),
    MASKED("MASKED");

    private final String sql;

    ColumnPolicyClass(String sql) {
        this.sql = sql;
    }

    /** The keywords that name the class in SQL, e.g. {@code JOIN ONLY}. */
    public String sql() {
        return sql;
    }
}
