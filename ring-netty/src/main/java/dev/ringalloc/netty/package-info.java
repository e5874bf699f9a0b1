/**
 * A Netty {@link io.netty.buffer.ByteBufAllocator} serving short-lived direct buffers from one ring per event
 * loop: {@link dev.ringalloc.netty.RingByteBufAllocator}, its buffer {@link dev.ringalloc.netty.RingByteBuf}
 * and its figures {@link dev.ringalloc.netty.RingByteBufAllocatorMetric}.
 *
 * <p>Adoption is one line: {@code bootstrap.childOption(ChannelOption.ALLOCATOR, RingByteBufAllocator.DEFAULT);}
 */
package dev.ringalloc.netty;
