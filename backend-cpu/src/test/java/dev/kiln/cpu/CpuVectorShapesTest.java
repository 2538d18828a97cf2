package dev.kiln.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;
import org.junit.jupiter.api.Test;

/**
 * Every float, double, int and long species a CPU kernel keeps is of the preferred shape. The
 * Vector API's loads, stores and lane-wise methods are shared by every caller, and so are their
 * type profiles: one kernel using a second shape of an element type (CpuRunSumF32's half-width
 * floats did) lets C2 see two vector classes there, and it may then box the vectors of every other
 * kernel on each loop iteration. Byte species, one byte per lane of a wider vector, are narrower by design.
 */
class CpuVectorShapesTest {
    @Test
    void keptSpeciesOfWideLanesHaveThePreferredShape() throws Exception {
        Path classes = Path.of(CpuBackend.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<String> checked = new ArrayList<>();
        List<String> otherShapes = new ArrayList<>();
        try (Stream<Path> files = Files.list(classes.resolve("dev/kiln/cpu"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".class")).sorted().toList()) {
                String name = file.getFileName().toString();
                Class<?> type = Class.forName("dev.kiln.cpu." + name.substring(0, name.length() - ".class".length()));
                for (Field field : type.getDeclaredFields()) {
                    if (!Modifier.isStatic(field.getModifiers()) || !VectorSpecies.class.isAssignableFrom(field.getType())) {
                        continue;
                    }
                    field.setAccessible(true);
                    VectorSpecies<?> species = (VectorSpecies<?>) field.get(null);
                    if (species == null || species.elementType() == byte.class) {
                        continue;
                    }
                    String where = type.getSimpleName() + "." + field.getName() + " = " + species;
                    checked.add(where);
                    if (species.vectorShape() != VectorShape.preferredShape()) {
                        otherShapes.add(where);
                    }
                }
            }
        }
        assertTrue(checked.size() >= 10, "the scan of " + classes + " found only " + checked);
        assertEquals(List.of(), otherShapes, "species not of the preferred shape " + VectorShape.preferredShape());
    }
}
