//! Hash maps keyed by short strings (column names, device ids) with foldhash, the hasher
//! DataFusion's tables use, instead of std's SipHash: lookups per decoded value are a
//! measurable share of ingest. Not for keys an attacker picks to collide; here the worst case
//! is a slower ingest.

/// A fixed-seed foldhash `BuildHasher` (deterministic, no per-process randomness needed).
pub type FastBuild = foldhash::fast::FixedState;

/// A `HashMap` with [`FastBuild`].
pub type FastMap<K, V> = std::collections::HashMap<K, V, FastBuild>;

/// A `HashSet` with [`FastBuild`].
pub type FastSet<K> = std::collections::HashSet<K, FastBuild>;
