package dev.kiln.nn.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kiln.api.Backends;
import dev.kiln.api.DType;
import dev.kiln.api.Shape;
import dev.kiln.api.Tensor;
import dev.kiln.api.spi.Backend;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Compatibility with files laid out as the reference safetensors writer lays them out:
 * {@code reference.safetensors} comes from {@code models/golden/generate_safetensors_fixture.py};
 * the expected values below are the literals of that script.
 */
class SafetensorsFixtureTest {
    private final Backend cpu = Backends.select("cpu");

    @TempDir
    Path dir;

    private static Path fixture() throws URISyntaxException {
        return Path.of(SafetensorsFixtureTest.class.getResource("reference.safetensors").toURI());
    }

    @Test
    void readsEveryTensorOfTheReferenceFile() throws URISyntaxException {
        Map<String, Tensor> t = Safetensors.load(fixture(), cpu);
        assertEquals(List.of("steps", "running_var", "bias", "empty", "scalar", "weight", "labels", "pixels", "mask"),
                List.copyOf(t.keySet()));
        assertArrayEquals(new float[] {1.5f, -2.25f, 0f, -0f, Float.POSITIVE_INFINITY, 3.0e-39f}, t.get("weight").toFloatArray());
        assertEquals(Shape.of(2, 3), t.get("weight").shape());
        assertArrayEquals(new float[] {0.1f, -0.2f, 1.0e30f}, t.get("bias").toFloatArray());
        assertEquals(42.0, t.get("scalar").item());
        assertEquals(Shape.scalar(), t.get("scalar").shape());
        assertEquals(Shape.of(0, 3), t.get("empty").shape());
        assertArrayEquals(new double[] {1.0 / 3.0, -1.0e-300, Math.pow(2, 60)}, t.get("running_var").toDoubleArray());
        assertArrayEquals(new int[] {-1, 0, Integer.MAX_VALUE, Integer.MIN_VALUE}, t.get("labels").toIntArray());
        assertArrayEquals(new long[] {1L << 40, -(1L << 62), 7}, t.get("steps").toLongArray());
        assertEquals(DType.U8, t.get("pixels").dtype());
        assertArrayEquals(new int[] {0, 1, 128, 255}, t.get("pixels").toIntArray());
        assertEquals(DType.BOOL, t.get("mask").dtype());
        assertArrayEquals(new int[] {1, 0, 0, 1, 1}, t.get("mask").toIntArray());
        assertEquals(Map.of("format", "pt", "written_by", "generate_safetensors_fixture.py"),
                Safetensors.readHeader(fixture()).metadata());
        t.values().forEach(Tensor::close);
    }

    @Test
    void writingTheSameTensorsGivesTheReferenceBytes() throws IOException, URISyntaxException {
        Map<String, Tensor> t = Safetensors.load(fixture(), cpu);
        Path copy = dir.resolve("copy.safetensors");
        Safetensors.save(copy, t, Safetensors.readHeader(fixture()).metadata());
        assertArrayEquals(Files.readAllBytes(fixture()), Files.readAllBytes(copy));
        t.values().forEach(Tensor::close);
    }
}
