package dev.ringalloc.bench;

import java.util.List;
import java.util.Map;

/**
 * One configuration's figures, as the comparison reports them.
 *
 * @param table      the table it belongs to ({@link TableSpec#id()})
 * @param series     the allocator or implementation ({@code ring}, {@code pooled}, ...)
 * @param key        the row key: a size in bytes ({@code 64}, {@code 1024}) or the benchmark's row name
 * @param spread     relative spread of that score: (max − min) / median of the forks' means, or of the
 *                   measured iterations with one fork; NaN if unknown
 * @param bytesPerOp {@code gc.alloc.rate.norm}, bytes of garbage per operation (median); NaN if unknown
 * @param directMiB  most direct memory held during an iteration, MiB (median of the forks' maxima); NaN
 *                   if unknown
 * @param forkScores each fork's mean operations per second, in round order: fork {@code i} ran in round
 *                   {@code i + 1}, beside fork {@code i} of the other series of its table and key
 * @param figures    every secondary result of the run by label (median over forks): JMH's and the
 *                   profilers', and those the benchmark published ({@link IterationFigures})
 */
public record Measurement(String table, String series, String key, double spread, double bytesPerOp,
                          double directMiB, List<Double> forkScores, Map<String, Double> figures) {

    /** Copies {@code forkScores} and {@code figures}. */
    public Measurement {
        forkScores = List.copyOf(forkScores);
        figures = Map.copyOf(figures);
    }

    /** A measurement with no secondary figures beyond B/op and direct memory. */
    public Measurement(String table, String series, String key, double spread, double bytesPerOp,
                       double directMiB, List<Double> forkScores) {
        this(table, series, key, spread, bytesPerOp, directMiB, forkScores, Map.of());
    }

    /** Operations per second: the median of the forks' means. */
    public double opsPerSec() {
        return Compare.median(forkScores.stream().mapToDouble(Double::doubleValue).toArray());
    }

    /** Forks measured. */
    public int forks() {
        return forkScores.size();
    }

    /** Nanoseconds per operation. */
    public double nanosPerOp() {
        return 1e9 / opsPerSec();
    }

    /** The secondary figure {@code label}, or NaN if the run has none. */
    public double figure(String label) {
        return figures.getOrDefault(label, Double.NaN);
    }
}
