/**
 * Micrometer meters for {@link dev.ringalloc.netty.RingByteBufAllocator}:
 * {@link dev.ringalloc.netty.micrometer.RingAllocatorMetrics}. Micrometer is an optional dependency of ring-netty:
 * only this package uses it, and the allocator never loads it.
 */
package dev.ringalloc.netty.micrometer;
