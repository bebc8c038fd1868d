//! The seeded random source, the few distributions the generator draws from, and a linear-time
//! sort for uniform draws.
//!
//! Every draw goes through [`Rng::bits`], a SplitMix64 stream: ranges, floats and choices are
//! computed here rather than by a `rand` version whose algorithms may change between releases,
//! so a seed gives the same bytes for as long as this file does.

/// A deterministic random stream: SplitMix64 (a Weyl sequence through [`mix`]). Each stream
/// starts at a point derived from its seed and stream number; streams draw at most millions
/// of numbers from a period of 2^64, so they do not run into each other. (ChaCha8 cost a
/// refill every 32 draws and a branch on every draw: 2-3% of the generator's time.)
pub struct Rng {
    state: u64,
}

impl Rng {
    /// A stream for `seed`, split by `stream` so that independent parts of the output (one per
    /// time slice and table) do not shift each other when one of them draws more.
    pub fn new(seed: u64, stream: u64) -> Rng {
        Rng { state: mix(mix(seed ^ 0x7175_6172_7279_676e) ^ stream) }
    }

    /// A short stream for a key.
    pub fn keyed(key: u64) -> Rng {
        Rng { state: mix(key) }
    }

    /// 64 random bits.
    #[inline]
    pub fn bits(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        mix(self.state)
    }

    /// A number in `0..n` (0 when `n` is 0). Lemire's multiply-shift; its bias is below 2^-32
    /// for the small `n` used here.
    #[inline]
    pub fn below(&mut self, n: u64) -> u64 {
        ((self.bits() as u128 * n as u128) >> 64) as u64
    }

    /// A number in `lo..=hi`.
    #[inline]
    pub fn range(&mut self, lo: i64, hi: i64) -> i64 {
        if hi <= lo {
            return lo;
        }
        lo + self.below((hi - lo) as u64 + 1) as i64
    }

