package dev.ringalloc.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * What the ring must achieve in one table, declared beside the benchmark in its {@link TableSpec}. Checked
 * against the report, a target gives one {@link Verdict} per key it covers that was measured (none if the
 * run did not measure it). The factories below are the kinds of target the benchmarks declare.
 */
@FunctionalInterface
public interface Target {

    /** The series every target is about. */
    String RING = "ring";

    /** How a target fared, and how the console and the markdown say it. */
    enum Outcome {
        /** Measured and met. */
        MET("[met]", "yes"),
        /** Measured and missed. */
        MISSED("[MISSED]", "**no**"),
        /** Measured, but the figures cannot settle it (noise, or a figure the run could not take). */
        INCONCLUSIVE("[open]", "open");

        /** The console's mark. */
        final String text;
        /** The markdown's "met" cell. */
        final String markdown;

        Outcome(String text, String markdown) {
            this.text = text;
            this.markdown = markdown;
        }
    }

    /**
     * One target checked.
     *
     * @param claim    what it claims, e.g. {@code shortLived-w64 64 B: ring ≥ 2× pooled}
     * @param measured the figures that decide it
     * @param outcome  met, missed, or inconclusive
     */
    record Verdict(String claim, String measured, Outcome outcome) {
        /** True if met. */
        public boolean met() {
            return outcome == Outcome.MET;
        }
    }

    /** The verdicts of this target on {@code table}'s measurements in {@code report}. */
    List<Verdict> check(Report report, TableSpec table);

    /** One key's check of a target that is checked key by key: empty if the key's figures are missing. */
    @FunctionalInterface
    interface KeyCheck {
        /** The verdict at {@code key}, or empty. */
        Optional<Verdict> check(Report report, TableSpec table, String key, Measurement ring, Measurement other);
    }

    /**
     * The ring's throughput at least {@code atLeast} × {@code other}'s (the median of per-round ratios,
     * {@link Report#ratio(Measurement, Measurement)}), at {@code keys} or at every key if none is given.
     * Where it misses and the table has a reference (no allocator) that is slower than the target asks, it
     * says the target is out of reach there.
     */
    static Target ratio(String other, double atLeast, String... keys) {
        String times = atLeast == Math.rint(atLeast) ? String.valueOf((int) atLeast) : String.valueOf(atLeast);
        return throughput("ring ≥ " + times + "× " + other, times + "× " + other, other, atLeast, false, keys);
    }

    /** The ring's throughput above {@code other}'s (a ratio strictly above 1), at {@code keys} or every key. */
    static Target ahead(String other, String... keys) {
        return throughput("ring ahead of " + other, other + "'s rate", other, 1.0, true, keys);
    }

    private static Target throughput(String what, String asked, String other, double atLeast, boolean strictly,
                                     String[] keys) {
        return byKey(other, keys, (report, t, key, ring, o) -> {
            double r = Report.ratio(ring, o);
            boolean met = strictly ? r > atLeast : r >= atLeast;
            String measured = Report.ratioText(r);
            Optional<Measurement> reference = report.referenceOf(o);
            double needed = reference.map(ceiling -> atLeast * Report.ratio(o, ceiling)).orElse(Double.NaN);
            if (!met && needed > 1) {
                // The target asks for more than the same work with no allocator at all achieved: say so.
                measured += String.format(Locale.ROOT, "; out of reach here: %s would be %s the %s (the same "
                                + "writes, no allocator); the ring is at %s of it", asked,
                        Report.ratioText(needed), t.reference(), Report.ratioText(Report.ratio(ring, reference.get())));
            }
            return Optional.of(verdict(t, key, what, measured, met));
        });
    }

    /**
     * The ring's nanoseconds per operation above the table's reference (the floor) at most half of
     * {@code other}'s, at {@code keys} or every key: the ring's own cost at most half the other's.
     */
    static Target halfTheCostAboveReference(String other, String... keys) {
        return byKey(other, keys, (report, t, key, ring, o) -> report.referenceOf(ring).map(floor -> {
            double ringAbove = Report.nanosAbove(ring, floor);
            double otherAbove = Report.nanosAbove(o, floor);
            String what = "ring's ns above " + t.reference() + " ≤ ½ " + other + "'s";
            if (ringAbove < 0 || otherAbove <= 0) {
                // Nothing allocates faster than no allocator: the reference's run was disturbed. Say so.
                return new Verdict(claim(t, key, what), String.format(Locale.ROOT, "inconclusive: %.1f vs %.1f ns, "
                        + "an allocator measured faster than the %s (noise; rerun)", ringAbove, otherAbove,
                        t.reference()), Outcome.INCONCLUSIVE);
            }
            return verdict(t, key, what, String.format(Locale.ROOT, "%.1f vs %.1f ns (%.2f)", ringAbove, otherAbove,
                    ringAbove / otherAbove), ringAbove <= 0.5 * otherAbove);
        }));
    }

