package dev.ringalloc.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.DoubleBinaryOperator;

/**
 * Turns measurements into the comparison's tables (plain text for the console, markdown for the
 * results file) and checks the product's targets (issue 4) against them.
 */
public final class Report {
    /** The series name of {@link FloorBenchmark} rows in the short-lived tables. */
    public static final String FLOOR = "floor";
    /** The series name of the cross-thread table's ceiling: no allocator (see {@link CrossThreadBenchmark}). */
    public static final String BOUND = "bound";

    private final List<TableSpec> tables;
    private final List<Measurement> measurements;

    /** A report over {@code measurements}, laid out as {@code tables}. */
    public Report(List<TableSpec> tables, List<Measurement> measurements) {
        this.tables = List.copyOf(tables);
        this.measurements = List.copyOf(measurements);
    }

    /** One target of issue 4 with its measured figure. */
    public record Target(String claim, String measured, boolean met) {
    }

    // ---- lookups ----------------------------------------------------------------------------------

    /** The measurement of {@code series} at {@code size} in table {@code tableId}, if any. */
    public Optional<Measurement> find(String tableId, String series, String size) {
        for (Measurement m : measurements) {
            if (m.table().equals(tableId) && m.series().equals(series) && m.size().equals(size)) {
                return Optional.of(m);
            }
        }
        return Optional.empty();
    }

    /** Sizes of a table, in first-measured order. */
    public List<String> sizes(String tableId) {
        Set<String> sizes = new LinkedHashSet<>();
        for (Measurement m : measurements) {
            if (m.table().equals(tableId)) {
                sizes.add(m.size());
            }
        }
        return new ArrayList<>(sizes);
    }

    /** Series of a table, in first-measured order. */
    public List<String> series(String tableId) {
        Set<String> series = new LinkedHashSet<>();
        for (Measurement m : measurements) {
            if (m.table().equals(tableId)) {
                series.add(m.series());
            }
        }
        return new ArrayList<>(series);
    }

    /** Tables with at least one measurement. */
    public List<TableSpec> measuredTables() {
        List<TableSpec> out = new ArrayList<>();
        for (TableSpec t : tables) {
            if (!sizes(t.id()).isEmpty()) {
                out.add(t);
            }
        }
        return out;
    }