    /// A float in `[0, 1)`.
    #[inline]
    pub fn unit(&mut self) -> f64 {
        (self.bits() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// True with probability `p`.
    #[inline]
    pub fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    /// One element of a non-empty slice.
    #[inline]
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }

    /// An exponentially distributed value with the given mean.
    pub fn exp(&mut self, mean: f64) -> f64 {
        -mean * (1.0 - self.unit()).ln()
    }

    /// Appends `n` lower-case hex digits: each 64 random bits give 16 digits, lowest nibble
    /// first.
    pub fn hex(&mut self, out: &mut String, n: usize) {
        // The digits are made eight at a time in a word and stored as whole words, then appended
        // with one `push_str`: written byte by byte, the UTF-8 check's word reads stalled on the
        // byte stores (store forwarding), 3% of the generator's time.
        let mut buf = [0u8; 64];
        let mut left = n;
        while left > 0 {
            let chunk = left.min(buf.len());
            for words in buf[..chunk.div_ceil(16) * 16].chunks_exact_mut(16) {
                let bits = self.bits();
                words[..8].copy_from_slice(&hex_word(bits as u32).to_le_bytes());
                words[8..].copy_from_slice(&hex_word((bits >> 32) as u32).to_le_bytes());
            }
            push_ascii(out, &buf[..chunk]);
            left -= chunk;
        }
    }

    /// A random GUID in its lower-case 8-4-4-4-12 form (version 4 bits set).
    pub fn guid(&mut self) -> String {
        let mut out = String::with_capacity(36);
        self.guid_into(&mut out, false);
        out
    }

    /// Appends a random GUID (upper-case hex digits if `upper`).
    pub fn guid_into(&mut self, out: &mut String, upper: bool) {
        let (a, b) = (self.bits(), self.bits());
        push_guid(out, a, b, upper);
    }
}

/// The eight nibbles of `x` as lower-case hex digits, lowest nibble in the lowest byte.
#[inline]
fn hex_word(x: u32) -> u64 {
    // Spread the nibbles one per byte, then map 0-9 to '0'-'9' and 10-15 to 'a'-'f' in all
    // bytes at once.
    let mut v = x as u64;
    v = (v | v << 16) & 0x0000_ffff_0000_ffff;
    v = (v | v << 8) & 0x00ff_00ff_00ff_00ff;
    v = (v | v << 4) & 0x0f0f_0f0f_0f0f_0f0f;
    let letters = ((v + 0x0606_0606_0606_0606) >> 4) & 0x0101_0101_0101_0101;
    v + 0x3030_3030_3030_3030 + letters * (b'a' - b'0' - 10) as u64
}

/// Appends ASCII bytes as one `push_str` (a `char` at a time costs a capacity check and an
/// encoding step per byte: measured at a few per cent of generation).
#[inline]
pub(crate) fn push_ascii(out: &mut String, bytes: &[u8]) {
    // `str::from_utf8` checked these a byte at a time (2% of generation, on hashes); the
    // ASCII check runs a word at a time.
    if bytes.is_ascii() {
        // SAFETY: ASCII bytes are valid UTF-8, so `out` stays valid UTF-8.
        unsafe { out.as_mut_vec() }.extend_from_slice(bytes);
    } else {
        out.push_str(&String::from_utf8_lossy(bytes));
    }
}

/// Appends `v` as `n` hex digits, most significant first (like `{:0n$x}`).
#[inline]
fn push_hex_be(out: &mut String, v: u64, n: usize, upper: bool) {
    let digits: &[u8; 16] = if upper { b"0123456789ABCDEF" } else { HEX };
    let mut buf = [0u8; 16];
    for (i, b) in buf.iter_mut().take(n).enumerate() {
        *b = digits[((v >> (4 * (n - 1 - i))) & 15) as usize];
    }
    push_ascii(out, &buf[..n]);
}

/// Appends a version-4 shaped GUID text from 128 bits.
fn push_guid(out: &mut String, a: u64, b: u64, upper: bool) {
    let a = (a & 0xffff_ffff_ffff_0fff) | 0x4000;
    let b = (b & 0x3fff_ffff_ffff_ffff) | 0x8000_0000_0000_0000;
    push_hex_be(out, a >> 32, 8, upper);
    out.push('-');
    push_hex_be(out, (a >> 16) & 0xffff, 4, upper);
    out.push('-');
    push_hex_be(out, a & 0xffff, 4, upper);
    out.push('-');
    push_hex_be(out, b >> 48, 4, upper);
    out.push('-');
    push_hex_be(out, b & 0xffff_ffff_ffff, 12, upper);
}

const HEX: &[u8; 16] = b"0123456789abcdef";

/// A GUID text from 128 bits, version-4 shaped.
pub fn guid_from(a: u64, b: u64) -> String {
    let mut out = String::with_capacity(36);
    push_guid(&mut out, a, b, false);
    out
}

/// A 64-bit mix of a value (SplitMix64's finaliser): stable per-key pseudo-random numbers, for
/// values that must be the same wherever they are drawn (a process's id within the hour, a
/// file's hash).
#[inline]
pub fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// Mixes a text into a 64-bit key (FNV-1a then [`mix`]).
pub fn mix_str(seed: u64, text: &str) -> u64 {
    let mut h = 0xcbf2_9ce4_8422_2325u64 ^ seed;
    for b in text.bytes() {
        h ^= b as u64;
        h = h.wrapping_mul(0x100_0000_01b3);
    }
    mix(h)
}

/// `n` hex digits derived from `key`: a stable fake hash.
pub fn hex_of(key: u64, n: usize) -> String {
    let mut out = String::with_capacity(n);
    let mut k = key;
    while out.len() < n {
        k = mix(k);
        let mut bits = k;
        for _ in 0..16.min(n - out.len()) {
            out.push(HEX[(bits & 15) as usize] as char);
            bits >>= 4;
        }
    }
    out
}

/// A cumulative-weight table for drawing indices with skew (chatty processes, busy devices).
pub struct Weighted {
    cumulative: Vec<u64>,
    /// Where to start looking for a draw `x`: `guide[x >> shift]` is the first index whose
    /// cumulative weight passes `(x >> shift) << shift`, so the answer is at most a few
    /// entries on (with about two guide entries per item). A binary search over 5,000
    /// devices cost a mispredicted branch per step on every row.
    guide: Vec<u32>,
    shift: u32,
}

impl Weighted {
    /// A table over `weights`; zero weights are never drawn. All-zero weights draw index 0.
    pub fn new(weights: impl IntoIterator<Item = u64>) -> Weighted {
        let mut total = 0u64;
        let cumulative = weights
            .into_iter()
            .map(|w| {
                total += w;
                total
            })
            .collect::<Vec<u64>>();
        let buckets = (2 * cumulative.len()).max(1) as u64;
        // The least shift that leaves at most `buckets` buckets below the total.
        let shift = (0..64).find(|&s| total >> s < buckets).unwrap_or(63);
        let guide = (0..=total >> shift).map(|k| cumulative.partition_point(|&c| c <= k << shift) as u32).collect();
        Weighted { cumulative, guide, shift }
    }

