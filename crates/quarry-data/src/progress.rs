//! Progress reporting: readers say how far they got; the binary decides how to show it.

use std::path::Path;

/// Receives progress from readers. Implementations must be cheap: this is called every
/// megabyte read and every few thousand records.
pub trait Progress: Sync {
    /// `bytes` more bytes of input (as stored, before decompression) and `records` more
    /// records read.
    fn advance(&self, bytes: u64, records: u64);

    /// A file is being started.
    fn file(&self, _path: &Path) {}
}

/// No progress display.
#[derive(Clone, Copy, Debug, Default)]
pub struct NoProgress;

impl Progress for NoProgress {
    fn advance(&self, _bytes: u64, _records: u64) {}
}
