package dev.ringalloc.bench;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.DoubleBinaryOperator;
import java.util.function.Function;

/**
 * Turns measurements into the comparison's tables (plain text for the console, markdown for the results
 * file) and checks the targets. It renders what each {@link TableSpec} declares, its columns and its
 * targets, and knows no benchmark by name.
 */
public final class Report {

    private final List<TableSpec> tables;
    private final List<Measurement> measurements;

    /** A report over {@code measurements}, laid out as {@code tables}. */
    public Report(List<TableSpec> tables, List<Measurement> measurements) {
        this.tables = List.copyOf(tables);
        this.measurements = List.copyOf(measurements);
    }

    // ---- lookups ----------------------------------------------------------------------------------

    /** The measurement of {@code series} at {@code key} in table {@code tableId}, if any. */
    public Optional<Measurement> find(String tableId, String series, String key) {
        return measurements.stream()
                .filter(m -> m.table().equals(tableId) && m.series().equals(series) && m.key().equals(key))
                .findFirst();
    }

    /** The measurement of {@code m}'s table reference (no allocator) at {@code m}'s key, if any. */
    public Optional<Measurement> referenceOf(Measurement m) {
        return table(m.table()).map(TableSpec::reference).flatMap(ref -> find(m.table(), ref, m.key()));
    }

    private Optional<TableSpec> table(String id) {
        return tables.stream().filter(t -> t.id().equals(id)).findFirst();
    }

    /** Keys (rows) of a table, in first-measured order. */
    public List<String> keys(String tableId) {
        return distinct(tableId, Measurement::key);
    }

    /** Series of a table, in first-measured order. */
    public List<String> series(String tableId) {
        return distinct(tableId, Measurement::series);
    }

    private List<String> distinct(String tableId, Function<Measurement, String> field) {
        Set<String> values = new LinkedHashSet<>();
        for (Measurement m : measurements) {
            if (m.table().equals(tableId)) {
                values.add(field.apply(m));
            }
        }
        return new ArrayList<>(values);
    }

    /** Tables with at least one measurement. */
    public List<TableSpec> measuredTables() {
        return tables.stream().filter(t -> !keys(t.id()).isEmpty()).toList();
    }

    /** {@code m}'s throughput over the baseline's at the same key ({@link #ratio(Measurement, Measurement)}), or NaN. */
    public double ratio(TableSpec table, Measurement m) {
        return find(table.id(), table.baseline(), m.key())
                .map(b -> ratio(m, b))
                .orElse(Double.NaN);
    }

    /**
     * {@code a}'s throughput over {@code b}'s: when both ran the same number of interleaved rounds, the
     * median over rounds of that round's ratio, so that the machine's drift from one round to the next
     * (measured: a third, for every allocator at once) cancels out; otherwise the ratio of the medians.
     */
    static double ratio(Measurement a, Measurement b) {
        return paired(a, b, (x, y) -> x / y, a.opsPerSec() / b.opsPerSec());
    }

    /** Nanoseconds per operation of {@code m} above those of {@code floor}: paired by round as {@link #ratio}. */
    static double nanosAbove(Measurement m, Measurement floor) {
        return paired(m, floor, (x, y) -> 1e9 / x - 1e9 / y, m.nanosPerOp() - floor.nanosPerOp());
    }

