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
    void handsEveryElementOverInOrderBetweenTwoThreads() throws InterruptedException {
        SpscHandOff<Integer> q = new SpscHandOff<>(16);
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
