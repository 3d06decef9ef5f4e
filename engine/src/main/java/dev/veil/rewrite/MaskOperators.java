package dev.veil.rewrite;

import org.apache.calcite.schema.Function;
import org.apache.calcite.schema.impl.ScalarFunctionImpl;
import org.apache.calcite.sql.SqlFunction;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.sql.type.InferTypes;
import org.apache.calcite.sql.type.ReturnTypes;
import org.apache.calcite.sql.validate.SqlUserDefinedFunction;

/**
 * The operators that call {@link MaskFunctions} from a plan. They exist only in plans the privacy
 * rewrite builds (with explicit result types); no operator table lists them, so user SQL cannot
 * call them.
 */
final class MaskOperators {
    static final SqlFunction HASH = operator("VEIL_HASH", "hash");
    static final SqlFunction SHOW_LAST = operator("VEIL_SHOW_LAST", "showLast");
    static final SqlFunction TRUNCATE_TEXT = operator("VEIL_TRUNCATE_TEXT", "truncateText");
    static final SqlFunction TRUNCATE_DECIMAL = operator("VEIL_TRUNCATE_DECIMAL", "truncateDecimal");
    static final SqlFunction TRUNCATE_DOUBLE = operator("VEIL_TRUNCATE_DOUBLE", "truncateDouble");
    static final SqlFunction BUCKET_DECIMAL = operator("VEIL_BUCKET_DECIMAL", "bucketDecimal");
    static final SqlFunction BUCKET_DOUBLE = operator("VEIL_BUCKET_DOUBLE", "bucketDouble");
    static final SqlFunction YEAR_OF_DATE = operator("VEIL_YEAR", "yearOfDate");
    static final SqlFunction MONTH_OF_DATE = operator("VEIL_MONTH", "monthOfDate");
    static final SqlFunction YEAR_OF_TIMESTAMP = operator("VEIL_YEAR", "yearOfTimestamp");
    static final SqlFunction MONTH_OF_TIMESTAMP = operator("VEIL_MONTH", "monthOfTimestamp");
    static final SqlFunction CLAMP_DOUBLE = operator("VEIL_CLAMP", "clampDouble");

    private MaskOperators() {}

    private static SqlFunction operator(String name, String method) {
        Function function = ScalarFunctionImpl.create(MaskFunctions.class, method);
        if (function == null) {
            throw new IllegalStateException("MaskFunctions." + method + " is missing");
        }
        // The return type is always given explicitly when a call is built, so the inference here is a placeholder.
        return new SqlUserDefinedFunction(
                new SqlIdentifier(name, SqlParserPos.ZERO),
                SqlKind.OTHER_FUNCTION,
                ReturnTypes.ARG0_NULLABLE,
                InferTypes.RETURN_TYPE,
                null,
                function);
    }
}
