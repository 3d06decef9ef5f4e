package dev.veil.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.veil.ErrorCode;
import dev.veil.VeilException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The {@code Veil-Close} header's statement ids: a short list of integers, or INVALID_ARGUMENT. */
class CloseHeaderTest {
    @Test
    void readsIdsAndRefusesAnythingElse() {
        assertEquals(List.of(), VeilHttpHandler.closes(null));
        assertEquals(List.of(), VeilHttpHandler.closes(""));
        assertEquals(List.of(3, 17, -2), VeilHttpHandler.closes("3, 17,-2"));
        for (String bad : new String[] {"x", "1,,2", "1;2", "99999999999", ","}) {
            VeilException e = assertThrows(VeilException.class, () -> VeilHttpHandler.closes(bad), bad);
            assertEquals(ErrorCode.INVALID_ARGUMENT, e.errorCode());
        }
        StringBuilder many = new StringBuilder("1");
        for (int i = 0; i < VeilHttpHandler.MAX_CLOSES; i++) {
            many.append(",1");
        }
        assertEquals(
                ErrorCode.INVALID_ARGUMENT,
                assertThrows(VeilException.class, () -> VeilHttpHandler.closes(many.toString()))
                        .errorCode());
    }
}
