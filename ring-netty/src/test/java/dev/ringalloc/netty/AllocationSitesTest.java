package dev.ringalloc.netty;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Allocation-site mode ({@value RingByteBufAllocator#ALLOCATION_SITES_PROPERTY}), read once per JVM: a child JVM
 * with it on ({@link SitesChild}) names the oldest buffer's allocation site in the dump and in the ring-full event,
 * with exact ages.
 */
class AllocationSitesTest {

    @Test
    void theDumpAndTheRingFullEventNameWhereTheOldestBufferWasAllocated() throws Exception {
        ChildJvm.Result child = ChildJvm.run(List.of("-D" + RingByteBufAllocator.ALLOCATION_SITES_PROPERTY + "=true"),
                SitesChild.class);
        assertThat(child.out()).contains("SITES-CHILD done");
        assertThat(child.err()).isEmpty();
        String dump = child.out().substring(child.out().indexOf("SITES-DUMP-BEGIN"), child.out().indexOf("SITES-DUMP-END"));
        assertThat(dump).contains("allocation sites on");
        String oldest = dump.substring(dump.indexOf("1. age "), dump.indexOf("2. age "));
        assertThat(oldest).doesNotContain(" to ", "at most").contains(", 1000 B");
        List<String> site = oldest.lines().skip(1).map(String::trim).toList();
        assertThat(site.get(0)).as("the first frame is the caller, not the allocator")
                .startsWith("at " + SitesChild.class.getName() + ".holdOldest(SitesChild.java:");
        assertThat(site).hasSizeLessThanOrEqualTo(RingHistory.SITE_FRAMES);
        assertThat(child.out()).contains("RING-FULL exact=true site:\nat " + SitesChild.class.getName() + ".holdOldest(");
    }
}
