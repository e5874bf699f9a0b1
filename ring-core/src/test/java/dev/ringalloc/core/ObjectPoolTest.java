package dev.ringalloc.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * {@link ObjectPool}'s order (newest first without a quarantine, oldest first behind one), its two paths back
 * (the owner's line, other threads' queue), its bounds, and its bad input. Objects are numbered as the factory
 * makes them.
 */
class ObjectPoolTest {

    /** An object a pool hands out: its number in the order the factory made it. */
    static final class Item {
        final int serial;

        Item(int serial) {
            this.serial = serial;
        }
    }

    private int made;

    private ObjectPool<Item> pool(int quarantine, int returnSlots) {
        return new ObjectPool<>(p -> new Item(made++), quarantine, returnSlots);
    }

    @Test
    void withoutQuarantineTheNewestReleasedComesBackFirst() {
        ObjectPool<Item> pool = pool(0, 16);
        Item a = pool.get();
        Item b = pool.get();
        Item c = pool.get();
        pool.recycleOnOwner(a);
        pool.recycleOnOwner(b);
        pool.recycleOnOwner(c);
        assertThat(pool.get()).isSameAs(c);
        assertThat(pool.get()).isSameAs(b);
        assertThat(pool.get()).isSameAs(a);
        assertThat(pool.get().serial).as("a new object once the line is empty").isEqualTo(3);
    }

    @Test
    void behindAQuarantineTheOldestComesBackOnlyWhenEnoughWaitBehindIt() {
        ObjectPool<Item> pool = pool(2, 16);
        List<Item> items = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            items.add(pool.get());
        }
        pool.recycleOnOwner(items.get(0));
        pool.recycleOnOwner(items.get(1));
        assertThat(pool.get().serial).as("two waiting, quarantine 2: a new object").isEqualTo(4);
        pool.recycleOnOwner(items.get(2));
        assertThat(pool.get()).as("three waiting: the oldest").isSameAs(items.get(0));
        assertThat(pool.get().serial).as("two waiting again").isEqualTo(5);
        pool.recycleOnOwner(items.get(3));
        assertThat(pool.get()).isSameAs(items.get(1));
    }

    @Test
    void objectsReleasedOnOtherThreadsComeBackThroughTheQueue() throws InterruptedException {
        ObjectPool<Item> pool = pool(0, 4);
        List<Item> items = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            items.add(pool.get());
        }
        Thread other = new Thread(() -> items.forEach(pool::recycleElsewhere));
        other.start();
        other.join();
        Set<Item> back = new HashSet<>();
        for (int i = 0; i < 6; i++) {
            back.add(pool.get());
        }
        assertThat(back).as("the queue holds 4; the 2 offered to a full queue were dropped")
                .containsAll(items.subList(0, 4)).doesNotContainAnyElementsOf(items.subList(4, 6));
        assertThat(made).isEqualTo(8);
    }

    @Test
    void theLineKeepsAtMostMaxWaitingObjects() {
        ObjectPool<Item> pool = pool(0, 16);
        List<Item> items = new ArrayList<>();
        for (int i = 0; i <= ObjectPool.MAX_WAITING; i++) {
            items.add(pool.get());
        }
        items.forEach(pool::recycleOnOwner);
        Set<Item> back = new HashSet<>();
        for (int i = 0; i <= ObjectPool.MAX_WAITING; i++) {
            back.add(pool.get());
        }
        assertThat(back).as("the last one recycled into a full line was dropped")
                .doesNotContain(items.get(ObjectPool.MAX_WAITING)).hasSize(ObjectPool.MAX_WAITING + 1);
        assertThat(made).isEqualTo(ObjectPool.MAX_WAITING + 2);
    }

    @Test
    void withoutReturnSlotsEveryGetMakesANewObject() {
        ObjectPool<Item> pool = pool(0, 0);
        Item a = pool.get();
        pool.recycleOnOwner(a);
        pool.recycleElsewhere(a);
        assertThat(pool.get()).isNotSameAs(a);
    }

    @Test
    void badArgumentsAreRejected() {
        assertThatThrownBy(() -> pool(-1, 16)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("quarantine");
        assertThatThrownBy(() -> pool(0, 12)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("power of two");
    }
}
