package dev.kiln.opencl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.api.DType;
import dev.kiln.api.Layout;
import dev.kiln.api.Shape;
import dev.kiln.api.spi.BufferView;
import dev.kiln.api.spi.DeviceBuffer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Fixed work-group shapes: whole groups that cover the work, and kernels that stay inside it. */
class WorkGroupsTest {
    @Test
    void linearLaunchesUseOneGroupSizeForEveryLength() {
        Set<Long> locals = new HashSet<>();
        for (int n : new int[]{1, 2, 63, 64, 65, 1000, 4097, 1 << 20}) {
            WorkGroups.Range r = WorkGroups.linear(n, 4096);
            long global = r.global()[0];
            long local = r.local()[0];
            assertTrue(global >= n && global < n + local, n + " -> " + global);
            assertEquals(0, global % local, n + ": whole groups");
            locals.add(local);
        }
        assertEquals(Set.of(64L), locals);
    }

    @Test
    void cpuDevicesTakeOneLargerGroupForLongLaunchesOnly() {
        Set<Long> locals = new HashSet<>();
        for (int n : new int[]{1, 63, 1000, 16383, 16384, 16385, 800_000, 1 << 20}) {
            WorkGroups.Range r = WorkGroups.linear(n, 4096, true);
            long global = r.global()[0];
            long local = r.local()[0];
            assertTrue(global >= n && global < n + local, n + " -> " + global);
            assertEquals(0, global % local, n + ": whole groups");
            assertEquals(n >= 16384 ? 1024 : 64, local, n + " work-items");
            locals.add(local);
        }
        assertEquals(Set.of(64L, 1024L), locals);
        assertArrayEquals(new long[]{256}, WorkGroups.linear(1 << 20, 256, true).local());
    }

    @Test
    void groupsShrinkToTheDeviceLimit() {
        assertArrayEquals(new long[]{32}, WorkGroups.linear(5, 48).local());
        assertArrayEquals(new long[]{32}, WorkGroups.linear(5, 48).global());
        assertArrayEquals(new long[]{16, 2}, WorkGroups.grid(3, 3, 32).local());
        assertArrayEquals(new long[]{16, 4}, WorkGroups.grid(3, 3, 32).global());
        assertArrayEquals(new long[]{1, 1}, WorkGroups.grid(3, 3, 1).local());
    }

    @Test
    void lengthsNearTheIntLimitFallBackToGroupsOfOneRatherThanWrapTheIndex() {
        int n = Integer.MAX_VALUE - 3;
        WorkGroups.Range r = WorkGroups.linear(n, 1024);
        assertArrayEquals(new long[]{n}, r.global());
        assertArrayEquals(new long[]{1}, r.local());
    }

    @Test
    void roundedUpLaunchesWriteOnlyTheirOwnElements() {
        OpenClBackend cl = OpenClTestBackend.get();
        int capacity = 17_000;
        for (int n : new int[]{1, 63, 64, 65, 130, 16_385}) {
            DeviceBuffer buffer = cl.allocate(DType.F32, capacity);
            try {
                cl.fill(new BufferView(buffer, Layout.contiguous(Shape.of(capacity))), -1);
                int offset = 3;
                cl.fill(new BufferView(buffer, new Layout(Shape.of(n), new int[]{1}, offset)), 7);
                ByteBuffer bytes = ByteBuffer.allocate(capacity * 4).order(ByteOrder.nativeOrder());
                cl.download(buffer, 0, bytes);
                for (int i = 0; i < capacity; i++) {
                    float expected = i >= offset && i < offset + n ? 7 : -1;
                    assertEquals(expected, bytes.getFloat(i * 4), "n = " + n + ", element " + i);
                }
            } finally {
                buffer.release();
            }
        }
    }
}
