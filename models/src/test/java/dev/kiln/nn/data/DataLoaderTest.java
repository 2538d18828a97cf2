package dev.kiln.nn.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.api.DType;
import dev.kiln.api.spi.Backend;
import dev.kiln.nn.data.augment.GaussianNoise;
import dev.kiln.nn.testing.CpuBackend;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class DataLoaderTest {
    private final Backend cpu = CpuBackend.get();

    /** Example i has features {i, 10 i} and label i % 3. */
    private static ArrayDataset numbered(int n) {
        float[] x = new float[2 * n];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            x[2 * i] = i;
            x[2 * i + 1] = 10 * i;
            y[i] = i % 3;
        }
        return ArrayDataset.classification(x, new int[] {2}, y);
    }

    private List<Batch> all(DataLoader loader, int epoch) {
        List<Batch> out = new ArrayList<>();
        for (Batch b : loader.epoch(epoch, cpu)) {
            out.add(b);
        }
        return out;
    }

    @Test
    void shuffledEpochsCoverEveryExampleOnceInASeededOrder() {
        DataLoader loader = DataLoader.builder(numbered(10)).batchSize(4).shuffle(42).build();
        List<Batch> batches = all(loader, 0);
        assertEquals(List.of(4, 4, 2), batches.stream().map(Batch::size).toList());
        List<Integer> seen = new ArrayList<>();
        for (Batch b : batches) {
            float[] x = b.features().toFloatArray();
            long[] y = b.targets().toLongArray();
            assertEquals(DType.I64, b.targets().dtype());
            for (int i = 0; i < b.size(); i++) {
                int index = (int) x[2 * i];
                assertEquals(10f * index, x[2 * i + 1], "features stay together");
                assertEquals(index % 3, y[i], "labels follow their example");
                seen.add(index);
            }
        }
        assertEquals(List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9), seen.stream().sorted().toList());
        assertArrayEquals(loader.order(0), DataLoader.builder(numbered(10)).batchSize(4).shuffle(42).build().order(0),
                "the same seed gives the same order");
        assertFalse(Arrays.equals(loader.order(0), loader.order(1)), "each epoch has its own order");
        assertFalse(Arrays.equals(loader.order(0), new int[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}), "shuffled");
    }

    @Test
    void dropLastDropsThePartialBatch() {
        DataLoader loader = DataLoader.builder(numbered(10)).batchSize(4).dropLast(true).build();
        assertEquals(2, loader.batchCount());
        assertEquals(List.of(4, 4), all(loader, 0).stream().map(Batch::size).toList());
        float[] first = all(loader, 0).get(0).features().toFloatArray();
        assertArrayEquals(new float[] {0, 0, 1, 10, 2, 20, 3, 30}, first, 0f, "without shuffle the order is the dataset's");
    }

    @Test
    void augmentationDependsOnlyOnSeedExampleAndEpoch() {
        DataLoader a = DataLoader.builder(numbered(6)).batchSize(3).shuffle(1).augment(new GaussianNoise(0.5), 7).build();
        DataLoader b = DataLoader.builder(numbered(6)).batchSize(2).shuffle(2).prefetch(1).augment(new GaussianNoise(0.5), 7).build();
        float[][] byExampleA = byExample(a, 3);
        float[][] byExampleB = byExample(b, 3);
        for (int i = 0; i < 6; i++) {
            assertArrayEquals(byExampleA[i], byExampleB[i], 0f, "example " + i + " gets the same noise whatever the batching");
            assertTrue(byExampleA[i][0] != i, "noise was added");
        }
        assertFalse(Arrays.equals(byExample(a, 3)[0], byExample(a, 4)[0]), "another epoch draws other noise");
    }

    /** Features of each example (found by its label-free index: round(x1 / 10)) in epoch {@code epoch}. */
    private float[][] byExample(DataLoader loader, int epoch) {
        float[][] out = new float[6][];
        int[] order = loader.order(epoch);
        int k = 0;
        for (Batch batch : loader.epoch(epoch, cpu)) {
            float[] x = batch.features().toFloatArray();
            for (int i = 0; i < batch.size(); i++) {
                out[order[k++]] = new float[] {x[2 * i], x[2 * i + 1]};
            }
        }
        return out;
    }

    @Test
    void errorsInTheBackgroundThreadReachTheConsumer() {
        Dataset broken = numbered(4);
        Dataset failing = new Dataset() {
            public int size() { return 4; }
            public int[] featureShape() { return new int[] {2}; }
            public void readFeatures(int index, float[] dst, int offset) {
                if (index == 2) {
                    throw new IllegalStateException("example 2 is corrupt");
                }
                broken.readFeatures(index, dst, offset);
            }
            public boolean classTargets() { return true; }
            public long label(int index) { return 0; }
            public int[] targetShape() { return new int[0]; }
            public void readTarget(int index, float[] dst, int offset) { }
        };
        DataLoader loader = DataLoader.builder(failing).batchSize(2).build();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> all(loader, 0));
        assertEquals("example 2 is corrupt", e.getMessage());
    }

    @Test
    void splitIsSeededDisjointAndComplete() {
        ArrayDataset d = numbered(20);
        Split s = Split.random(d, 5, 3);
        assertEquals(15, s.train().size());
        assertEquals(5, s.validation().size());
        List<Integer> all = new ArrayList<>();
        float[] f = new float[2];
        for (Dataset part : List.of(s.train(), s.validation())) {
            for (int i = 0; i < part.size(); i++) {
                part.readFeatures(i, f, 0);
                all.add((int) f[0]);
            }
        }
        assertEquals(20, all.stream().distinct().count());
        Split again = Split.random(d, 5, 3);
        again.validation().readFeatures(0, f, 0);
        float firstA = f[0];
        s.validation().readFeatures(0, f, 0);
        assertEquals(f[0], firstA, "the same seed gives the same split");
    }

    @Test
    void valueTargetsBatchAsFloats() {
        ArrayDataset d = ArrayDataset.regression(new float[] {1, 2, 3}, new int[] {1}, new float[] {10, 20, 30}, new int[] {1});
        Batch b = all(DataLoader.builder(d).batchSize(3).build(), 0).get(0);
        assertArrayEquals(new int[] {3, 1}, b.targets().shape().toArray());
        assertArrayEquals(new float[] {10, 20, 30}, b.targets().toFloatArray(), 0f);
    }
}
