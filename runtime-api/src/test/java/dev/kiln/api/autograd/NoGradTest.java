package dev.kiln.api.autograd;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class NoGradTest {
    @Test
    void nestedScopesRestoreRecordingAndASecondCloseChangesNothing() {
        Autograd.NoGrad outer = Autograd.noGrad();
        Autograd.NoGrad inner = Autograd.noGrad();
        inner.close();
        inner.close();
        assertFalse(Autograd.isEnabled(), "the outer no-grad scope is still open");
        outer.close();
        assertTrue(Autograd.isEnabled());
        outer.close();
        assertTrue(Autograd.isEnabled(), "closing twice must not switch recording off for good");
    }
}
