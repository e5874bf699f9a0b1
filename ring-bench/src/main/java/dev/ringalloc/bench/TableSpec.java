package dev.ringalloc.bench;

import java.util.List;

/**
 * A table of the comparison, declared by its benchmark (each benchmark's static {@code table} method): one
 * benchmark with its fixed parameters, its rows being series (allocators) × keys (sizes, or the benchmark's
 * own row names), its extra columns and its targets. {@link Report} renders what is declared here and
 * nothing else.
 *
 * @param id            short key, e.g. {@code shortLived-w64}
 * @param title         heading, e.g. {@code 1. Short-lived Netty buffers, window 64}
 * @param baseline      the series ratios are taken against ({@code pooled}, or {@code byteArray} for ring-core)
 * @param note          one line on what the operation is
 * @param reference     the series that is no allocator (the floor, the hand-off's bound) or null: the
 *                      {@link Column#nanosAboveReference} column and the ratio targets' "out of reach" note
 *                      measure against it, and the chart leaves it out
 * @param keyHeading    heading of the first column (keys that are whole numbers are shown as bytes)
 * @param seriesHeading heading of the second column
 * @param columns       columns after the common ones (ops/s, ratio, B/op, direct MiB, ±)
 * @param targets       what the ring must achieve here
 */
public record TableSpec(String id, String title, String baseline, String note, String reference,
                        String keyHeading, String seriesHeading, List<Column> columns, List<Target> targets) {

    /** Copies the lists. */
    public TableSpec {
        columns = List.copyOf(columns);
        targets = List.copyOf(targets);
    }

    /** A table of allocators × sizes against {@code baseline}, with no extra column and no target yet. */
    public static TableSpec of(String id, String title, String baseline, String note) {
        return new TableSpec(id, title, baseline, note, null, "size", "allocator", List.of(), List.of());
    }

    /** This table with {@code series} as its reference (no allocator). */
    public TableSpec reference(String series) {
        return new TableSpec(id, title, baseline, note, series, keyHeading, seriesHeading, columns, targets);
    }

    /** This table with other headings for its first two columns. */
    public TableSpec headings(String key, String series) {
        return new TableSpec(id, title, baseline, note, reference, key, series, columns, targets);
    }

    /** This table with these extra columns. */
    public TableSpec columns(Column... extra) {
        return new TableSpec(id, title, baseline, note, reference, keyHeading, seriesHeading, List.of(extra), targets);
    }

    /** This table with these targets. */
    public TableSpec targets(Target... declared) {
        return new TableSpec(id, title, baseline, note, reference, keyHeading, seriesHeading, columns, List.of(declared));
    }
}
