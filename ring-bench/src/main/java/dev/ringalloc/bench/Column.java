package dev.ringalloc.bench;

import java.util.Locale;
import java.util.function.BiFunction;

/**
 * A column a table declares beside its benchmark, after the columns every table has: its heading and how
 * one row's cell is made from the report and the row's measurement.
 *
 * @param heading the column heading
 * @param cell    the cell of a row ({@code "–"} where there is no figure)
 */
public record Column(String heading, BiFunction<Report, Measurement, String> cell) {

    /**
     * Nanoseconds per operation above the table's reference series at the same key (benchmark 6's floor: the
     * same writes with no allocator), paired by round as {@link Report#nanosAbove}: the allocator's own cost.
     */
    public static Column nanosAboveReference(String heading) {
        return new Column(heading, (report, m) -> report.referenceOf(m)
                .map(reference -> String.format(Locale.ROOT, "%.1f", Report.nanosAbove(m, reference)))
                .orElse("–"));
    }

    /**
     * A figure the benchmark published ({@link IterationFigures}), formatted with {@code format}, or
     * {@code "–"} if the row has none.
     */
    public static Column figure(String heading, String label, String format) {
        return new Column(heading, (report, m) -> {
            double v = m.figure(label);
            return Double.isNaN(v) ? "–" : String.format(Locale.ROOT, format, v);
        });
    }
}
