package dev.ringalloc.bench;

import org.knowm.xchart.AnnotationLine;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.style.Styler;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Draws the comparison as one PNG with XChart, headless: one bar chart per table, stacked vertically, bars
 * grouped by key, one bar per series (the table's reference, which is no allocator, left to the tables), bar
 * height = throughput relative to the table's baseline (so sizes whose absolute rates differ a hundredfold
 * share one axis), a dashed line at the baseline (1×), and each bar labelled with its ratio.
 */
public final class ChartWriter {
    /** Width of the image. */
    static final int WIDTH = 1200;
    /** Height of one table's chart. */
    static final int PANEL_HEIGHT = 320;
    /** The ring's colour: it is the first series of every table. */
    static final Color RING = new Color(0xD6, 0x27, 0x28);
    private static final Color[] PALETTE = {
        RING,
        new Color(0x1F, 0x77, 0xB4),
        new Color(0x2C, 0xA0, 0x2C),
        new Color(0xFF, 0x7F, 0x0E),
        new Color(0x94, 0x67, 0xBD),
        new Color(0x7F, 0x7F, 0x7F),
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

    /** Writes the chart of {@code report} as PNG to {@code out}: one panel per measured table. */
    public static void write(Report report, String title, OutputStream out) throws IOException {
        System.setProperty("java.awt.headless", "true");
        List<CategoryChart> charts = new ArrayList<>();
        for (TableSpec t : report.measuredTables()) {
            charts.add(chart(report, t, charts.isEmpty() ? title + " — " : ""));
        }
        if (charts.isEmpty()) {
            charts.add(styled(new CategoryChartBuilder().title(title + ": no measurements")));
        }
        BitmapEncoder.saveBitmap(charts, charts.size(), 1, out, BitmapEncoder.BitmapFormat.PNG);
    }

    /**
     * Writes one bar per label, its figure relative to a baseline, with a dashed line at 1x, as a PNG: the
     * replay's chart.
     */
    public static void writeRatios(Path file, String title, List<String> labels, double[] ratios) throws IOException {
        System.setProperty("java.awt.headless", "true");
        CategoryChart chart = styled(new CategoryChartBuilder().title(title).yAxisTitle("throughput ÷ baseline"));
        List<Double> values = new ArrayList<>();
        for (double r : ratios) {
            values.add(Double.isFinite(r) ? r : null);
        }
        chart.addSeries("ops/s ratio", labels, values);
        chart.getStyler().setLegendVisible(false);
        chart.addAnnotation(new AnnotationLine(1.0, false, false));
        try (OutputStream out = Files.newOutputStream(file)) {
            BitmapEncoder.saveBitmap(chart, out, BitmapEncoder.BitmapFormat.PNG);
        }
    }

    private static CategoryChart chart(Report report, TableSpec t, String prefix) {
        CategoryChart chart = styled(new CategoryChartBuilder()
                .title(prefix + t.title())
                .yAxisTitle("throughput ÷ " + t.baseline()));
        List<String> keys = report.keys(t.id()).stream().map(Report::keyLabel).toList();
        for (String series : report.series(t.id())) {
            if (series.equals(t.reference())) {
                continue; // no allocator: it dwarfs the allocators at small sizes; the tables carry it
            }
            List<Double> ratios = new ArrayList<>();
            for (String key : report.keys(t.id())) {
                double r = report.find(t.id(), series, key).map(m -> report.ratio(t, m)).orElse(Double.NaN);
                ratios.add(Double.isNaN(r) || Double.isInfinite(r) ? null : r);
            }
            chart.addSeries(series, keys, ratios);
        }
        AnnotationLine baseline = new AnnotationLine(1.0, false, false);
        chart.addAnnotation(baseline);
        return chart;
    }

    private static CategoryChart styled(CategoryChartBuilder builder) {
        CategoryChart chart = builder.width(WIDTH).height(PANEL_HEIGHT).build();
        chart.getStyler()
                .setLabelsVisible(true)
                .setLabelsRotation(0)
                .setYAxisMin(0.0)
                .setLegendPosition(Styler.LegendPosition.OutsideE)
                .setSeriesColors(PALETTE)
                .setAnnotationLineColor(Color.BLACK)
                .setAnnotationLineStroke(new BasicStroke(1f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f,
                        new float[] {6f, 4f}, 0f))
                .setDecimalPattern("0.00")
                .setChartBackgroundColor(Color.WHITE);
        return chart;
    }
}
