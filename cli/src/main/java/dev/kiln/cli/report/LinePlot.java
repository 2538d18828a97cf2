package dev.kiln.cli.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;

/** A line chart drawn with java.awt (headless): axes with ticks and labels, a grid, a title and a legend. */
public final class LinePlot {
    /** One curve: its legend name, points, colour and whether it is dashed. */
    public record Series(String name, double[] x, double[] y, Color color, boolean dashed) {
    }

    /** Distinct colours for up to eight series (then they repeat). */
    public static final Color[] PALETTE = {new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c), new Color(0xff7f0e),
        new Color(0x9467bd), new Color(0x8c564b), new Color(0xe377c2), new Color(0x17becf)};

    private static final int WIDTH = 900;
    private static final int HEIGHT = 560;
    private static final int LEFT = 90;
    private static final int RIGHT = 30;
    private static final int TOP = 55;
    private static final int BOTTOM = 70;

    private final String title;
    private final String xLabel;
    private final String yLabel;
    private final List<Series> series = new ArrayList<>();

    public LinePlot(String title, String xLabel, String yLabel) {
        this.title = title;
        this.xLabel = xLabel;
        this.yLabel = yLabel;
    }

    public LinePlot add(Series s) {
        series.add(s);
        return this;
    }

    public BufferedImage render() {
        System.setProperty("java.awt.headless", "true");
        BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, WIDTH, HEIGHT);
            draw(g);
        } finally {
            g.dispose();
        }
        return image;
    }

    private void draw(Graphics2D g) {
        double xMin = Double.POSITIVE_INFINITY;
        double xMax = Double.NEGATIVE_INFINITY;
        double yMin = Double.POSITIVE_INFINITY;
        double yMax = Double.NEGATIVE_INFINITY;
        for (Series s : series) {
            for (int i = 0; i < s.x().length; i++) {
                if (Double.isFinite(s.y()[i])) {
                    xMin = Math.min(xMin, s.x()[i]);
                    xMax = Math.max(xMax, s.x()[i]);
                    yMin = Math.min(yMin, s.y()[i]);
                    yMax = Math.max(yMax, s.y()[i]);
                }
            }
        }
        if (xMin > xMax) {
            xMin = 0;
            xMax = 1;
            yMin = 0;
            yMax = 1;
        }
        Ticks xt = integerTicks(xMin, xMax);
        Ticks yt = Ticks.covering(yMin, yMax, 6);
        int plotW = WIDTH - LEFT - RIGHT;
        int plotH = HEIGHT - TOP - BOTTOM;
        Frame frame = new Frame(LEFT, TOP, plotW, plotH, xt.min(), xt.max(), yt.min(), yt.max());

        Font normal = new Font(Font.SANS_SERIF, Font.PLAIN, 13);
        g.setFont(normal);
        FontMetrics fm = g.getFontMetrics();
        for (double v : yt.values()) {
            int py = frame.py(v);
            g.setColor(new Color(0xe6e6e6));
            g.drawLine(LEFT, py, LEFT + plotW, py);
            g.setColor(Color.DARK_GRAY);
            g.drawLine(LEFT - 5, py, LEFT, py);
            String label = yt.label(v);
            g.drawString(label, LEFT - 8 - fm.stringWidth(label), py + fm.getAscent() / 2 - 1);
        }
        for (double v : xt.values()) {
            int px = frame.px(v);
            g.setColor(new Color(0xe6e6e6));
            g.drawLine(px, TOP, px, TOP + plotH);
            g.setColor(Color.DARK_GRAY);
            g.drawLine(px, TOP + plotH, px, TOP + plotH + 5);
            String label = xt.label(v);
            g.drawString(label, px - fm.stringWidth(label) / 2, TOP + plotH + 8 + fm.getAscent());
        }
        g.setColor(Color.BLACK);
        g.setStroke(new BasicStroke(1.2f));
        g.drawRect(LEFT, TOP, plotW, plotH);

        g.drawString(xLabel, LEFT + plotW / 2 - fm.stringWidth(xLabel) / 2, HEIGHT - 22);
        Graphics2D rotated = (Graphics2D) g.create();
        rotated.rotate(-Math.PI / 2);
        rotated.drawString(yLabel, -(TOP + plotH / 2) - fm.stringWidth(yLabel) / 2, 24);
        rotated.dispose();
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 17));
        g.drawString(title, LEFT + plotW / 2 - g.getFontMetrics().stringWidth(title) / 2, 32);
        g.setFont(normal);

        for (Series s : series) {
            drawSeries(g, frame, s);
        }
        drawLegend(g, fm, plotW);
    }

    /** Epoch axes: integer steps, at least one unit wide. */
    private static Ticks integerTicks(double lo, double hi) {
        if (hi - lo < 1) {
            return new Ticks(Math.floor(lo), Math.floor(lo) + 1, 1);
        }
        Ticks t = Ticks.covering(lo, hi, 10);
        double step = Math.max(1, Math.round(t.step()));
        return new Ticks(Math.floor(lo / step) * step, Math.ceil(hi / step) * step, step);
    }

    private static void drawSeries(Graphics2D g, Frame f, Series s) {
        g.setColor(s.color());
        g.setStroke(s.dashed() ? new BasicStroke(2.2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 1, new float[] {9, 6}, 0)
                : new BasicStroke(2.2f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
        Path2D.Double path = new Path2D.Double();
        boolean started = false;
        for (int i = 0; i < s.x().length; i++) {
            if (!Double.isFinite(s.y()[i])) {
                continue;
            }
            double px = f.px(s.x()[i]);
            double py = f.py(s.y()[i]);
            if (started) {
                path.lineTo(px, py);
            } else {
                path.moveTo(px, py);
                started = true;
            }
        }
        g.draw(path);
        g.setStroke(new BasicStroke(1));
        for (int i = 0; i < s.x().length; i++) {
            if (Double.isFinite(s.y()[i])) {
                g.fillOval(f.px(s.x()[i]) - 3, f.py(s.y()[i]) - 3, 7, 7);
            }
        }
    }

    private void drawLegend(Graphics2D g, FontMetrics fm, int plotW) {
        int widest = series.stream().mapToInt(s -> fm.stringWidth(s.name())).max().orElse(0);
        int boxW = widest + 60;
        int rowH = fm.getHeight() + 4;
        int boxH = series.size() * rowH + 10;
        int x0 = LEFT + plotW - boxW - 10;
        int y0 = TOP + 10;
        g.setColor(new Color(255, 255, 255, 230));
        g.fillRect(x0, y0, boxW, boxH);
        g.setColor(Color.GRAY);
        g.drawRect(x0, y0, boxW, boxH);
        for (int i = 0; i < series.size(); i++) {
            Series s = series.get(i);
            int cy = y0 + 5 + i * rowH + rowH / 2;
            g.setColor(s.color());
            g.setStroke(s.dashed() ? new BasicStroke(2.2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 1, new float[] {6, 4}, 0)
                    : new BasicStroke(2.2f));
            g.drawLine(x0 + 8, cy, x0 + 42, cy);
            g.setStroke(new BasicStroke(1));
            g.setColor(Color.BLACK);
            g.drawString(s.name(), x0 + 50, cy + fm.getAscent() / 2 - 1);
        }
    }

    /** Maps data coordinates to pixels. */
    private record Frame(int left, int top, int width, int height, double x0, double x1, double y0, double y1) {
        int px(double x) {
            return (int) Math.round(left + (x - x0) / (x1 - x0) * width);
        }

        int py(double y) {
            return (int) Math.round(top + height - (y - y0) / (y1 - y0) * height);
        }
    }
}
