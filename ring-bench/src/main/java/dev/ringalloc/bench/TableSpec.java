package dev.ringalloc.bench;

/**
 * A table of the comparison: one benchmark with its fixed parameters, its rows being series (allocators)
 * × sizes.
 *
 * @param id       short key, e.g. {@code shortLived-w64}
 * @param title    heading, e.g. {@code 1. Short-lived Netty buffers, window 64}
 * @param baseline the series ratios are taken against ({@code pooled}, or {@code byteArray} for ring-core)
 * @param sizeUnit what the size column holds ({@code B} for bytes, or empty for labels such as RingAl rows)
 * @param note     one line on what the operation is
 */
public record TableSpec(String id, String title, String baseline, String sizeUnit, String note) {
}
