package dev.ringalloc.bench.replay;

import javax.imageio.ImageIO;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * A PNG of horizontal bars, one per allocator, each the allocator's figure relative to a baseline (a dashed
 * line marks 1×), labelled with the ratio. Java2D, headless.
 */
public final class BarChart {
    private static final int WIDTH = 800;
    private static final int BAR = 36;
    private static final int LEFT = 150;
    private static final int TOP = 50;
    private static final Color RING = new Color(0xD6, 0x27, 0x28);
    private static final Color OTHER = new Color(0x1F, 0x77, 0xB4);

    private BarChart() {
    }

    /**
     * Writes the chart to {@code file}.
     *
     * @param title  the line above the bars
     * @param labels one per bar, top to bottom; a label starting with "ring" is drawn red
     * @param ratios each bar's figure divided by the baseline's
     */
    public static void write(Path file, String title, List<String> labels, double[] ratios) throws IOException {
        System.setProperty("java.awt.headless", "true");
        int height = TOP + labels.size() * BAR + 30;
        BufferedImage image = new BufferedImage(WIDTH, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, WIDTH, height);
            g.setColor(Color.BLACK);
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
            g.drawString(title, 10, 25);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
            double max = 1;
            for (double r : ratios) {
                max = Math.max(max, Double.isFinite(r) ? r : 0);
            }
            double scale = (WIDTH - LEFT - 80) / max;
            for (int i = 0; i < labels.size(); i++) {
                int y = TOP + i * BAR;
                double r = Double.isFinite(ratios[i]) ? ratios[i] : 0;
                g.setColor(Color.BLACK);
                g.drawString(labels.get(i), 10, y + BAR / 2 + 5);
                g.setColor(labels.get(i).startsWith("ring") ? RING : OTHER);
                g.fillRect(LEFT, y + 6, (int) Math.round(r * scale), BAR - 12);
                g.setColor(Color.BLACK);
                g.drawString(String.format(Locale.ROOT, "%.2f\u00d7", r), LEFT + (int) Math.round(r * scale) + 6,
                        y + BAR / 2 + 5);
            }
            int x = LEFT + (int) Math.round(scale);
            g.setColor(Color.DARK_GRAY);
            g.setStroke(new BasicStroke(1, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10, new float[] {4, 4}, 0));
            g.drawLine(x, TOP - 4, x, TOP + labels.size() * BAR + 4);
        } finally {
            g.dispose();
        }
        ImageIO.write(image, "png", file.toFile());
    }
}