    /** {@code m}'s throughput over the baseline's at the same size ({@link #ratio(Measurement, Measurement)}), or NaN. */
    public double ratio(TableSpec table, Measurement m) {
        return find(table.id(), table.baseline(), m.size())
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

    /** Column headings of a table. */
    List<String> header(TableSpec t) {
        String series = t.id().startsWith("ringal") ? "implementation" : "allocator";
        List<String> h = new ArrayList<>(List.of("size", series, "ops/s", "× " + t.baseline(), "B/op",
                "direct MiB", "±"));
        if (t.id().startsWith("shortLived")) {
            h.add("ns above floor");
        }
        if (t.id().startsWith("ringal")) {
            h.add("time for the row");
        }
        return h;
    }

    /** Cells of a table, one list per row, sizes grouped. */
    List<List<String>> rows(TableSpec t) {
        List<List<String>> rows = new ArrayList<>();
        for (String size : sizes(t.id())) {
            for (String series : series(t.id())) {
                Optional<Measurement> found = find(t.id(), series, size);
                if (found.isEmpty()) {
                    continue;
                }
                Measurement m = found.get();
                List<String> row = new ArrayList<>();
                row.add(sizeLabel(t, size));
                row.add(series);
                row.add(ops(m.opsPerSec()));
                row.add(ratioText(ratio(t, m)));
                row.add(bytes(m.bytesPerOp()));
                row.add(Double.isNaN(m.directMiB()) ? "–" : String.format(Locale.ROOT, "%.1f", m.directMiB()));
                row.add(Double.isNaN(m.spread()) ? "–" : String.format(Locale.ROOT, "%.0f%%", 100 * m.spread()));
                if (t.id().startsWith("shortLived")) {
                    row.add(find(t.id(), FLOOR, size)
                            .map(f -> String.format(Locale.ROOT, "%.1f", nanosAbove(m, f)))
                            .orElse("–"));
                }
                if (t.id().startsWith("ringal")) {
                    row.add(rowTime(size, m.opsPerSec()));
                }
                rows.add(row);
            }
        }
        return rows;
    }

    static String sizeLabel(TableSpec t, String size) {
        if (!"B".equals(t.sizeUnit())) {
            return size;
        }
        try {
            int n = Integer.parseInt(size);
            if (n >= 1024 && n % 1024 == 0) {
                return (n / 1024) + " KiB";
            }
            return n + " B";
        } catch (NumberFormatException e) {
            return size;
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
        return Double.isNaN(r) ? "–" : String.format(Locale.ROOT, "%.2f×", r);
    }

    static String bytes(double b) {
        if (Double.isNaN(b)) {
            return "–";
        }
        return b < 0.5 ? "0" : String.format(Locale.ROOT, "%.0f", b);
    }

    static String rowTime(String scenario, double opsPerSec) {
        try {
            long iterations = RingAlTablesBenchmark.parseScenario(scenario)[0];
            double seconds = iterations / opsPerSec;
            return seconds >= 1 ? String.format(Locale.ROOT, "%.2f s", seconds)
                    : String.format(Locale.ROOT, "%.0f ms", seconds * 1e3);
        } catch (RuntimeException e) {
            return "–";
        }
    }

    // ---- text and markdown ------------------------------------------------------------------------

    /** The tables as aligned plain text, for the console. */
    public String toText() {
        StringBuilder out = new StringBuilder();
        for (TableSpec t : measuredTables()) {
            out.append('\n').append(t.title()).append('\n');
            out.append("  (").append(t.note()).append(")\n");
            List<String> header = header(t);
            List<List<String>> rows = rows(t);
            int[] width = new int[header.size()];
            for (int i = 0; i < width.length; i++) {
                width[i] = header.get(i).length();
                for (List<String> r : rows) {
                    width[i] = Math.max(width[i], r.get(i).length());
                }
            }
            appendText(out, header, width);
            String previousSize = null;
            for (List<String> r : rows) {
                if (previousSize != null && !previousSize.equals(r.get(0))) {
                    out.append('\n');
                }
                previousSize = r.get(0);
                appendText(out, r, width);
            }
        }
        List<Target> targets = targets();
        if (!targets.isEmpty()) {
            out.append("\nTargets (issue 4)\n");
            for (Target target : targets) {
                out.append(target.met() ? "  [met]    " : "  [MISSED] ").append(target.claim()).append(": ")
                        .append(target.measured()).append('\n');
            }
        }
        return out.toString();
    }

    private static void appendText(StringBuilder out, List<String> cells, int[] width) {
        out.append(' ');
        for (int i = 0; i < cells.size(); i++) {
            String c = cells.get(i);
            boolean left = i == 1;
            String pad = " ".repeat(width[i] - c.length());
            out.append(' ').append(left ? c + pad : pad + c).append(' ');
        }
        out.append('\n');
    }

    /** The tables and targets as markdown, under {@code heading}, after {@code preamble} lines. */
    public String toMarkdown(String heading, List<String> preamble) {
        StringBuilder out = new StringBuilder("# ").append(heading).append("\n\n");
        for (String line : preamble) {
            out.append(line).append('\n');
        }
        for (TableSpec t : measuredTables()) {
            out.append("\n## ").append(escape(t.title())).append("\n\n");
            out.append('_').append(escape(t.note())).append("_\n\n");
            List<String> header = header(t);
            out.append('|');
            for (String h : header) {
                out.append(' ').append(escape(h)).append(" |");
            }
            out.append("\n|");
            for (int i = 0; i < header.size(); i++) {
                out.append(i == 1 ? "---|" : "---:|");
            }
            out.append('\n');
            for (List<String> r : rows(t)) {
                out.append('|');
                for (String c : r) {
                    out.append(' ').append(escape(c)).append(" |");
                }
                out.append('\n');
            }
        }
        List<Target> targets = targets();
        if (!targets.isEmpty()) {
            out.append("\n## Targets (issue 4)\n\n| target | measured | met |\n|---|---|---|\n");
            for (Target target : targets) {
                out.append("| ").append(escape(target.claim())).append(" | ").append(escape(target.measured()))
                        .append(" | ").append(target.met() ? "yes" : "**no**").append(" |\n");
            }
        }
        return out.toString();
    }

    private static String escape(String s) {
        return s.replace("|", "\\|");
    }

    // ---- targets ----------------------------------------------------------------------------------

    /** Every target of issue 4 that the measurements cover, with the measured figure. */
    public List<Target> targets() {
        List<Target> out = new ArrayList<>();
        for (TableSpec t : measuredTables()) {
            String id = t.id();
            if (id.startsWith("shortLived")) {
                for (String size : sizes(id)) {
                    if (size.equals("64") || size.equals("1024")) {
                        ratioTarget(out, t, size, "pooled", 2.0);
                        ratioTarget(out, t, size, "adaptive", 2.0);
                    }
                    ratioTarget(out, t, size, "unpooledHeap", 1.0);
                    if (size.equals("16384") || size.equals("65536")) {
                        aboveFloorTarget(out, t, size, "pooled");
                        aboveFloorTarget(out, t, size, "adaptive");
                    }
                }
                zeroGarbageTarget(out, t);
            } else if (id.equals("crossThread")) {
                for (String size : sizes(id)) {
                    ratioTarget(out, t, size, "pooled", 2.0);
                    ratioTarget(out, t, size, "adaptive", 2.0);
                }
                zeroGarbageTarget(out, t);
            } else if (id.startsWith("growth")) {
                for (String size : sizes(id)) {
                    ratioTarget(out, t, size, "pooled", 1.0);
                    ratioTarget(out, t, size, "adaptive", 1.0);
                }
                zeroGarbageTarget(out, t);
            } else if (id.equals("echo")) {
                for (String size : sizes(id)) {
                    ratioTarget(out, t, size, "pooled", 1.0);
                    ratioTarget(out, t, size, "adaptive", 1.0);
                    directTarget(out, t, size, "pooled");
                    directTarget(out, t, size, "adaptive");
                }
            }
        }
        return out;
    }

    private void ratioTarget(List<Target> out, TableSpec t, String size, String other, double atLeast) {
        Optional<Measurement> ring = find(t.id(), "ring", size);
        Optional<Measurement> o = find(t.id(), other, size);
        if (ring.isPresent() && o.isPresent()) {
            double r = ratio(ring.get(), o.get());
            String times = atLeast == Math.rint(atLeast) ? String.valueOf((int) atLeast) : String.valueOf(atLeast);
            String claim = String.format(Locale.ROOT, "%s %s: ring ≥ %s× %s", t.id(), sizeLabel(t, size), times, other);
            boolean met = atLeast == 1.0 && other.equals("unpooledHeap") ? r > 1.0 : r >= atLeast;
            String measured = ratioText(r);
            Optional<Measurement> bound = find(t.id(), BOUND, size);
            double needed = bound.map(ceiling -> atLeast * ratio(o.get(), ceiling)).orElse(Double.NaN);
            if (!met && needed > 1) {
                // The target asks for more than the same work with no allocator at all achieved: say so.
                measured += String.format(Locale.ROOT, "; out of reach here: %s× %s would be %s the bound "
                                + "(the same writes, no allocator); the ring is at %s of it",
                        times, other, ratioText(needed), ratioText(ratio(ring.get(), bound.get())));
            }
            out.add(new Target(claim, measured, met));
        }
    }

    private void aboveFloorTarget(List<Target> out, TableSpec t, String size, String other) {
        Optional<Measurement> ring = find(t.id(), "ring", size);
        Optional<Measurement> o = find(t.id(), other, size);
        Optional<Measurement> floor = find(t.id(), FLOOR, size);
        if (ring.isPresent() && o.isPresent() && floor.isPresent()) {
            double ringAbove = nanosAbove(ring.get(), floor.get());
            double otherAbove = nanosAbove(o.get(), floor.get());
            double r = ringAbove / otherAbove;
            String claim = String.format(Locale.ROOT, "%s %s: ring's ns above floor ≤ ½ %s's", t.id(),
                    sizeLabel(t, size), other);
            if (ringAbove < 0 || otherAbove <= 0) {
                // Nothing allocates faster than no allocator: the floor run was disturbed. Say so.
                out.add(new Target(claim, String.format(Locale.ROOT,
                        "inconclusive: %.1f vs %.1f ns, an allocator measured faster than the floor (noise; rerun)",
                        ringAbove, otherAbove), false));
                return;
            }
            String measured = String.format(Locale.ROOT, "%.1f vs %.1f ns (%.2f)", ringAbove, otherAbove, r);
            out.add(new Target(claim, measured, ringAbove <= 0.5 * otherAbove));
        }
    }

    private void zeroGarbageTarget(List<Target> out, TableSpec t) {
        double worst = Double.NaN;
        for (Measurement m : measurements) {
            if (m.table().equals(t.id()) && m.series().equals("ring") && !Double.isNaN(m.bytesPerOp())) {
                worst = Double.isNaN(worst) ? m.bytesPerOp() : Math.max(worst, m.bytesPerOp());
            }
        }
        if (!Double.isNaN(worst)) {
            out.add(new Target(t.id() + ": ring 0 B/op (gc.alloc.rate.norm)",
                    String.format(Locale.ROOT, "worst %.2f B/op", worst), worst < 0.5));
        }
    }

    private void directTarget(List<Target> out, TableSpec t, String size, String other) {
        Optional<Measurement> ring = find(t.id(), "ring", size);
        Optional<Measurement> o = find(t.id(), other, size);
        if (ring.isPresent() && o.isPresent() && !Double.isNaN(ring.get().directMiB())
                && !Double.isNaN(o.get().directMiB())) {
            double a = ring.get().directMiB();
            double b = o.get().directMiB();
            out.add(new Target(String.format(Locale.ROOT, "%s %s: ring's direct memory < %s's", t.id(),
                    sizeLabel(t, size), other), String.format(Locale.ROOT, "%.1f vs %.1f MiB", a, b), a < b));
        }
    }

    /** Measurements grouped by table id, for callers that chart them. */
    public Map<String, List<Measurement>> byTable() {
        Map<String, List<Measurement>> map = new LinkedHashMap<>();
        for (TableSpec t : measuredTables()) {
            List<Measurement> list = new ArrayList<>();
            for (Measurement m : measurements) {
                if (m.table().equals(t.id())) {
                    list.add(m);
                }
            }
            map.put(t.id(), list);
        }
        return map;
    }
}
