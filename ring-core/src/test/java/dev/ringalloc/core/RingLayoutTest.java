package dev.ringalloc.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The layouts that padding claims. {@link RingOwnerFields}: every field the owner writes on an allocation lies at
 * least one cache line (64 bytes) before every field a releasing thread reads ({@code Ring}'s own), so that
 * allocating does not invalidate the lines a release on another thread needs. {@link ReturnQueue}: the slots'
 * fields, the producers' and the consumer's index lie a cache line apart, so that a poll does not invalidate
 * the line every offer reads. {@link ObjectPool}: the owner's waiting line a cache line before the fields every
 * recycling thread reads. Field offsets come from {@code sun.misc.Unsafe}, so the test runs where the
 * library may use it (JDK 17 to 23, or 24+ with the JVM's permission).
 */
class RingLayoutTest {

    @Test
    void ownerFieldsAndReleaserFieldsAreACacheLineApart() {
        assumeTrue(UnsafeAccess.UNSAFE != null, "field offsets need sun.misc.Unsafe");
        long lastOwnerField = -1;
        for (Field f : instanceFields(RingOwnerFields.class)) {
            lastOwnerField = Math.max(lastOwnerField, UnsafeAccess.UNSAFE.objectFieldOffset(f) + 8);
        }
        long firstReleaserField = Long.MAX_VALUE;
        for (Field f : instanceFields(Ring.class)) {
            firstReleaserField = Math.min(firstReleaserField, UnsafeAccess.UNSAFE.objectFieldOffset(f));
        }
        assertThat(instanceFields(RingOwnerFields.class)).as("owner fields found").hasSizeGreaterThan(5);
        assertThat(firstReleaserField - lastOwnerField)
                .as("bytes between the owner's last field and Ring's first (memory, tail, state...)")
                .isGreaterThanOrEqualTo(64);
    }

    @Test
    void returnQueueIndicesAreACacheLineApartFromEachOtherAndFromTheSlots() {
        assumeTrue(UnsafeAccess.UNSAFE != null, "field offsets need sun.misc.Unsafe");
        long slots = offset(ReturnQueue.class, "slots");
        long mask = offset(ReturnQueue.class, "mask");
        long producerIndex = offset(ReturnQueue.class, "producerIndex");
        long producerLimit = offset(ReturnQueue.class, "producerLimit");
        long consumerIndex = offset(ReturnQueue.class, "consumerIndex");
        long producersFirst = Math.min(producerIndex, producerLimit);
        long producersLast = Math.max(producerIndex, producerLimit) + 8;
        assertThat(producersFirst - (Math.max(slots, mask) + 8)).as("bytes between the slots' fields and the producers'")
                .isGreaterThanOrEqualTo(64);
        assertThat(consumerIndex - producersLast).as("bytes between the producers' fields and the consumer's index")
                .isGreaterThanOrEqualTo(64);
    }

    @Test
    void objectPoolOwnerFieldsAreACacheLineBeforeTheFieldsOtherThreadsRead() {
        assumeTrue(UnsafeAccess.UNSAFE != null, "field offsets need sun.misc.Unsafe");
        long lastOwnerField = 0;
        for (String name : new String[] {"waiting", "first", "count"}) {
            lastOwnerField = Math.max(lastOwnerField, offset(ObjectPool.class, name) + 8);
        }
        long firstShared = Long.MAX_VALUE;
        for (String name : new String[] {"factory", "quarantine", "returns"}) {
            firstShared = Math.min(firstShared, offset(ObjectPool.class, name));
        }
        assertThat(firstShared - lastOwnerField).as("bytes between the owner's line and the fields recyclers read")
                .isGreaterThanOrEqualTo(64);
    }

    /** The offset of field {@code name}, declared by {@code type} or one of its superclasses. */
    private static long offset(Class<?> type, String name) {
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            for (Field f : instanceFields(c)) {
                if (f.getName().equals(name)) {
                    return UnsafeAccess.UNSAFE.objectFieldOffset(f);
                }
            }
        }
        throw new AssertionError("no field " + name + " in " + type + " or its superclasses");
    }

    private static List<Field> instanceFields(Class<?> type) {
        List<Field> fields = new ArrayList<>();
        for (Field f : type.getDeclaredFields()) {
            if (!Modifier.isStatic(f.getModifiers())) {
                fields.add(f);
            }
        }
        return fields;
    }
}
