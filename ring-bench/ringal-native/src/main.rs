//! Benchmark 4 (ring-bench's `RingAlTablesBenchmark`) on RingAl 0.4, the Rust ring allocator ring-core ports,
//! so that both run on one machine in one session. Each iteration does what the JMH benchmark's does: drop
//! the oldest of `held` kept buffers, take a buffer for the next pre-drawn length (1 to the row's size, the
//! same sequence as the Java side's `SplittableRandom`), write that many bytes and keep it. `fixed` writes
//! once into a buffer of that length; `extendable` starts at 64 bytes and writes 128-byte chunks, then
//! finalizes. The ring holds twice the row's most bytes in flight, as the Java side's does (RingAl rounds
//! it up to a power of two).
//!
//! With `--memcpy`, no allocator: the same writes, in the same calls, go with `copy_from_slice` (the C library's
//! `memcpy`, which RingAl's writes end in) into one region the size of ring-core's ring, at an offset that moves
//! on as a ring's head does (the length in whole words plus an 8-byte guard) and wraps: the copy's own cost on
//! the row, beside what benchmark 4's `copy` implementation measures for the JVM's copy routine.
//!
//! Per row: two 1-second warm-up iterations, three measured; prints the median in ns per buffer.
//! Usage: `ringal-native [--memcpy] [fixed,extendable]`.
use ringal::{FixedBufMut, RingAl};
use std::hint::black_box;
use std::io::Write;
use std::time::Instant;

/// Lengths drawn per row, as `Payloads.lengths` draws them.
const LENGTHS: usize = 1 << 14;
/// The seed of `Payloads.lengths`.
const SEED: u64 = 0x1e_2e_3e;
const INITIAL: usize = 64;
const CHUNK: usize = 128;
const ROWS: [(&str, usize, usize); 5] = [
    ("10M_64_64", 64, 64),
    ("10M_1024_64", 1024, 64),
    ("10M_1024_1024", 1024, 1024),
    ("1M_65536_64", 65536, 64),
    ("1M_131072_1024", 131072, 1024),
];

/// `java.util.SplittableRandom(seed).nextInt(bound)` for a power-of-two `bound`, so that both sides draw the
/// same lengths.
struct SplitMix {
    seed: u64,
}

impl SplitMix {
    const GAMMA: u64 = 0x9e37_79b9_7f4a_7c15;

    fn next_int_pow2(&mut self, bound: u32) -> u32 {
        self.seed = self.seed.wrapping_add(Self::GAMMA);
        let mut z = self.seed;
        z = (z ^ (z >> 33)).wrapping_mul(0x62a9_d9ed_7997_05f5);
        let r = ((z ^ (z >> 28)).wrapping_mul(0xcb24_d0a5_c88c_35b3) >> 32) as u32;
        r & (bound - 1)
    }
}

fn lengths(max: usize) -> Vec<usize> {
    assert!(max.is_power_of_two());
    let mut random = SplitMix { seed: SEED };
    (0..LENGTHS).map(|_| 1 + random.next_int_pow2(max as u32) as usize).collect()
}

fn iterate(ring: &mut RingAl, kept: &mut [Option<FixedBufMut>], extendable: bool, from: usize, count: usize,
           lengths: &[usize], payload: &[u8]) {
    let held = kept.len();
    for i in from..from + count {
        let slot = i & (held - 1);
        let len = lengths[i & (LENGTHS - 1)];
        kept[slot] = None; // the oldest is released before the next buffer is taken
        let made = if extendable {
            let mut buf = ring.extendable(INITIAL).expect("ring full");
            let mut at = 0;
            while at < len {
                let n = CHUNK.min(len - at);
                buf.write_all(&payload[at..at + n]).expect("write");
                at += n;
            }
            buf.finalize()
        } else {
            let mut buf = ring.fixed(len).expect("ring full");
            buf.write_all(&payload[..len]).expect("write");
            buf
        };
        kept[slot] = Some(black_box(made));
    }
}

