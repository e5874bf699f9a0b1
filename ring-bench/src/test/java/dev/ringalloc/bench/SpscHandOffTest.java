package dev.ringalloc.bench;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SpscHandOffTest {

    @Test
    void roundsCapacityUpToAPowerOfTwo() {
        assertThat(new SpscHandOff<>(1).capacity()).isEqualTo(1);
        assertThat(new SpscHandOff<>(3).capacity()).isEqualTo(4);
        assertThat(new SpscHandOff<>(256).capacity()).isEqualTo(256);
        assertThatThrownBy(() -> new SpscHandOff<>(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new SpscHandOff<>(16, 3)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new SpscHandOff<>(16, 32)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new SpscHandOff<>(16, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void isFifoAndRefusesWhenFull() {
        SpscHandOff<Integer> q = new SpscHandOff<>(4);
        for (int i = 0; i < 4; i++) {
            assertThat(q.offer(i)).isTrue();
        }
        assertThat(q.offer(99)).isFalse();
        assertThat(q.poll()).isEqualTo(0);
        assertThat(q.offer(4)).isTrue();
        List<Integer> drained = new ArrayList<>();
        assertThat(q.drain(drained::add)).isEqualTo(4);
        assertThat(drained).containsExactly(1, 2, 3, 4);
        assertThat(q.poll()).isNull();
        assertThat(q.size()).isZero();
    }

    @Test
    void batchedSidesSeeEachOthersProgressAtBatchBoundaries() {
        SpscHandOff<Integer> q = new SpscHandOff<>(8, 4);
        for (int i = 0; i < 3; i++) {
            assertThat(q.offer(i)).isTrue();
        }
        assertThat(q.poll()).as("three offered, none published").isNull();
        assertThat(q.offer(3)).isTrue();
        assertThat(q.poll()).as("the fourth publishes the batch").isEqualTo(0);
        assertThat(q.poll()).isEqualTo(1);
        for (int i = 4; i < 8; i++) {
            assertThat(q.offer(i)).isTrue();
        }
        assertThat(q.offer(8)).as("two taken but not published: 8 in the queue as far as the producer knows")
                .isFalse();
        assertThat(q.poll()).isEqualTo(2);
        assertThat(q.poll()).as("the consumer's fourth publishes its progress").isEqualTo(3);
        assertThat(q.offer(8)).isTrue();
        List<Integer> drained = new ArrayList<>();
        assertThat(q.drain(drained::add)).isEqualTo(5);
        assertThat(drained).containsExactly(4, 5, 6, 7, 8);
        assertThat(q.poll()).isNull();
        // After a drain both sides restart on a batch boundary: a full batch is published again.
        for (int i = 0; i < 3; i++) {
            assertThat(q.offer(100 + i)).isTrue();
        }
        assertThat(q.poll()).isNull();
        assertThat(q.offer(103)).isTrue();
        assertThat(q.poll()).isEqualTo(100);
    }

    @Test
    void handsEveryElementOverInOrderBetweenTwoThreads() throws InterruptedException {
        handsEveryElementOverInOrder(new SpscHandOff<>(16));
    }

    @Test
    void handsEveryElementOverInOrderBetweenTwoThreadsInBatches() throws InterruptedException {
        handsEveryElementOverInOrder(new SpscHandOff<>(64, 16));
    }

    /** The producer offers a multiple of 16, so every element is published without a final flush. */
    private static void handsEveryElementOverInOrder(SpscHandOff<Integer> q) throws InterruptedException {
        int count = 200_000;
        AtomicReference<String> problem = new AtomicReference<>();
        Thread consumer = new Thread(() -> {
            int expected = 0;
            while (expected < count) {
                Integer e = q.poll();
                if (e == null) {
                    Thread.onSpinWait();
                    continue;
                }
                if (e != expected) {
                    problem.set("expected " + expected + ", got " + e);
                    return;
                }
                expected++;
            }
        });
        consumer.start();
        for (int i = 0; i < count; i++) {
            while (!q.offer(i)) {
                Thread.onSpinWait();
            }
        }
        consumer.join();
        assertThat(problem.get()).isNull();
        assertThat(q.poll()).isNull();
    }
}
