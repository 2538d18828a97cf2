package dev.kiln.nn.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;
import java.util.List;
import org.junit.jupiter.api.Test;

class CsvTableTest {
    @Test
    void readsTheBundledSunspots() {
        CsvTable t = CsvTable.readResource("/dev/kiln/datasets/sunspots/sunspots-yearly.csv");
        assertEquals(List.of("YEAR", "SUNACTIVITY"), t.columns());
        assertArrayEquals(new double[] {1700, 5}, t.row(0));
        assertArrayEquals(new double[] {1701, 11}, t.row(1));
        assertTrue(t.rowCount() > 300, "rows: " + t.rowCount());
    }

    @Test
    void quotedFieldsAndDatasets() throws Exception {
        CsvTable t = CsvTable.read(new StringReader("\"a\",b,label\n1,\"2.5\",0\n\n3,4,2\n"), "inline");
        assertEquals(List.of("a", "b", "label"), t.columns());
        ArrayDataset d = t.toDataset(List.of("a", "b"), "label", true);
        float[] f = new float[2];
        d.readFeatures(1, f, 0);
        assertArrayEquals(new float[] {3, 4}, f, 0f);
        assertEquals(2, d.label(1));
        ArrayDataset r = t.toDataset(List.of("a"), "b", false);
        float[] y = new float[1];
        r.readTarget(0, y, 0);
        assertEquals(2.5f, y[0]);
    }

    @Test
    void errorsNameLineAndColumn() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CsvTable.read(new StringReader("x,y\n1,2\n3,abc\n"), "bad.csv"));
        assertTrue(e.getMessage().contains("line 3") && e.getMessage().contains("'y'") && e.getMessage().contains("abc"), e.getMessage());
        IllegalArgumentException w = assertThrows(IllegalArgumentException.class,
                () -> CsvTable.read(new StringReader("x,y\n1\n"), "short.csv"));
        assertTrue(w.getMessage().contains("1 fields"), w.getMessage());
    }
}