/// The `--memcpy` side: where the next copy goes in a region of ring-core's ring capacity.
struct Region {
    bytes: Vec<u8>,
    offset: usize,
}

impl Region {
    /// `len` bytes of `payload`, in calls of at most `chunk` bytes, to where a ring's next buffer would be.
    fn copy(&mut self, payload: &[u8], len: usize, chunk: usize) {
        let span = 8 + ((len + 7) & !7);
        if self.offset + span > self.bytes.len() {
            self.offset = 0;
        }
        let at = self.offset + 8;
        let mut from = 0;
        while from < len {
            let n = chunk.min(len - from);
            self.bytes[at + from..at + from + n].copy_from_slice(&payload[from..from + n]);
            from += n;
        }
        self.offset += span;
    }
}

fn copy_only(region: &mut Region, extendable: bool, from: usize, count: usize, lengths: &[usize], payload: &[u8]) {
    for i in from..from + count {
        let len = lengths[i & (LENGTHS - 1)];
        region.copy(payload, len, if extendable { CHUNK } else { len });
    }
    black_box(&region.bytes);
}

/// ring-core's ring capacity for a row (`NettyAllocator.ringCapacityFor`): twice the bytes in flight, at least
/// 1 MiB, a multiple of 64.
fn ring_core_capacity(max: usize, held: usize) -> usize {
    ((1usize << 20).max(2 * (held * max + 4 * max)) + 63) & !63
}

fn main() {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let memcpy = args.first().map(|a| a == "--memcpy").unwrap_or(false);
    if memcpy {
        args.remove(0);
    }
    let kinds = args.first().cloned().unwrap_or_else(|| "fixed,extendable".to_string());
    for kind in kinds.split(',') {
        let extendable = match kind {
            "fixed" => false,
            "extendable" => true,
            other => panic!("kind must be fixed or extendable, got {other}"),
        };
        for (name, max, held) in ROWS {
            let lengths = lengths(max);
            let payload: Vec<u8> = (0..max).map(|i| (i * 31 + 7) as u8).collect();
            // One side per run: RingAl's ring, or the region the copies alone go to.
            let mut ring = (!memcpy).then(|| RingAl::new((1usize << 20).max(2 * (held * max + 4 * max))));
            let mut kept: Vec<Option<FixedBufMut>> = (0..held).map(|_| None).collect();
            let mut region = memcpy.then(|| Region { bytes: vec![0u8; ring_core_capacity(max, held)], offset: 0 });
            let batch = if max >= 65536 { 10_000 } else { 200_000 };
            let mut next = 0;
            let mut measured = Vec::new();
            for iteration in 0..5 {
                let start = Instant::now();
                let mut done = 0;
                while start.elapsed().as_secs_f64() < 1.0 {
                    match (&mut ring, &mut region) {
                        (Some(ring), _) => iterate(ring, &mut kept, extendable, next, batch, &lengths, &payload),
                        (None, Some(region)) => copy_only(region, extendable, next, batch, &lengths, &payload),
                        (None, None) => unreachable!("one side is always made"),
                    }
                    next += batch;
                    done += batch;
                }
                if iteration >= 2 {
                    measured.push(start.elapsed().as_nanos() as f64 / done as f64);
                }
            }
            measured.sort_by(|a, b| a.total_cmp(b));
            let who = if memcpy { "memcpy" } else { "ringal" };
            println!("{who} {kind} {name} {:.1} ns/op (iterations {:.1} {:.1} {:.1})", measured[1], measured[0],
                     measured[1], measured[2]);
        }
    }
}

#[cfg(test)]
mod tests {
    /// `new SplittableRandom(0x1e_2e_3eL)`, then `1 + nextInt(1024)` five times, on JDK 17.
    #[test]
    fn draws_the_lengths_the_java_side_draws() {
        assert_eq!(&super::lengths(1024)[..5], &[69, 603, 995, 24, 378]);
    }
}
