//! Opening an input file: gzip is recognised by its magic bytes (whatever the name), bytes read
//! are reported to the progress display.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::Path;

use std::cell::RefCell;
use std::hash::Hasher;
use std::rc::Rc;

use flate2::read::MultiGzDecoder;
use twox_hash::XxHash64;

use crate::progress::Progress;

/// Read buffer size.
const BUF: usize = 1 << 17;
/// Progress is reported at least every this many bytes.
const REPORT_EVERY: u64 = 1 << 20;

/// The hashes computed while a file is read: the content hash (xxHash64 of every byte as
/// stored) and, when asked, the quick fingerprint of [`quick_fingerprint`], so that a file is
/// read once, not once to fingerprint it and again to ingest it.
#[derive(Default)]
pub struct ReadHash {
    full: XxHash64,
    /// Bytes seen so far.
    read: u64,
    /// The quick fingerprint being computed, and the file's size (its seed).
    quick: Option<(XxHash64, u64)>,
}

impl ReadHash {
    /// Also computes the quick fingerprint of a file of `size` bytes.
    pub fn with_quick(size: u64) -> ReadHash {
        ReadHash { quick: Some((XxHash64::with_seed(size), size)), ..ReadHash::default() }
    }

    fn write(&mut self, bytes: &[u8]) {
        self.full.write(bytes);
        if let Some((h, size)) = &mut self.quick {
            // The first EDGE bytes, or every byte of a file of at most 2 * EDGE.
            let take = if *size <= 2 * EDGE {
                bytes.len()
            } else {
                (EDGE.saturating_sub(self.read) as usize).min(bytes.len())
            };
            if take > 0 {
                h.write(&bytes[..take]);
            }
        }
        self.read += bytes.len() as u64;
    }

    /// The content hash and the quick fingerprint of `path`, once it was read to its end
    /// through this hash. When the reader stopped early (a document with a syntax error, a
    /// gzip stream that does not decode) or the size changed, the file is hashed again from
    /// disk, so the hashes are always those of the whole file.
    pub fn finish(&self, path: &Path) -> (u64, Option<u64>) {
        let whole = self.quick.as_ref().map_or(self.read, |&(_, size)| size);
        let complete = std::fs::metadata(path).is_ok_and(|m| m.len() == self.read && self.read == whole);
        if !complete {
            let full = hash_file(path).unwrap_or_else(|_| self.full.finish());
            let quick = self.quick.as_ref().and_then(|_| quick_fingerprint(path).ok().map(|(_, q)| q));
            return (full, quick);
        }
        let quick = match &self.quick {
            None => None,
            Some((h, size)) if *size <= 2 * EDGE => Some(h.finish()),
            Some((h, size)) => {
                // The last EDGE bytes, read again (one seek and one read).
                let mut h = h.clone();
                last_edge(path, *size, &mut h).ok().map(|()| h.finish())
            }
        };
        (self.full.finish(), quick)
    }
}

fn last_edge(path: &Path, size: u64, h: &mut XxHash64) -> io::Result<()> {
    use std::io::{Seek, SeekFrom};
    let mut file = File::open(path)?;
    file.seek(SeekFrom::Start(size - EDGE))?;
    let mut buf = vec![0u8; EDGE as usize];
    let n = read_full(&mut file, &mut buf)?;
    h.write(&buf[..n]);
    Ok(())
}

/// Hashes computed while a file is read, shared with the reader.
pub type SharedHash = Rc<RefCell<ReadHash>>;

/// The quick fingerprint hashes this many bytes at each end of a file.
const EDGE: u64 = 1 << 20;

/// A reader that reports the bytes read through it (and hashes them, when asked).
pub struct Counting<'p, R> {
    inner: R,
    progress: &'p dyn Progress,
    unreported: u64,
    hash: Option<SharedHash>,
}

impl<R: Read> Read for Counting<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        if let Some(h) = &self.hash {
            h.borrow_mut().write(&buf[..n]);
        }
        self.unreported += n as u64;
        if self.unreported >= REPORT_EVERY || n == 0 {
            self.progress.advance(self.unreported, 0);
            self.unreported = 0;
        }
        Ok(n)
    }
}

impl<R> Drop for Counting<'_, R> {
    fn drop(&mut self) {
        if self.unreported > 0 {
            self.progress.advance(self.unreported, 0);
        }
    }
}

/// Opens `path` for reading, decompressing gzip.
pub fn open<'p>(path: &Path, progress: &'p dyn Progress) -> io::Result<Box<dyn BufRead + 'p>> {
    open_hashed(path, progress, None)
}

/// Opens `path` for reading, decompressing gzip, and feeds the bytes read (as stored) to `hash`.
pub fn open_hashed<'p>(
    path: &Path,
    progress: &'p dyn Progress,
    hash: Option<SharedHash>,
) -> io::Result<Box<dyn BufRead + 'p>> {
    let file = File::open(path)?;
    let mut reader = BufReader::with_capacity(BUF, Counting { inner: file, progress, unreported: 0, hash });
    let head = reader.fill_buf()?;
    if head.starts_with(&[0x1f, 0x8b]) {
        Ok(Box::new(BufReader::with_capacity(BUF, MultiGzDecoder::new(reader))))
    } else {
        Ok(Box::new(reader))
    }
}

/// Whether `path` names a gzip file by its extension.
pub fn strip_gz(name: &str) -> &str {
    name.strip_suffix(".gz").or_else(|| name.strip_suffix(".GZ")).unwrap_or(name)
}

/// The xxHash64 of a whole file, as stored.
pub fn hash_file(path: &Path) -> io::Result<u64> {
    let mut file = File::open(path)?;
    let mut h = XxHash64::with_seed(0);
    let mut buf = vec![0u8; BUF];
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            return Ok(h.finish());
        }
        h.write(&buf[..n]);
    }
}

/// A quick fingerprint of a file: its size and the hash of its first and last megabyte. Files
/// with different fingerprints differ; equal ones are compared by [`hash_file`].
pub fn quick_fingerprint(path: &Path) -> io::Result<(u64, u64)> {
    use std::io::{Seek, SeekFrom};
    let mut file = File::open(path)?;
    let size = file.metadata()?.len();
    let mut h = XxHash64::with_seed(size);
    let mut buf = vec![0u8; EDGE as usize];
    let n = read_full(&mut file, &mut buf)?;
    h.write(&buf[..n]);
    if size > 2 * EDGE {
        file.seek(SeekFrom::Start(size - EDGE))?;
        let n = read_full(&mut file, &mut buf)?;
        h.write(&buf[..n]);
    } else if size > EDGE {
        let n = read_full(&mut file, &mut buf)?;
        h.write(&buf[..n]);
    }
    Ok((size, h.finish()))
}

fn read_full(file: &mut File, buf: &mut [u8]) -> io::Result<usize> {
    let mut got = 0;
    while got < buf.len() {
        let n = file.read(&mut buf[got..])?;
        if n == 0 {
            break;
        }
        got += n;
    }
    Ok(got)
}
