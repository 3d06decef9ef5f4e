package dev.veil.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veil.ErrorCode;
import dev.veil.VeilException;
import org.junit.jupiter.api.Test;

class SqlErrorsTest {
    @Test
    void plannerFaultIsAnInternalErrorWithoutJavaText() {
        VeilException error = SqlErrors.translate(
                new ClassCastException("class java.math.BigDecimal cannot be cast to class java.lang.Double"), null);
        assertEquals(ErrorCode.INTERNAL_ERROR, error.errorCode());
        assertFalse(error.getMessage().contains("java."), error.getMessage());
        assertFalse(error.getMessage().contains("Exception"), error.getMessage());
    }

    @Test
    void otherRuntimeErrorStaysAnInvalidStatementWithItsMessage() {
        VeilException error = SqlErrors.translate(new IllegalArgumentException("bad argument to FOO"), null);
        assertEquals(ErrorCode.INVALID_STATEMENT, error.errorCode());
        assertTrue(error.getMessage().contains("bad argument to FOO"), error.getMessage());
    }

    @Test
    void veilErrorPassesThrough() {
        VeilException original = new VeilException(ErrorCode.UNKNOWN_TABLE, "Table 't' not found");
        assertEquals(original, SqlErrors.translate(original, null));
    }
}