    /// Zipf-like weights `1/(i+1)^s` scaled to integers, for `n` items.
    pub fn zipf(n: usize, s: f64) -> Weighted {
        Weighted::new((0..n).map(|i| ((1e9 / ((i + 1) as f64).powf(s)) as u64).max(1)))
    }

    /// Whether nothing can be drawn (every weight is zero).
    pub fn is_empty(&self) -> bool {
        self.cumulative.last().copied().unwrap_or(0) == 0
    }

    /// Draws an index.
    #[inline]
    pub fn draw(&self, rng: &mut Rng) -> usize {
        let total = self.cumulative.last().copied().unwrap_or(0);
        if total == 0 {
            return 0;
        }
        let x = rng.below(total);
        // The same index as `partition_point(|&c| c <= x)`.
        let mut i = self.guide[(x >> self.shift) as usize] as usize;
        while self.cumulative[i] <= x {
            i += 1;
        }
        i
    }
}

/// Sorts `values`, which are spread about evenly over `lo..hi` (uniform draws): a counting
/// pass into one bucket per value, then an insertion sort that has only each bucket's few
/// values to order. The result is what `sort_unstable` gives (the values are plain
/// integers), in linear time: a comparison sort of each time slice's draws cost 1% of
/// generation. A value outside `lo..hi` goes to the last bucket (the insertion sort still
/// puts it in place). `scratch` is working memory (the two are swapped).
pub fn sort_spread(values: &mut Vec<i64>, lo: i64, hi: i64, scratch: &mut Vec<i64>) {
    let n = values.len();
    let width = hi.saturating_sub(lo) as u64;
    if n < 32 || n as u64 >= width {
        values.sort_unstable();
        return;
    }
    // bucket(v) = floor((v - lo) * n / width), by one multiplication (it is only needed to
    // grow with v and stay below n); `scale` < 2^64 as n < width.
    let scale = (((n as u128) << 64) / width as u128) as u64;
    let last = n - 1;
    let bucket = |v: i64| ((((v.wrapping_sub(lo)) as u64 as u128 * scale as u128) >> 64) as usize).min(last);
    // starts[b]: where bucket b's values go.
    let mut starts = vec![0u32; n + 1];
    for &v in values.iter() {
        starts[bucket(v) + 1] += 1;
    }
    for b in 1..=n {
        starts[b] += starts[b - 1];
    }
    scratch.clear();
    scratch.resize(n, 0);
    for &v in values.iter() {
        let b = bucket(v);
        scratch[starts[b] as usize] = v;
        starts[b] += 1;
    }
    // Buckets are in order: only values within one bucket can be out of order.
    for i in 1..n {
        let v = scratch[i];
        let mut j = i;
        while j > 0 && scratch[j - 1] > v {
            scratch[j] = scratch[j - 1];
            j -= 1;
        }
        scratch[j] = v;
    }
    std::mem::swap(values, scratch);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_digits_are_the_nibbles_lowest_first() {
        // The digits `hex` wrote one at a time before it wrote words.
        fn reference(rng: &mut Rng, n: usize) -> String {
            let mut out = String::new();
            let mut left = n;
            while left > 0 {
                let mut bits = rng.bits();
                for _ in 0..left.min(16) {
                    out.push(HEX[(bits & 15) as usize] as char);
                    bits >>= 4;
                }
                left -= left.min(16);
            }
            out
        }
        for n in [0, 1, 2, 6, 8, 12, 15, 16, 17, 32, 40, 63, 64, 65, 100, 128] {
            let (mut a, mut b) = (Rng::new(9, n as u64), Rng::new(9, n as u64));
            let mut got = String::new();
            a.hex(&mut got, n);
            assert_eq!(got, reference(&mut b, n), "{n} digits");
        }
        assert_eq!(hex_word(0x0123_abcd), u64::from_le_bytes(*b"dcba3210"));
    }

    #[test]
    fn sort_spread_sorts_like_sort_unstable() {
        let mut rng = Rng::new(5, 5);
        let mut scratch = Vec::new();
        for (n, lo, hi) in [
            (0, 0, 10),
            (1, 5, 6),
            (31, 0, 1000),
            (32, 0, 1000),
            (1000, -500, 500),
            (5000, 0, 7),
            (4000, 1 << 40, (1 << 40) + crate::time::HOUR),
        ] {
            let mut values: Vec<i64> = (0..n).map(|_| lo + rng.below((hi - lo) as u64) as i64).collect();
            // Not spread evenly: every value in one corner.
            if n == 1000 {
                values.iter_mut().for_each(|v| *v = lo + (*v - lo) / 100);
            }
            let mut want = values.clone();
            want.sort_unstable();
            sort_spread(&mut values, lo, hi, &mut scratch);
            assert_eq!(values, want, "{n} values in {lo}..{hi}");
        }
        // Values outside the range are still put in place.
        let mut values: Vec<i64> = (0..100).rev().map(|v| v * 7 - 300).collect();
        let mut want = values.clone();
        want.sort_unstable();
        sort_spread(&mut values, 0, 1000, &mut scratch);
        assert_eq!(values, want);
    }

    #[test]
    fn weighted_draws_are_the_binary_search_answer() {
        for weights in [vec![5u64], vec![0, 3, 0, 0, 7, 1], vec![1; 5000], vec![u64::MAX / 8, 1, u64::MAX / 8]] {
            let w = Weighted::new(weights.iter().copied());
            let mut a = Rng::new(3, weights.len() as u64);
            let mut b = Rng::new(3, weights.len() as u64);
            for _ in 0..20_000 {
                let total = *w.cumulative.last().unwrap();
                let x = b.below(total);
                let want = w.cumulative.partition_point(|&c| c <= x);
                assert_eq!(w.draw(&mut a), want);
            }
        }
        let zipf = Weighted::zipf(300, 1.1);
        let mut rng = Rng::new(1, 1);
        let mut count = vec![0; 300];
        (0..30_000).for_each(|_| count[zipf.draw(&mut rng)] += 1);
        assert!(count[0] > count[10] && count[10] > count[200], "skewed towards the first items");
    }

    #[test]
    fn push_ascii_appends_text_whatever_the_bytes() {
        let mut out = String::from("é:");
        push_ascii(&mut out, b"0f3a");
        push_ascii(&mut out, "ü".as_bytes());
        push_ascii(&mut out, &[0xff]);
        assert_eq!(out, "é:0f3aü\u{fffd}");
    }

    #[test]
    fn same_seed_same_stream_and_streams_differ() {
        let a: Vec<u64> = (0..4)
            .map({
                let mut r = Rng::new(7, 1);
                move |_| r.bits()
            })
            .collect();
        let b: Vec<u64> = (0..4)
            .map({
                let mut r = Rng::new(7, 1);
                move |_| r.bits()
            })
            .collect();
        let c = Rng::new(7, 2).bits();
        assert_eq!(a, b);
        assert_ne!(a[0], c);
    }

    #[test]
    fn ranges_stay_inside_and_weights_skew() {
        let mut r = Rng::new(1, 0);
        for _ in 0..1000 {
            let v = r.range(-3, 5);
            assert!((-3..=5).contains(&v));
        }
        let w = Weighted::zipf(10, 1.2);
        let mut counts = [0usize; 10];
        for _ in 0..10_000 {
            counts[w.draw(&mut r)] += 1;
        }
        assert!(counts[0] > counts[9] * 5, "{counts:?}");
        assert!(counts.iter().all(|&c| c > 0));
        let zero = Weighted::new([0, 5, 0]);
        assert!((0..100).all(|_| zero.draw(&mut r) == 1));
    }

    #[test]
    fn guids_are_well_formed() {
        let g = Rng::new(3, 3).guid();
        assert_eq!(g.len(), 36);
        assert_eq!(g.as_bytes()[14], b'4');
    }
}
