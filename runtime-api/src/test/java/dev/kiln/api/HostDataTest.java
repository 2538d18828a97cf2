package dev.kiln.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.api.errors.KilnException;
import org.junit.jupiter.api.Test;

class HostDataTest {
    @Test
    void aBufferHoldsEveryElementOrIsRefused() {
        assertEquals(24, HostData.allocate(DType.F64, 3).capacity());
        // (2^29 + 1) * 8 bytes wraps to 8 in int arithmetic
        KilnException e = assertThrows(KilnException.class, () -> HostData.allocate(DType.F64, (1 << 29) + 1));
        assertTrue(e.getMessage().contains("4294967304 bytes"), e.getMessage());
    }
}
