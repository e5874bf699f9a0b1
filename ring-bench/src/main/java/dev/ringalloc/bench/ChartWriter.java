package dev.ringalloc.bench;

import javax.imageio.ImageIO;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Draws the comparison as a PNG with Java2D, headless: one panel per table, bars grouped by size, one
 * bar per series (the floor of benchmark 6 and the hand-off's bound left to the tables), bar height = throughput relative to the
 * table's baseline (so sizes whose absolute rates differ a hundredfold share one axis). A dashed line marks the baseline (1×); each bar carries its
 * ratio.
 */
public final class ChartWriter {
    private static final int WIDTH = 1200;
    private static final int PANEL_HEIGHT = 300;
    private static final int HEADER_HEIGHT = 50;
    private static final Color[] PALETTE = {
        new Color(0xD6, 0x27, 0x28), // ring: red, first
        new Color(0x1F, 0x77, 0xB4),
        new Color(0x2C, 0xA0, 0x2C),
        new Color(0xFF, 0x7F, 0x0E),
        new Color(0x94, 0x67, 0xBD),
        new Color(0x7F, 0x7F, 0x7F),
        new Color(0x8C, 0x56, 0x4B),
    };

    private ChartWriter() {
    }

    /** Writes the chart of {@code report} to {@code file}, titled {@code title}. */
    public static void write(Report report, String title, Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        try (OutputStream out = Files.newOutputStream(file)) {
            write(report, title, out);
        }
    }

    /** Writes the chart of {@code report} as PNG to {@code out}. */
    public static void write(Report report, String title, OutputStream out) throws IOException {
        System.setProperty("java.awt.headless", "true");
        List<TableSpec> tables = report.measuredTables();
        int height = HEADER_HEIGHT + Math.max(1, tables.size()) * PANEL_HEIGHT;
        BufferedImage image = new BufferedImage(WIDTH, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, WIDTH, height);
            g.setColor(Color.BLACK);
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 18));
            g.drawString(title, 20, 30);
            if (tables.isEmpty()) {
                g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 14));
                g.drawString("no measurements", 20, HEADER_HEIGHT + 40);
            }
            int y = HEADER_HEIGHT;
            for (TableSpec t : tables) {
                drawPanel(g, report, t, y);
                y += PANEL_HEIGHT;
            }
        } finally {
            g.dispose();
        }
        if (!ImageIO.write(image, "png", out)) {
            throw new IOException("no PNG writer available");
        }
    }

    private static void drawPanel(Graphics2D g, Report report, TableSpec t, int top) {
        List<String> sizes = report.sizes(t.id());
        List<String> series = new java.util.ArrayList<>(report.series(t.id()));
        // The floor and the bound (no allocator) dwarf the allocators at small sizes; the tables carry them.
        series.remove(Report.FLOOR);
        series.remove(Report.BOUND);
        int left = 70;
        int right = WIDTH - 180;
        int plotTop = top + 35;
        int plotBottom = top + PANEL_HEIGHT - 45;

        double max = 1.0;
        for (String size : sizes) {
            for (String s : series) {
                Optional<Measurement> m = report.find(t.id(), s, size);
                if (m.isPresent()) {
                    double r = report.ratio(t, m.get());
                    if (!Double.isNaN(r) && !Double.isInfinite(r)) {
                        max = Math.max(max, r);
                    }
                }
            }
        }
        max = niceCeiling(max * 1.1);

        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
        g.drawString(t.title() + "  (throughput ÷ " + t.baseline() + ")", left, top + 20);

        // Axis and grid.
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        FontMetrics fm = g.getFontMetrics();
        int ticks = ticksFor(max);
        for (int i = 0; i <= ticks; i++) {
            double v = max * i / ticks;
            int yy = yOf(v, max, plotTop, plotBottom);
            g.setColor(new Color(0xE0, 0xE0, 0xE0));
            g.drawLine(left, yy, right, yy);
            g.setColor(Color.DARK_GRAY);
            String label = String.format(Locale.ROOT, "%.1f×", v);
            g.drawString(label, left - 8 - fm.stringWidth(label), yy + 4);
        }
        g.setColor(Color.BLACK);
        g.drawLine(left, plotBottom, right, plotBottom);

        // Bars.
        int groups = Math.max(1, sizes.size());
        double groupWidth = (right - left) / (double) groups;
        double barWidth = Math.min(70, Math.max(3, (groupWidth * 0.8) / Math.max(1, series.size())));
        for (int gi = 0; gi < sizes.size(); gi++) {
            String size = sizes.get(gi);
            double x0 = left + gi * groupWidth + (groupWidth - barWidth * series.size()) / 2;
            for (int si = 0; si < series.size(); si++) {
                Optional<Measurement> m = report.find(t.id(), series.get(si), size);
                if (m.isEmpty()) {
                    continue;
                }
                double r = report.ratio(t, m.get());
                if (Double.isNaN(r) || Double.isInfinite(r)) {
                    continue;
                }
                int x = (int) Math.round(x0 + si * barWidth);
                int yy = yOf(Math.min(r, max), max, plotTop, plotBottom);
                g.setColor(PALETTE[si % PALETTE.length]);
                g.fillRect(x, yy, (int) Math.max(2, barWidth - 2), plotBottom - yy);
                g.setColor(Color.BLACK);
                String label = String.format(Locale.ROOT, r >= 10 ? "%.0f" : "%.2f", r);
                int lw = fm.stringWidth(label);
                if (lw <= barWidth + 6) {
                    g.drawString(label, x + (int) ((barWidth - 2 - lw) / 2), yy - 3);
                }
            }
            g.setColor(Color.BLACK);
            String label = Report.sizeLabel(t, size);
            g.drawString(label, (int) (left + gi * groupWidth + (groupWidth - fm.stringWidth(label)) / 2),
                    plotBottom + 16);
        }

        // Baseline at 1×.
        int one = yOf(1.0, max, plotTop, plotBottom);
        g.setColor(Color.BLACK);
        g.setStroke(new BasicStroke(1f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f));
        g.drawLine(left, one, right, one);
        g.setStroke(new BasicStroke(1f));

        // Legend.
        int ly = plotTop + 5;
        for (int si = 0; si < series.size(); si++) {
            g.setColor(PALETTE[si % PALETTE.length]);
            g.fillRect(right + 20, ly + si * 18, 12, 12);
            g.setColor(Color.BLACK);
            g.drawString(series.get(si), right + 38, ly + si * 18 + 11);
        }
    }

    private static int yOf(double v, double max, int top, int bottom) {
        return (int) Math.round(bottom - (bottom - top) * (v / max));
    }

    /** Grid lines for an axis up to {@code niceMax} (a {@link #niceCeiling} value) with round steps. */
    static int ticksFor(double niceMax) {
        double mantissa = niceMax / Math.pow(10, Math.floor(Math.log10(niceMax)));
        return Math.abs(mantissa - 2) < 1e-9 ? 4 : 5;
    }

    /** The smallest of 1, 2, 2.5, 5 × 10^k that is at least {@code v}. */
    static double niceCeiling(double v) {
        double base = Math.pow(10, Math.floor(Math.log10(v)));
        for (double m : new double[] {1, 2, 2.5, 5, 10}) {
            if (m * base >= v) {
                return m * base;
            }
        }
        return 10 * base;
    }
}