    private static double paired(Measurement a, Measurement b, DoubleBinaryOperator perRound,
                                 double unpaired) {
        int n = a.forks();
        if (n < 2 || n != b.forks()) {
            return unpaired;
        }
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = perRound.applyAsDouble(a.forkScores().get(i), b.forkScores().get(i));
        }
        return Compare.median(v);
    }

    // ---- rows -------------------------------------------------------------------------------------

    /** Column headings of a table: the common ones, then the table's own. */
    List<String> header(TableSpec t) {
        List<String> h = new ArrayList<>(List.of(t.keyHeading(), t.seriesHeading(), "ops/s", "× " + t.baseline(),
                "B/op", "direct MiB", "±"));
        t.columns().forEach(c -> h.add(c.heading()));
        return h;
    }

    /** Cells of a table, one list per row, keys grouped. */
    List<List<String>> rows(TableSpec t) {
        List<List<String>> rows = new ArrayList<>();
        for (String key : keys(t.id())) {
            for (String series : series(t.id())) {
                Optional<Measurement> found = find(t.id(), series, key);
                if (found.isEmpty()) {
                    continue;
                }
                Measurement m = found.get();
                List<String> row = new ArrayList<>(List.of(keyLabel(key), series, ops(m.opsPerSec()),
                        ratioText(ratio(t, m)), bytes(m.bytesPerOp()), fixed(m.directMiB(), "%.1f"),
                        Double.isNaN(m.spread()) ? "–" : String.format(Locale.ROOT, "%.0f%%", 100 * m.spread())));
                t.columns().forEach(c -> row.add(c.cell().apply(this, m)));
                rows.add(row);
            }
        }
        return rows;
    }

    /** A key as shown: whole numbers are sizes in bytes ({@code 64 B}, {@code 16 KiB}), anything else as is. */
    static String keyLabel(String key) {
        try {
            int n = Integer.parseInt(key);
            return n >= 1024 && n % 1024 == 0 ? (n / 1024) + " KiB" : n + " B";
        } catch (NumberFormatException e) {
            return key;
        }
    }

    /** Throughput with an SI suffix: {@code 12.3 M}. */
    static String ops(double v) {
        if (Double.isNaN(v)) {
            return "–";
        }
        if (v >= 1e9) {
            return String.format(Locale.ROOT, "%.2f G", v / 1e9);
        }
        if (v >= 1e6) {
            return String.format(Locale.ROOT, "%.2f M", v / 1e6);
        }
        if (v >= 1e3) {
            return String.format(Locale.ROOT, "%.1f k", v / 1e3);
        }
        return String.format(Locale.ROOT, "%.1f", v);
    }

    static String ratioText(double r) {
        return fixed(r, "%.2f×");
    }

    static String bytes(double b) {
        return b < 0.5 ? "0" : fixed(b, "%.0f");
    }

    /** {@code v} in {@code format}, or {@code "–"} for NaN. */
    static String fixed(double v, String format) {
        return Double.isNaN(v) ? "–" : String.format(Locale.ROOT, format, v);
    }

    // ---- text and markdown ------------------------------------------------------------------------

    /** The tables as aligned plain text, for the console, then the targets. */
    public String toText() {
        StringBuilder out = new StringBuilder();
        for (TableSpec t : measuredTables()) {
            out.append('\n').append(t.title()).append("\n  (").append(t.note()).append(")\n").append(table(t));
        }
        List<Target.Verdict> verdicts = verdicts();
        if (!verdicts.isEmpty()) {
            out.append("\nTargets\n");
            for (Target.Verdict v : verdicts) {
                out.append(String.format(Locale.ROOT, "  %-9s%s: %s\n", v.outcome().text, v.claim(), v.measured()));
            }
        }
        return out.toString();
    }

    /** The tables and targets as markdown, under {@code heading}, after {@code preamble} lines. */
    public String toMarkdown(String heading, List<String> preamble) {
        StringBuilder out = new StringBuilder("# ").append(heading).append("\n\n");
        for (String line : preamble) {
            out.append(line).append('\n');
        }
        for (TableSpec t : measuredTables()) {
            out.append("\n## ").append(t.title()).append("\n\n_").append(t.note()).append("_\n\n").append(table(t));
        }
        List<Target.Verdict> verdicts = verdicts();
        if (!verdicts.isEmpty()) {
            MarkdownTable targets = new MarkdownTable("target", "measured", "met").leftAligned(1).leftAligned(2);
            verdicts.forEach(v -> targets.row(v.claim(), v.measured(), v.outcome().markdown));
            out.append("\n## Targets\n\n").append(targets);
        }
        return out.toString();
    }

    /** Table {@code t} as a padded markdown table (the key and series columns left-aligned). */
    private MarkdownTable table(TableSpec t) {
        MarkdownTable table = new MarkdownTable(header(t).toArray(new String[0])).leftAligned(1);
        rows(t).forEach(r -> table.row(r.toArray(new String[0])));
        return table;
    }

    // ---- targets ----------------------------------------------------------------------------------

    /** The verdicts of every measured table's declared targets, table by table. */
    public List<Target.Verdict> verdicts() {
        List<Target.Verdict> out = new ArrayList<>();
        for (TableSpec t : measuredTables()) {
            t.targets().forEach(target -> out.addAll(target.check(this, t)));
        }
        return out;
    }
}