    /** The ring's peak direct memory below {@code other}'s at every key. */
    static Target lessDirectMemory(String other) {
        return byKey(other, new String[0], (report, t, key, ring, o) -> {
            if (Double.isNaN(ring.directMiB()) || Double.isNaN(o.directMiB())) {
                return Optional.empty();
            }
            return Optional.of(verdict(t, key, "ring's direct memory < " + other + "'s",
                    String.format(Locale.ROOT, "%.1f vs %.1f MiB", ring.directMiB(), o.directMiB()),
                    ring.directMiB() < o.directMiB()));
        });
    }

    /**
     * The ring's figure {@code ringLabel} at most {@code atMost} × {@code other}'s figure {@code otherLabel}
     * (figures the benchmark published: {@link IterationFigures}), at every key. {@code claim} says it with
     * {@code %s} for {@code other}. A ring figure the run could not take (NaN) is inconclusive.
     */
    static Target figure(String claim, String ringLabel, String otherLabel, double atMost, String unit,
                         String other) {
        return byKey(other, new String[0], (report, t, key, ring, o) -> {
            double mine = ring.figure(ringLabel);
            double theirs = o.figure(otherLabel);
            String what = String.format(Locale.ROOT, claim, other);
            if (Double.isNaN(theirs)) {
                return Optional.empty();
            }
            if (Double.isNaN(mine)) {
                return Optional.of(new Verdict(claim(t, key, what), "not measured: the run has no " + ringLabel
                        + " for the ring", Outcome.INCONCLUSIVE));
            }
            return Optional.of(verdict(t, key, what, String.format(Locale.ROOT, "%.1f vs %.1f %s", mine, theirs, unit),
                    mine <= atMost * theirs));
        });
    }

    /** The ring allocates no garbage: {@code gc.alloc.rate.norm} below 0.5 B/op in every row of the table. */
    static Target zeroGarbage() {
        return (report, t) -> {
            double worst = Double.NaN;
            for (String key : report.keys(t.id())) {
                double b = report.find(t.id(), RING, key).map(Measurement::bytesPerOp).orElse(Double.NaN);
                if (!Double.isNaN(b)) {
                    worst = Double.isNaN(worst) ? b : Math.max(worst, b);
                }
            }
            if (Double.isNaN(worst)) {
                return List.of();
            }
            return List.of(new Verdict(t.id() + ": ring 0 B/op (gc.alloc.rate.norm)",
                    String.format(Locale.ROOT, "worst %.2f B/op", worst), worst < 0.5 ? Outcome.MET : Outcome.MISSED));
        };
    }

    /** A target checked at {@code keys} (every measured key if empty) where both the ring and {@code other} ran. */
    private static Target byKey(String other, String[] keys, KeyCheck check) {
        Set<String> only = Set.of(keys);
        return (report, t) -> {
            List<Verdict> out = new ArrayList<>();
            for (String key : report.keys(t.id())) {
                if (!only.isEmpty() && !only.contains(key)) {
                    continue;
                }
                Optional<Measurement> ring = report.find(t.id(), RING, key);
                Optional<Measurement> o = report.find(t.id(), other, key);
                if (ring.isPresent() && o.isPresent()) {
                    check.check(report, t, key, ring.get(), o.get()).ifPresent(out::add);
                }
            }
            return out;
        };
    }

    private static String claim(TableSpec t, String key, String what) {
        return t.id() + " " + Report.keyLabel(key) + ": " + what;
    }

    private static Verdict verdict(TableSpec t, String key, String what, String measured, boolean met) {
        return new Verdict(claim(t, key, what), measured, met ? Outcome.MET : Outcome.MISSED);
    }
}
