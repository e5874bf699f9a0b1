package dev.ringalloc.bench;

import java.util.List;

/**
 * One configuration's figures, as the comparison reports them.
 *
 * @param table      the table it belongs to ({@link TableSpec#id()})
 * @param series     the allocator or implementation ({@code ring}, {@code pooled}, ...)
 * @param size       the size column label ({@code 64}, {@code 1024}, or a RingAl row)
 * @param spread     relative spread of that score: (max − min) / median of the forks' means, or of the
 *                   measured iterations with one fork; NaN if unknown
 * @param bytesPerOp {@code gc.alloc.rate.norm}, bytes of garbage per operation (median); NaN if unknown
 * @param directMiB  most direct memory held during an iteration, MiB (median of the forks' maxima); NaN
 *                   if unknown
 * @param forkScores each fork's mean operations per second, in round order: fork {@code i} ran in round
 *                   {@code i + 1}, beside fork {@code i} of the other series of its table and size
 */
public record Measurement(String table, String series, String size, double spread, double bytesPerOp,
                          double directMiB, List<Double> forkScores) {

    /** Copies {@code forkScores}. */
    public Measurement {
        forkScores = List.copyOf(forkScores);
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
}
