package dev.kiln.cli.report;

import dev.kiln.nn.metrics.ConfusionMatrix;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.Locale;

/**
 * A confusion matrix as a heat map: rows are actual classes, columns predicted ones, each cell
 * shaded by its share of the row and labelled with its count.
 */
public final class ConfusionPlot {
    private static final int LEFT = 110;
    private static final int TOP = 80;
    private static final int RIGHT = 110;
    private static final int BOTTOM = 80;

    private ConfusionPlot() {
    }

    public static BufferedImage render(ConfusionMatrix m, String title) {
        System.setProperty("java.awt.headless", "true");
        int k = m.classes();
        int cell = Math.max(28, Math.min(60, 600 / k));
        int size = cell * k;
        BufferedImage image = new BufferedImage(LEFT + size + RIGHT, TOP + size + BOTTOM, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, image.getWidth(), image.getHeight());
            drawCells(g, m, cell);
            drawAxes(g, k, cell, title + String.format(Locale.ROOT, "  (accuracy %.2f%%, n = %d)", 100 * m.accuracy(), m.total()));
            drawScale(g, size);
        } finally {
            g.dispose();
        }
        return image;
    }

    private static void drawCells(Graphics2D g, ConfusionMatrix m, int cell) {
        int k = m.classes();
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, Math.max(10, cell / 4)));
        FontMetrics fm = g.getFontMetrics();
        for (int a = 0; a < k; a++) {
            long rowTotal = 0;
            for (int p = 0; p < k; p++) {
                rowTotal += m.count(a, p);
            }
            for (int p = 0; p < k; p++) {
                long c = m.count(a, p);
                double share = rowTotal == 0 ? 0 : (double) c / rowTotal;
                int x = LEFT + p * cell;
                int y = TOP + a * cell;
                g.setColor(shade(share));
                g.fillRect(x, y, cell, cell);
                g.setColor(share > 0.5 ? Color.WHITE : Color.BLACK);
                String label = Long.toString(c);
                g.drawString(label, x + (cell - fm.stringWidth(label)) / 2, y + (cell + fm.getAscent()) / 2 - 2);
            }
        }
        g.setColor(Color.GRAY);
        g.setStroke(new BasicStroke(1));
        g.drawRect(LEFT, TOP, k * cell, k * cell);
    }

    private static void drawAxes(Graphics2D g, int k, int cell, String title) {
        int size = k * cell;
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        FontMetrics fm = g.getFontMetrics();
        for (int i = 0; i < k; i++) {
            String label = Integer.toString(i);
            int cx = LEFT + i * cell + cell / 2;
            g.drawLine(cx, TOP + size, cx, TOP + size + 4);
            g.drawString(label, cx - fm.stringWidth(label) / 2, TOP + size + 6 + fm.getAscent());
            int cy = TOP + i * cell + cell / 2;
            g.drawLine(LEFT - 4, cy, LEFT, cy);
            g.drawString(label, LEFT - 8 - fm.stringWidth(label), cy + fm.getAscent() / 2 - 1);
        }
        String xLabel = "predicted class";
        g.drawString(xLabel, LEFT + size / 2 - fm.stringWidth(xLabel) / 2, TOP + size + 45);
        Graphics2D rotated = (Graphics2D) g.create();
        rotated.rotate(-Math.PI / 2);
        String yLabel = "actual class";
        rotated.drawString(yLabel, -(TOP + size / 2) - fm.stringWidth(yLabel) / 2, LEFT - 40);
        rotated.dispose();
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
        FontMetrics tf = g.getFontMetrics();
        int width = LEFT + size + RIGHT;
        g.drawString(title, Math.max(5, width / 2 - tf.stringWidth(title) / 2), 40);
    }

    /** A vertical colour bar: the share of the actual class's examples. */
    private static void drawScale(Graphics2D g, int size) {
        int x = LEFT + size + 30;
        int w = 18;
        for (int i = 0; i < size; i++) {
            g.setColor(shade(1 - (double) i / size));
            g.fillRect(x, TOP + i, w, 1);
        }
        g.setColor(Color.GRAY);
        g.drawRect(x, TOP, w, size);
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        FontMetrics fm = g.getFontMetrics();
        for (int pct = 0; pct <= 100; pct += 25) {
            int y = TOP + size - pct * size / 100;
            g.drawLine(x + w, y, x + w + 4, y);
            g.drawString(pct + "%", x + w + 7, y + fm.getAscent() / 2 - 1);
        }
    }

    /** White (0) to dark blue (1). */
    private static Color shade(double share) {
        double t = Math.sqrt(Math.max(0, Math.min(1, share)));
        return new Color((int) (247 - t * (247 - 8)), (int) (251 - t * (251 - 48)), (int) (255 - t * (255 - 107)));
    }
}
