package dev.ringalloc.bench.replay;

import dev.ringalloc.bench.ChartWriter;
import dev.ringalloc.bench.MarkdownTable;
import dev.ringalloc.netty.FallbackReason;
import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.StringJoiner;

/**
 * The replay's results, one row per allocator, as markdown (printed, and written as {@code replay.md}) and
 * as a bar chart of throughput relative to pooled ({@code replay.png}).
 */
public final class ReplayReport {
    /** The allocator ratios are taken against. */
    public static final String BASELINE = "pooled";

    /**
     * One allocator's figures over the measured rounds.
     *
     * @param allocator        its name
     * @param opsPerSecond     median over the rounds' untimed passes
     * @param bytesPerOp       median heap bytes allocated per operation
     * @param latency          every operation of the timed passes, ns
     * @param peakDirectBytes  the most direct memory its metric reported during a pass
     * @param ringResidentBytes the rings' resident bytes (smaps) after its passes; 0 for the others
     * @param fallbacksPerPass the ring's fallbacks per pass by reason; empty for the others
     */
    public record Row(String allocator, double opsPerSecond, double bytesPerOp, Histogram latency,
                      long peakDirectBytes, long ringResidentBytes, Map<FallbackReason, Double> fallbacksPerPass) {
    }

    private final String title;
    private final String preamble;
    private final List<Row> rows;

    /**
     * @param title    first line (heading)
     * @param preamble markdown put between the heading and the table: the recording and the settings
     * @param rows     one per allocator, in the order measured
     */
    public ReplayReport(String title, String preamble, List<Row> rows) {
        this.title = title;
        this.preamble = preamble;
        this.rows = List.copyOf(rows);
    }

    /** The report as markdown. */
    public String markdown() {
        MarkdownTable table = new MarkdownTable("allocator", "ops/s", "vs pooled", "vs adaptive", "B/op",
                "p50 ns", "p99 ns", "p99.9 ns", "peak direct MiB", "ring RSS MiB");
        for (Row r : rows) {
            table.row(r.allocator(), String.format(Locale.ROOT, "%,.0f", r.opsPerSecond()),
                    ratio(r, BASELINE), ratio(r, "adaptive"), String.format(Locale.ROOT, "%.1f", r.bytesPerOp()),
                    percentile(r, 50), percentile(r, 99), percentile(r, 99.9),
                    mib(r.peakDirectBytes()), mib(r.ringResidentBytes()));
        }
        StringBuilder out = new StringBuilder("# ").append(title).append("\n\n").append(preamble).append("\n\n")
                .append(table).append('\n');
        find("ring").ifPresent(ring -> {
            out.append("ring/pooled ").append(ratio(ring, BASELINE)).append(", ring/adaptive ")
                    .append(ratio(ring, "adaptive")).append(" (ops/s, median of rounds)\n\n");
            StringJoiner fallbacks = new StringJoiner(", ", "Ring fallbacks per pass: ", "\n");
            ring.fallbacksPerPass().forEach((reason, n) ->
                    fallbacks.add(reason + " " + String.format(Locale.ROOT, "%.0f", n)));
            out.append(fallbacks);
        });
        return out.toString();
    }

    /** Writes {@code replay.md} and {@code replay.png} into {@code dir}. */
    public void write(Path dir) throws IOException {
        Files.createDirectories(dir);
        Files.write(dir.resolve("replay.md"), markdown().getBytes(StandardCharsets.UTF_8));
        List<String> labels = new ArrayList<>();
        double[] ratios = new double[rows.size()];
        for (int i = 0; i < rows.size(); i++) {
            labels.add(rows.get(i).allocator());
            ratios[i] = rows.get(i).opsPerSecond() / find(BASELINE).map(Row::opsPerSecond).orElse(Double.NaN);
        }
        ChartWriter.writeRatios(dir.resolve("replay.png"), title + ": ops/s relative to " + BASELINE, labels, ratios);
    }

    private Optional<Row> find(String allocator) {
        return rows.stream().filter(r -> r.allocator().equals(allocator)).findFirst();
    }

    private String ratio(Row r, String baseline) {
        return find(baseline).map(b -> String.format(Locale.ROOT, "%.2f\u00d7", r.opsPerSecond() / b.opsPerSecond()))
                .orElse("-");
    }

    private static String percentile(Row r, double p) {
        return r.latency() == null || r.latency().getTotalCount() == 0 ? "-"
                : String.valueOf(r.latency().getValueAtPercentile(p));
    }

    private static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.1f", bytes / (1024.0 * 1024.0));
    }
}
