package dev.ringalloc.bench.server;

import dev.ringalloc.bench.replay.Arguments;

import java.util.concurrent.ThreadLocalRandom;

/**
 * The size of each response body: fixed ({@code 1024}), or varied ({@code 64-65536}: drawn per response,
 * uniform in the logarithm, so that small and large bodies are equally common by size class, as in a
 * server answering a mix of requests).
 *
 * @param min smallest body, bytes
 * @param max largest body, bytes
 */
public record BodySize(int min, int max) {
    /** Validates. */
    public BodySize {
        if (min < 0 || max < min) {
            throw new IllegalArgumentException("body size: expected 0 <= min <= max, got " + min + "-" + max);
        }
    }

    /** Parses {@code N} or {@code MIN-MAX} (k and m suffixes allowed). */
    public static BodySize parse(String text) {
        int dash = text.indexOf('-');
        return dash < 0 ? new BodySize(Arguments.size(text, "--body"), Arguments.size(text, "--body"))
                : new BodySize(Arguments.size(text.substring(0, dash), "--body"),
                        Arguments.size(text.substring(dash + 1), "--body"));
    }

    /** The next body's size. */
    public int next() {
        if (min == max) {
            return min;
        }
        double lo = Math.log(Math.max(1, min));
        double hi = Math.log(max + 1.0);
        return (int) Math.min(max, Math.max(min, Math.exp(lo + ThreadLocalRandom.current().nextDouble() * (hi - lo))));
    }

    @Override
    public String toString() {
        return min == max ? String.valueOf(min) : min + "-" + max;
    }
}
