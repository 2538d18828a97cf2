package dev.kiln.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.api.Scope;
import dev.kiln.api.Tensor;
import dev.kiln.api.Tensors;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A backend that fails to open over a device it just made (an unknown {@code kiln.opencl.conv}) says
 * what is wrong and releases that device; with the setting mended the same provider opens one.
 */
class OpenClOpenFailureTest {
    private static final String CHOICE_PROPERTY = "kiln.opencl.conv";

    @Test
    void anUnknownConvChoiceNamesItAndReleasesTheDevice() {
        int index = OpenClTestBackend.get().device().index();
        List<OpenClDevice> made = new ArrayList<>();
        OpenClBackendProvider provider = new OpenClBackendProvider(properties -> {
            OpenClDevice device = new OpenClDevice(properties, OpenClProgramCache.defaultFolder());
            made.add(device);
            return device;
        });
        String before = System.getProperty(CHOICE_PROPERTY);
        IllegalArgumentException e;
        System.setProperty(CHOICE_PROPERTY, "sideways");
        try {
            e = assertThrows(IllegalArgumentException.class, () -> provider.open(index));
        } finally {
            restore(before);
        }
        String message = e.getMessage();
        for (String part : List.of(CHOICE_PROPERTY, "'sideways'", "expected", "auto", "tiled", "direct")) {
            assertTrue(message.contains(part), "the message lacks " + part + ": " + message);
        }
        assertEquals(1, made.size());
        OpenClDevice failed = made.get(0);
        assertTrue(failed.isClosed(), "the device made for the failed backend was left open");
        assertEquals(new OpenClObjects.Live(0, 0), failed.objects().live());

        OpenClBackend opened = (OpenClBackend) provider.open(index);
        try (Scope ignored = Scope.open()) {
            Tensor t = Tensors.on(opened).of(new float[] {1, 2}, 2);
            assertEquals(6f, t.add(t).sum().item(), 0f);
        } finally {
            opened.close();
        }
        assertEquals(2, made.size());
        assertTrue(made.get(1).isClosed());
    }

    private static void restore(String before) {
        if (before == null) {
            System.clearProperty(CHOICE_PROPERTY);
        } else {
            System.setProperty(CHOICE_PROPERTY, before);
        }
    }
}
