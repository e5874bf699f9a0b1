package dev.ringalloc.netty;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufHolder;
import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.LongAdder;

/**
 * A pass-through handler that looks at every buffer read or written where it sits in a pipeline (a
 * {@link ByteBuf}, the content of a {@link ByteBufHolder}, each component of a composite) and counts, by kind (heap
 * or direct), whether it is a ring buffer in a ring region, a ring buffer over fallback memory, or not a ring
 * buffer at all. Empty buffers are not counted (Netty's shared empty buffer belongs to no allocator). Shareable:
 * counters are safe from any thread.
 */
@ChannelHandler.Sharable
final class RingProbe extends ChannelDuplexHandler {

    private final String name;
    private final LongAdder heapInRing = new LongAdder();
    private final LongAdder heapInFallback = new LongAdder();
    private final LongAdder directInRing = new LongAdder();
    private final LongAdder directInFallback = new LongAdder();
    private final LongAdder foreign = new LongAdder();
    /** What the first foreign buffers were, for the failure message. */
    private final Queue<String> foreignSeen = new ConcurrentLinkedQueue<>();

    RingProbe(String name) {
        this.name = name;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        record(msg);
        ctx.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        record(msg);
        ctx.write(msg, promise);
    }

    /** Counts the buffers of {@code msg}, for a handler that looks at its own messages. */
    void record(Object msg) {
        if (msg instanceof ByteBuf) {
            count((ByteBuf) msg);
        } else if (msg instanceof ByteBufHolder) {
            count(((ByteBufHolder) msg).content());
        }
    }

    private void count(ByteBuf buf) {
        if (buf.capacity() == 0) {
            return;
        }
        if (buf instanceof CompositeByteBuf) {
            for (ByteBuf component : (CompositeByteBuf) buf) {
                count(component);
            }
            return;
        }
        RingByteBuf ring = TestSupport.ringBuf(buf);
        if (ring == null) {
            foreign.increment();
            if (foreignSeen.size() < 5) {
                foreignSeen.add(buf.toString());
            }
        } else if (ring.isInRing()) {
            (ring.isDirect() ? directInRing : heapInRing).increment();
        } else {
            (ring.isDirect() ? directInFallback : heapInFallback).increment();
        }
    }

    long heapInRing() {
        return heapInRing.sum();
    }

    long heapInFallback() {
        return heapInFallback.sum();
    }

    long directInRing() {
        return directInRing.sum();
    }

    long directInFallback() {
        return directInFallback.sum();
    }

    /** Buffers that are no ring buffer at all: neither from the ring allocator nor wrapping its memory. */
    long foreign() {
        return foreign.sum();
    }

    @Override
    public String toString() {
        return name + ": heap " + heapInRing() + " in rings, " + heapInFallback() + " in fallback memory; direct "
                + directInRing() + " in rings, " + directInFallback() + " in fallback memory; other " + foreign()
                + (foreignSeen.isEmpty() ? "" : " " + foreignSeen);
    }
}
