package dev.ringalloc.bench;

import org.junit.jupiter.api.Test;
import org.openjdk.jmh.results.AggregationPolicy;
import org.openjdk.jmh.results.Result;

import static org.assertj.core.api.Assertions.assertThat;

class IterationFiguresTest {

    @Test
    void handsWhatWasPublishedToJmhOnceAfterTheIteration() {
        IterationFigures profiler = new IterationFigures();
        IterationFigures.publish("stale", 1, "#", AggregationPolicy.MAX);
        profiler.beforeIteration(null, null);
        IterationFigures.publish("latency.p99", 800, "ns", AggregationPolicy.AVG);
        IterationFigures.publish("memory.reserved", 4, "MiB", AggregationPolicy.MAX);
        IterationFigures.publish("memory.reserved", 5, "MiB", AggregationPolicy.MAX);

        assertThat(profiler.afterIteration(null, null, null))
                .extracting(Result::getLabel, Result::getScore, Result::getScoreUnit)
                .containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple("latency.p99", 800.0, "ns"),
                        org.assertj.core.groups.Tuple.tuple("memory.reserved", 5.0, "MiB"));
        assertThat(profiler.afterIteration(null, null, null)).as("each figure once").isEmpty();
    }
}
