package dev.ringalloc.bench.replay;

import java.util.Arrays;
import java.util.List;

/** The median of the figures of several rounds: robust against the one round a noisy machine spoils. */
public final class Median {
    private Median() {
    }

    /** The median of {@code values} (the mean of the middle two for an even count); NaN if empty. */
    public static double of(List<Double> values) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(sorted);
        int mid = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }
}
