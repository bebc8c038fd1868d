//! A Parquet file writer for generated batches.
//!
//! The generator knows which of its strings repeat: a process image's hashes and version
//! strings, a device's names and SIDs, the constant vocabulary. [`crate::table::Batch`] keeps
//! such columns dictionary-encoded as they are filled (by the address of a string that
//! outlives the batch, or by a caller's key), so this writer only lays out pages: a PLAIN
//! dictionary page and RLE/bit-packed index pages for those, PLAIN pages for the rest. The
//! Arrow writer would hash and compare every string again to build the same dictionaries
//! (a third of the generator's time, profiled).
//!
//! The files are ordinary Parquet (format 1.0 data pages, Snappy-compressed): the Arrow schema in
//! the `ARROW:schema` key, one row group per batch, page statistics (column index) on the
//! columns queries prune on, an offset index for every column, and Timestamp as the sorting
//! column. Page headers and the footer are written by the `parquet` crate.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use arrow::datatypes::Schema;
use parquet::arrow::{ArrowSchemaConverter, add_encoded_arrow_schema_to_metadata};
use parquet::basic::{BoundaryOrder, Compression, Encoding, EncodingMask, PageType, Type as PhysicalType};
use parquet::column::page::{CompressedPage, Page, PageWriter};
use parquet::data_type::ByteArray;
use parquet::file::metadata::{
    ColumnChunkMetaData, ColumnIndexBuilder, FileMetaData, KeyValue, OffsetIndexBuilder, PageEncodingStats,
    ParquetMetaDataBuilder, ParquetMetaDataWriter, RowGroupMetaData, SortingColumn,
};
use parquet::file::page_index::column_index::ColumnIndexMetaData;
use parquet::file::page_index::offset_index::OffsetIndexMetaData;
use parquet::file::properties::WriterProperties;
use parquet::file::statistics::{Statistics, ValueStatistics};
use parquet::file::writer::{SerializedPageWriter, TrackedWrite};
use parquet::schema::types::SchemaDescPtr;

use crate::GenError;
use crate::table::{Batch, Col, NULL_INDEX};

/// Bytes of a column's first page that decide whether its pages are compressed.
const SNAPPY_SAMPLE: usize = 64 * 1024;

/// A smaller first page (a column still empty in the first row group, a small table) decides
/// for its own chunk only.
const SNAPPY_SAMPLE_TO_KEEP: usize = 4 * 1024;

/// Whether Snappy's `compressed` bytes for `raw` bytes are worth their time: only where it
/// cuts the data by at least a third. (At a fifth, unique ids and numbers, which Snappy
/// compresses at a third of its usual speed, took a fifth of its time for 4% of the bytes.)
fn worth_compressing(compressed: usize, raw: usize) -> bool {
    compressed * 3 <= raw * 2
}

/// Rows per data page.
const PAGE_ROWS: usize = 16 * 1024;

/// Columns with page statistics: the ones queries prune on, the time above all. Min/max on
/// every string would cost a comparison per value and prune little.
const STATS: [&str; 5] = ["Timestamp", "DeviceId", "DeviceName", "ActionType", "ReportId"];

/// One Parquet file being written, a row group per [`PqFile::write`].
pub struct PqFile {
    path: PathBuf,
    out: BufWriter<File>,
    /// Bytes written so far (the position of the next byte).
    pos: u64,
    descr: SchemaDescPtr,
    kv: Vec<KeyValue>,
    stats: Vec<bool>,
    timestamp: usize,
    row_groups: Vec<RowGroupMetaData>,
    column_index: Vec<Vec<ColumnIndexMetaData>>,
    offset_index: Vec<Vec<OffsetIndexMetaData>>,
    rows: i64,
    /// Dictionary indices of the page's non-null values.
    ids: Vec<u32>,
    /// Definition levels of the page.
    levels: Vec<u32>,
    /// The page's non-null values of a `long` column that has nulls.
    longs: Vec<i64>,
    /// Which dictionary entries the page uses (statistics).
    used: Vec<u32>,
    /// The Snappy compressor (its hash table is reused from page to page).
    snappy: snap::raw::Encoder,
    /// The page being encoded and its compressed form, reused from page to page (fresh
    /// buffers of a few MB each cost page faults: a tenth of the time, profiled).
    page: Vec<u8>,
    packed: Vec<u8>,
}

fn err(path: &Path, e: impl std::fmt::Display) -> GenError {
    GenError::Parquet(path.to_path_buf(), e.to_string())
}

/// A chunk's pages as written, for its metadata.
#[derive(Default)]
struct Chunk {
    dictionary_offset: Option<i64>,
    data_offset: Option<i64>,
    compressed: i64,
    uncompressed: i64,
    data_pages: i32,
    offsets: Option<OffsetIndexBuilder>,
    /// Whether the chunk's pages are Snappy-compressed (see [`Codecs`]).
    snappy: Option<bool>,
    /// Whether that choice holds for the column's later chunks too.
    keep: bool,
}

/// Which of a table's columns are Snappy-compressed: decided on a sample of the first page
/// a column writes (see [`worth_compressing`]), then kept for every later chunk of the
/// column, in this file and the table's next ones (unless that page was too small to tell).
#[derive(Default)]
pub struct Codecs {
    snappy: Vec<Option<bool>>,
}

impl PqFile {
    /// Creates `path` for rows of `schema`.
    pub fn create(path: &Path, schema: &Schema) -> Result<PqFile, GenError> {
        let descr = Arc::new(ArrowSchemaConverter::new().convert(schema).map_err(|e| err(path, e))?);
        let mut props = WriterProperties::builder().build();
        add_encoded_arrow_schema_to_metadata(schema, &mut props);
        let kv = props.key_value_metadata().cloned().unwrap_or_default();
        let file = File::create(path).map_err(|e| GenError::Io(path.to_path_buf(), e))?;
        let mut out = BufWriter::with_capacity(1 << 20, file);
        out.write_all(b"PAR1").map_err(|e| GenError::Io(path.to_path_buf(), e))?;
        Ok(PqFile {
            path: path.to_path_buf(),
            out,
            pos: 4,
            stats: schema.fields().iter().map(|f| STATS.contains(&f.name().as_str())).collect(),
            timestamp: schema.index_of("Timestamp").unwrap_or(0),
            descr,
            kv,
            row_groups: Vec::new(),
            column_index: Vec::new(),
            offset_index: Vec::new(),
            rows: 0,
            ids: Vec::new(),
            levels: Vec::new(),
            longs: Vec::new(),
            used: Vec::new(),
            snappy: snap::raw::Encoder::new(),
            page: Vec::new(),
            packed: Vec::new(),
        })
    }

    /// Writes the batch's rows as one row group. `codecs` holds the table's decisions of
    /// which columns to compress (made on the first chunk of each, kept for its later files).
    pub fn write(&mut self, batch: &Batch, codecs: &mut Codecs) -> Result<(), GenError> {
        let rows = batch.rows();
        if rows == 0 {
            return Ok(());
        }
        let start = self.pos as i64;
        let mut chunks = Vec::with_capacity(batch.columns().len());
        let mut column_index = Vec::with_capacity(batch.columns().len());
        let mut offset_index = Vec::with_capacity(batch.columns().len());
        let mut total = 0;
        for (i, col) in batch.columns().iter().enumerate() {
            if codecs.snappy.len() <= i {
                codecs.snappy.resize(i + 1, None);
            }
            let (meta, ci, oi) = self.column(i, col, rows, &mut codecs.snappy[i])?;
            total += meta.uncompressed_size();
            chunks.push(meta);
            column_index.push(ci);
            offset_index.push(oi);
        }
        let row_group = RowGroupMetaData::builder(self.descr.clone())
            .set_num_rows(rows as i64)
            .set_total_byte_size(total)
            .set_column_metadata(chunks)
            .set_ordinal(self.row_groups.len() as i16)
            .set_file_offset(start)
            .set_sorting_columns(Some(vec![SortingColumn {
                column_idx: self.timestamp as i32,
                descending: false,
                nulls_first: false,
            }]))
            .build()
            .map_err(|e| err(&self.path, e))?;
        self.row_groups.push(row_group);
        self.column_index.push(column_index);
        self.offset_index.push(offset_index);
        self.rows += rows as i64;
        Ok(())
    }

    /// Snappy-compresses the first `len` bytes of `self.page` into `self.packed`; returns the
    /// compressed length.
    fn compress_page_start(&mut self, len: usize) -> Result<usize, GenError> {
        let max = snap::raw::max_compress_len(len);
        if self.packed.len() < max {
            self.packed.resize(max, 0);
        }
        self.snappy.compress(&self.page[..len], &mut self.packed).map_err(|e| err(&self.path, e))
    }

    /// Compresses the page encoded in `self.page` and writes it through the `parquet` crate's
    /// page writer (it writes the header); `make` wraps the compressed bytes in a [`Page`].
    fn put(&mut self, make: impl FnOnce(Vec<u8>) -> Page, chunk: &mut Chunk, rows: usize) -> Result<(), GenError> {
        let size = self.page.len();
        // Parquet's SNAPPY codec: the whole page (levels and values) as one raw Snappy block.
        // A column Snappy does not shrink by a third (random hashes and ids, bit-packed
        // indices) is written uncompressed: compressing it costs more time than the bytes it
        // saves are worth (a reader must decompress them too).
        // An uncompressed page is handed over, not copied (the next page gets a new buffer).
        // A page no larger than the sample is compressed once: the sample's bytes are the page's.
        let mut whole_page_compressed = None;
        if chunk.snappy.is_none() {
            // Decided once per column of a table, on a sample of its first page: Snappy's
            // speed on incompressible text (hashes, GUIDs, unique numbers) is its slowest,
            // so a test on a whole page of them cost more than the pages it kept small.
            let sample = size.min(SNAPPY_SAMPLE);
            let n = self.compress_page_start(sample)?;
            chunk.snappy = Some(worth_compressing(n, sample));
            chunk.keep = sample >= SNAPPY_SAMPLE_TO_KEEP;
            whole_page_compressed = (sample == size).then_some(n);
        }
        let page = if chunk.snappy == Some(false) {
            make(std::mem::take(&mut self.page))
        } else {
            let n = match whole_page_compressed {
                Some(n) => n,
                None => self.compress_page_start(size)?,
            };
            make(self.packed[..n].to_vec())
        };
        let is_dictionary = matches!(page, Page::DictionaryPage { .. });
        let mut tracked = TrackedWrite::new(&mut self.out);
        let spec = SerializedPageWriter::new(&mut tracked)
            .write_page(CompressedPage::new(page, size))
            .map_err(|e| err(&self.path, e))?;
        // Into our buffered file, without flushing it (a write per page cost system time).
        tracked.into_inner().map_err(|e| err(&self.path, e))?;
        let offset = self.pos as i64 + spec.offset as i64;
        self.pos += spec.bytes_written;
        chunk.compressed += spec.compressed_size as i64;
        chunk.uncompressed += spec.uncompressed_size as i64;
        if is_dictionary {
            chunk.dictionary_offset = Some(offset);
        } else {
            chunk.data_offset.get_or_insert(offset);
            chunk.data_pages += 1;
            let oi = chunk.offsets.get_or_insert_with(OffsetIndexBuilder::new);
            oi.append_offset_and_size(offset, spec.compressed_size as i32);
            oi.append_row_count(rows as i64);
        }
        Ok(())
    }

    fn column(
        &mut self,
        i: usize,
        col: &Col,
        rows: usize,
        snappy: &mut Option<bool>,
    ) -> Result<(ColumnChunkMetaData, ColumnIndexMetaData, OffsetIndexMetaData), GenError> {
        let descr = self.descr.column(i);
        let physical = descr.physical_type();
        let levels = descr.max_def_level() > 0;
        let stats = self.stats[i];
        let mut chunk = Chunk { snappy: *snappy, keep: snappy.is_some(), ..Chunk::default() };
        let mut index = ColumnIndexBuilder::new(physical);
        index.set_boundary_order(if i == self.timestamp { BoundaryOrder::ASCENDING } else { BoundaryOrder::UNORDERED });
        let mut min_max: Option<(Vec<u8>, Vec<u8>)> = None;
        let mut nulls_total = 0u64;
        let value_encoding = match col {
            Col::Dict { .. } => Encoding::RLE_DICTIONARY,
            Col::Long { .. } => Encoding::DELTA_BINARY_PACKED,
            _ => Encoding::PLAIN,
        };
        // Pages with no value are PLAIN (empty) whatever the column's encoding.
        let mut empty_pages = 0;
        if let Col::Dict { dict, .. } = col {
            let mut page = std::mem::take(&mut self.page);
            page.clear();
            page.reserve(dict.values.bytes.len() + 4 * dict.values.len());
            for v in 0..dict.values.len() {
                plain_bytes(&mut page, dict.values.get(v));
            }
            self.page = page;
            let num_values = dict.values.len() as u32;
            let make = |buf: Vec<u8>| Page::DictionaryPage {
                buf: buf.into(),
                num_values,
                encoding: Encoding::PLAIN,
                is_sorted: false,
            };
            self.put(make, &mut chunk, 0)?;
            self.used.clear();
            self.used.resize(dict.values.len(), u32::MAX);
        }
        let mut from = 0;
        let mut page_no = 0u32;
        while from < rows {
            let to = (from + PAGE_ROWS).min(rows);
            // Room for the whole page, so that it is not moved while it grows.
            let n = to - from;
            let room = match col {
                Col::Plain { values, .. } => {
                    let start = if from == 0 { 0 } else { values.ends[from - 1] };
                    values.ends[to - 1] - start + 4 * n
                }
                Col::Long { .. } => 8 * n,
                _ => 4 * n,
            };
            let mut page = std::mem::take(&mut self.page);
            page.clear();
            page.reserve(room + n / 8 + 64);
            // Definition levels: 1 for a value, 0 for a null. Most pages have no nulls, or
            // only nulls: one RLE run, without a level per row.
            let nulls = match col {
                // Only a dynamic column's dictionary indices can be nulls (a string's empty
                // value is "").
                Col::Dict { dynamic: false, .. } => 0,
                Col::Dict { dict, .. } => dict.idx[from..to].iter().filter(|&&x| x == NULL_INDEX).count(),
                Col::Plain { valid, .. }
                | Col::Long { valid, .. }
                | Col::Int { valid, .. }
                | Col::Bool { valid, .. } => valid.nulls(from..to),
                Col::Null(_) => n,
            } as u64;
            nulls_total += nulls;
            if levels {
                let at = page.len();
                page.extend_from_slice(&[0; 4]);
                if nulls == 0 || nulls == n as u64 {
                    uleb(&mut page, (n as u64) << 1);
                    page.push(u8::from(nulls == 0));
                } else {
                    self.levels.clear();
                    match col {
                        Col::Dict { dict, .. } => {
                            self.levels.extend(dict.idx[from..to].iter().map(|&x| u32::from(x != NULL_INDEX)))
                        }
                        Col::Plain { valid, .. }
                        | Col::Long { valid, .. }
                        | Col::Int { valid, .. }
                        | Col::Bool { valid, .. } => {
                            self.levels.extend((from..to).map(|k| u32::from(valid.is_valid(k))))
                        }
                        Col::Null(_) => {}
                    }
                    hybrid(&mut page, &self.levels, 1);
                }
                let len = (page.len() - at - 4) as u32;
                page[at..at + 4].copy_from_slice(&len.to_le_bytes());
            }
            let mut page_min_max: Option<(Vec<u8>, Vec<u8>)> = None;
            match col {
                Col::Dict { dict, .. } => {
                    // The indices of the page's values: the column's own when it has no nulls.
                    let ids: &[u32] = if nulls == 0 {
                        &dict.idx[from..to]
                    } else {
                        self.ids.clear();
                        self.ids.extend(dict.idx[from..to].iter().copied().filter(|&x| x != NULL_INDEX));
                        &self.ids
                    };
                    let width = bits(dict.values.len().saturating_sub(1) as u32);
                    page.push(width);
                    hybrid(&mut page, ids, width);
                    if stats {
                        let mut best: Option<(&[u8], &[u8])> = None;
                        for &x in ids {
                            if self.used[x as usize] == page_no {
                                continue;
                            }
                            self.used[x as usize] = page_no;
                            let v = dict.values.get(x as usize);
                            best = Some(match best {
                                None => (v, v),
                                Some((lo, hi)) => (lo.min(v), hi.max(v)),
                            });
                        }
                        page_min_max = best.map(|(lo, hi)| (lo.to_vec(), hi.to_vec()));
                    }
                }
                Col::Plain { values, valid, .. } => {
                    for k in (from..to).filter(|&k| nulls == 0 || valid.is_valid(k)) {
                        plain_bytes(&mut page, values.get(k));
                    }
                }
                Col::Long { values, valid, .. } => {
                    let present: &[i64] = if nulls == 0 {
                        &values[from..to]
                    } else {
                        self.longs.clear();
                        self.longs.extend((from..to).filter(|&k| valid.is_valid(k)).map(|k| values[k]));
                        &self.longs
                    };
                    if !present.is_empty() {
                        delta_binary_packed(&mut page, present);
                    }
                    if stats && !present.is_empty() {
                        // One pass for both (it vectorizes).
                        let (lo, hi) = present.iter().fold((i64::MAX, i64::MIN), |(lo, hi), &v| (lo.min(v), hi.max(v)));
                        page_min_max = Some((lo.to_le_bytes().to_vec(), hi.to_le_bytes().to_vec()));
                    }
                }
                Col::Int { values, valid } => {
                    for (k, v) in values.iter().enumerate().take(to).skip(from) {
                        if valid.is_valid(k) {
                            page.extend_from_slice(&v.to_le_bytes());
                        }
                    }
                }
                Col::Bool { values, valid } => {
                    let mut acc = 0u8;
                    let mut n = 0;
                    for (k, &v) in values.iter().enumerate().take(to).skip(from) {
                        if valid.is_valid(k) {
                            acc |= u8::from(v) << (n % 8);
                            n += 1;
                            if n % 8 == 0 {
                                page.push(acc);
                                acc = 0;
                            }
                        }
                    }
                    if n % 8 != 0 {
                        page.push(acc);
                    }
                }
                Col::Null(_) => {}
            }
            if stats {
                match &page_min_max {
                    Some((lo, hi)) => index.append(false, lo.clone(), hi.clone(), nulls as i64),
                    None => index.append(true, Vec::new(), Vec::new(), nulls as i64),
                }
                min_max = match (min_max, page_min_max) {
                    (None, p) => p,
                    (m, None) => m,
                    (Some((lo, hi)), Some((plo, phi))) => Some(if matches!(col, Col::Long { .. }) {
                        let n = |b: &[u8]| i64::from_le_bytes(b.try_into().unwrap_or([0; 8]));
                        (if n(&plo) < n(&lo) { plo } else { lo }, if n(&phi) > n(&hi) { phi } else { hi })
                    } else {
                        (lo.min(plo), hi.max(phi))
                    }),
                };
            }
            self.page = page;
            let encoding = if value_encoding == Encoding::DELTA_BINARY_PACKED && nulls == n as u64 {
                empty_pages += 1;
                Encoding::PLAIN
            } else {
                value_encoding
            };
            let make = |buf: Vec<u8>| Page::DataPage {
                buf: buf.into(),
                num_values: (to - from) as u32,
                encoding,
                def_level_encoding: Encoding::RLE,
                rep_level_encoding: Encoding::RLE,
                statistics: None,
            };
            self.put(make, &mut chunk, to - from)?;
            from = to;
            page_no += 1;
        }
        let mut encodings = vec![Encoding::PLAIN, Encoding::RLE];
        let mut page_stats = Vec::new();
        if chunk.dictionary_offset.is_some() {
            encodings.push(Encoding::RLE_DICTIONARY);
            page_stats.push(PageEncodingStats {
                page_type: PageType::DICTIONARY_PAGE,
                encoding: Encoding::PLAIN,
                count: 1,
            });
        }
        if empty_pages < chunk.data_pages {
            page_stats.push(PageEncodingStats {
                page_type: PageType::DATA_PAGE,
                encoding: value_encoding,
                count: chunk.data_pages - empty_pages,
            });
        }
        if value_encoding == Encoding::DELTA_BINARY_PACKED {
            encodings.push(Encoding::DELTA_BINARY_PACKED);
            if empty_pages > 0 {
                page_stats.push(PageEncodingStats {
                    page_type: PageType::DATA_PAGE,
                    encoding: Encoding::PLAIN,
                    count: empty_pages,
                });
            }
        }
        let mut builder = ColumnChunkMetaData::builder(descr.clone())
            .set_compression(if chunk.snappy == Some(true) { Compression::SNAPPY } else { Compression::UNCOMPRESSED })
            .set_encodings_mask(EncodingMask::new_from_encodings(encodings.iter()))
            .set_page_encoding_stats(page_stats)
            .set_total_compressed_size(chunk.compressed)
            .set_total_uncompressed_size(chunk.uncompressed)
            .set_num_values(rows as i64)
            .set_data_page_offset(chunk.data_offset.unwrap_or(0))
            .set_dictionary_page_offset(chunk.dictionary_offset);
        if stats {
            let (lo, hi) = match min_max {
                Some((lo, hi)) => (Some(lo), Some(hi)),
                None => (None, None),
            };
            let statistics: Statistics = match physical {
                PhysicalType::INT64 => {
                    let n = |b: Vec<u8>| i64::from_le_bytes(b.try_into().unwrap_or([0; 8]));
                    ValueStatistics::new(lo.map(n), hi.map(n), None, Some(nulls_total), false).into()
                }
                _ => ValueStatistics::new(
                    lo.map(ByteArray::from),
                    hi.map(ByteArray::from),
                    None,
                    Some(nulls_total),
                    false,
                )
                .into(),
            };
            builder = builder.set_statistics(statistics);
        }
        if chunk.keep {
            *snappy = chunk.snappy;
        }
        let meta = builder.build().map_err(|e| err(&self.path, e))?;
        let column_index =
            if stats { index.build().map_err(|e| err(&self.path, e))? } else { ColumnIndexMetaData::NONE };
        let offset_index = chunk.offsets.unwrap_or_default().build();
        Ok((meta, column_index, offset_index))
    }

    /// Writes the footer and closes the file; returns its rows.
    pub fn close(mut self) -> Result<u64, GenError> {
        let file_meta = FileMetaData::new(
            1,
            self.rows,
            Some("quarry gen".to_string()),
            Some(std::mem::take(&mut self.kv)),
            self.descr.clone(),
            None,
        );
        let meta = ParquetMetaDataBuilder::new(file_meta)
            .set_row_groups(std::mem::take(&mut self.row_groups))
            .set_column_index(Some(std::mem::take(&mut self.column_index)))
            .set_offset_index(Some(std::mem::take(&mut self.offset_index)))
            .build();
        // The footer records absolute offsets (of the page indexes it writes first), so it is
        // written through a tracker that has counted the file so far; the bytes are collected
        // here and written below.
        let mut footer = Vec::new();
        {
            let mut tracked = TrackedWrite::new(Skip { skip: self.pos, out: &mut footer });
            static ZEROS: [u8; 1 << 16] = [0; 1 << 16];
            let mut left = self.pos;
            while left > 0 {
                let n = left.min(ZEROS.len() as u64) as usize;
                tracked.write_all(&ZEROS[..n]).map_err(|e| GenError::Io(self.path.clone(), e))?;
                left -= n as u64;
            }
            ParquetMetaDataWriter::new_with_tracked(tracked, &meta).finish().map_err(|e| err(&self.path, e))?;
        }
        self.out.write_all(&footer).map_err(|e| GenError::Io(self.path.clone(), e))?;
        self.out.flush().map_err(|e| GenError::Io(self.path.clone(), e))?;
        Ok(self.rows as u64)
    }
}

/// A writer that drops its first `skip` bytes and keeps the rest.
struct Skip<'a> {
    skip: u64,
    out: &'a mut Vec<u8>,
}

impl Write for Skip<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let dropped = (self.skip.min(buf.len() as u64)) as usize;
        self.skip -= dropped as u64;
        self.out.extend_from_slice(&buf[dropped..]);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// A PLAIN byte-array value: its length, then its bytes.
fn plain_bytes(out: &mut Vec<u8>, v: &[u8]) {
    out.extend_from_slice(&(v.len() as u32).to_le_bytes());
    out.extend_from_slice(v);
}

/// Bits needed for values up to `max`.
fn bits(max: u32) -> u8 {
    (32 - max.leading_zeros()) as u8
}

fn uleb(out: &mut Vec<u8>, mut v: u64) {
    loop {
        let b = (v & 0x7f) as u8;
        v >>= 7;
        if v == 0 {
            out.push(b);
            return;
        }
        out.push(b | 0x80);
    }
}

/// Values per block of [`delta_binary_packed`], and per miniblock.
const DELTA_BLOCK: usize = 128;
const DELTA_MINIBLOCK: usize = 32;

/// Appends `values` (at least one) in Parquet's DELTA_BINARY_PACKED encoding: the first
/// value, then blocks of 128 deltas, each stored as its smallest delta and four miniblocks of
/// 32 bit-packed offsets from it, each with its own width. Generated `long` columns (times,
/// ids, sizes, session numbers) need 2-30 bits per value this way against PLAIN's 64, and
/// their PLAIN pages compressed slowly (Snappy at 0.6 GB/s, a twentieth of the generator's
/// time).
fn delta_binary_packed(out: &mut Vec<u8>, values: &[i64]) {
    uleb(out, DELTA_BLOCK as u64);
    uleb(out, (DELTA_BLOCK / DELTA_MINIBLOCK) as u64);
    uleb(out, values.len() as u64);
    let Some((&first, rest)) = values.split_first() else {
        uleb(out, 0);
        return;
    };
    uleb(out, zigzag(first));
    let mut prev = first;
    let mut deltas = [0i64; DELTA_BLOCK];
    for block in rest.chunks(DELTA_BLOCK) {
        for (d, &v) in deltas.iter_mut().zip(block) {
            // Wrapping, as readers add them back.
            *d = v.wrapping_sub(prev);
            prev = v;
        }
        // (Folds, not `min()`/`max()`: they vectorize.)
        let min = deltas[..block.len()].iter().fold(i64::MAX, |m, &d| m.min(d));
        // A short last block's missing deltas pack as zeros.
        deltas[block.len()..].fill(min);
        uleb(out, zigzag(min));
        let widths_at = out.len();
        // The widths of unneeded miniblocks are written (as 0); their bodies are not.
        out.extend_from_slice(&[0; DELTA_BLOCK / DELTA_MINIBLOCK]);
        for (m, mini) in deltas.chunks_exact(DELTA_MINIBLOCK).take(block.len().div_ceil(DELTA_MINIBLOCK)).enumerate() {
            let offsets = mini.iter().map(|&d| d.wrapping_sub(min) as u64);
            // The highest bit set in any offset (an OR has the max's highest bit).
            let width = 64 - offsets.clone().fold(0, |acc, o| acc | o).leading_zeros();
            out[widths_at + m] = width as u8;
            pack_bits(out, offsets, width);
        }
    }
}

/// ZigZag: small negative and positive numbers to small unsigned ones.
fn zigzag(v: i64) -> u64 {
    ((v << 1) ^ (v >> 63)) as u64
}

/// Bit-packs `values` (each below `2^width`, a multiple of 8 of them), lowest bits first, 64
/// bits at a time.
fn pack_bits(out: &mut Vec<u8>, values: impl Iterator<Item = u64>, width: u32) {
    if width == 0 {
        return;
    }
    let mut acc = 0u128;
    let mut have = 0u32;
    for v in values {
        acc |= (v as u128) << have;
        have += width;
        if have >= 64 {
            out.extend_from_slice(&(acc as u64).to_le_bytes());
            acc >>= 64;
            have -= 64;
        }
    }
    out.extend_from_slice(&acc.to_le_bytes()[..have.div_ceil(8) as usize]);
}

/// Appends `values` (each below `2^width`) in Parquet's RLE / bit-packing hybrid encoding:
/// runs of 8 or more equal values as RLE runs, the rest bit-packed in groups of 8.
///
/// The values are looked at a group of 8 at a time (groups counted from the end of the last
/// RLE run): a run is written as one only from a group it fills, since the bit-packed values
/// before it must fill whole groups; the start of the run before that group is bit-packed.
pub(crate) fn hybrid(out: &mut Vec<u8>, values: &[u32], width: u8) {
    let n = values.len();
    let bytes = width.div_ceil(8) as usize;
    let mut packed = 0; // start of the values waiting to be bit-packed
    let mut group = 0; // start of the group of 8 being looked at
    while group + 8 <= n {
        let v = values[group];
        let all_equal = values[group..group + 8].iter().fold(true, |same, &x| same & (x == v));
        if !all_equal {
            group += 8;
            continue;
        }
        let mut end = group + 8;
        while end < n && values[end] == v {
            end += 1;
        }
        pack(out, &values[packed..group], width);
        uleb(out, ((end - group) as u64) << 1);
        out.extend_from_slice(&v.to_le_bytes()[..bytes]);
        packed = end;
        group = end;
    }
    pack(out, &values[packed..], width);
}

/// One bit-packed run of `values` (the last group padded with zeros).
fn pack(out: &mut Vec<u8>, values: &[u32], width: u8) {
    if values.is_empty() {
        return;
    }
    let groups = values.len().div_ceil(8);
    uleb(out, (groups as u64) << 1 | 1);
    if width == 0 {
        return;
    }
    out.reserve(groups * width as usize + 16);
    // Groups of 8, the last padded with zeros.
    let whole = values.chunks_exact(8);
    let mut last = [0u32; 8];
    last[..whole.remainder().len()].copy_from_slice(whole.remainder());
    let padded = (!whole.remainder().is_empty()).then_some(last);
    let groups = whole.map(|g| <[u32; 8]>::try_from(g).unwrap_or_default()).chain(padded);
    // A group of 8 values is `width` bytes. Each width has its own copy of the loop, so the
    // shifts are constants (2% fewer instructions for the whole generator than a variable width).
    match width {
        1 => pack_groups::<1>(out, groups),
        2 => pack_groups::<2>(out, groups),
        3 => pack_groups::<3>(out, groups),
        4 => pack_groups::<4>(out, groups),
        5 => pack_groups::<5>(out, groups),
        6 => pack_groups::<6>(out, groups),
        7 => pack_groups::<7>(out, groups),
        8 => pack_groups::<8>(out, groups),
        9 => pack_groups::<9>(out, groups),
        10 => pack_groups::<10>(out, groups),
        11 => pack_groups::<11>(out, groups),
        12 => pack_groups::<12>(out, groups),
        13 => pack_groups::<13>(out, groups),
        14 => pack_groups::<14>(out, groups),
        15 => pack_groups::<15>(out, groups),
        16 => pack_groups::<16>(out, groups),
        _ => pack_bits(out, groups.flatten().map(u64::from), width as u32),
    }
}

/// Bit-packs groups of 8 values of `W` bits (at most 16): one word per group, appended whole
/// and cut to `W` bytes (a fixed-size append is a store; a `W`-byte one, a call to memcpy).
fn pack_groups<const W: u32>(out: &mut Vec<u8>, groups: impl Iterator<Item = [u32; 8]>) {
    for g in groups {
        if W <= 8 {
            let word = g.iter().enumerate().fold(0u64, |acc, (k, &v)| acc | (v as u64) << (k as u32 * W));
            out.extend_from_slice(&word.to_le_bytes());
            out.truncate(out.len() - (8 - W as usize));
        } else {
            let word = g.iter().enumerate().fold(0u128, |acc, (k, &v)| acc | (v as u128) << (k as u32 * W));
            out.extend_from_slice(&word.to_le_bytes());
            out.truncate(out.len() - (16 - W as usize));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Decodes the hybrid encoding (as a reader would) to check the writer.
    fn decode(mut data: &[u8], width: u8, n: usize) -> Vec<u32> {
        let mut out = Vec::new();
        let uleb = |data: &mut &[u8]| {
            let mut v = 0u64;
            let mut shift = 0;
            loop {
                let b = data[0];
                *data = &data[1..];
                v |= ((b & 0x7f) as u64) << shift;
                shift += 7;
                if b & 0x80 == 0 {
                    return v;
                }
            }
        };
        while out.len() < n {
            let h = uleb(&mut data);
            if h & 1 == 1 {
                let count = (h >> 1) as usize * 8;
                let mut acc = 0u64;
                let mut have = 0;
                for _ in 0..count {
                    while have < width as u32 {
                        acc |= (data[0] as u64) << have;
                        data = &data[1..];
                        have += 8;
                    }
                    out.push((acc & ((1u64 << width) - 1)) as u32);
                    acc >>= width;
                    have -= width as u32;
                }
            } else {
                let bytes = width.div_ceil(8) as usize;
                let mut v = [0u8; 4];
                v[..bytes].copy_from_slice(&data[..bytes]);
                data = &data[bytes..];
                out.extend(std::iter::repeat_n(u32::from_le_bytes(v), (h >> 1) as usize));
            }
        }
        out.truncate(n);
        out
    }

    #[test]
    fn hybrid_round_trips() {
        let cases: Vec<Vec<u32>> = vec![
            vec![],
            vec![1; 100],
            (0..37).map(|i| i % 5).collect(),
            [vec![3, 1, 2], vec![7; 20], vec![0, 1, 2, 3, 4, 5, 6, 7, 8], vec![2; 9], vec![1]].concat(),
            (0..1000).map(|i| (i * 7919 % 1021) as u32).collect(),
            // Wide values (the general bit-packing path) with runs in between.
            [(0..13).map(|i| i * 40_503 % 700_001).collect(), vec![654_321; 11], vec![5, 6, 7]].concat(),
            (0..77).map(|i| (i * 2_654_435_761u64 % (1 << 32)) as u32).collect(),
        ];
        // Runs of 7 to 17 equal values starting at every offset within a group of 8.
        let mut cases = cases;
        for len in 7..=17 {
            for offset in 0..8 {
                let mut v: Vec<u32> = (0..offset).map(|i| i % 3 + 1).collect();
                v.extend(std::iter::repeat_n(0, len));
                v.extend([1, 2, 3, 1, 2]);
                cases.push(v);
            }
        }
        for values in cases {
            let width = bits(values.iter().copied().max().unwrap_or(0));
            let mut out = Vec::new();
            hybrid(&mut out, &values, width);
            assert_eq!(decode(&out, width, values.len()), values, "width {width}");
        }
    }

    /// `long` columns are DELTA_BINARY_PACKED: values at the ends of the range, runs, short
    /// last blocks and miniblocks, pages of nulls and pages split by nulls all read back as
    /// written through the `parquet` crate's reader.
    #[test]
    fn long_columns_read_back_through_the_parquet_reader() {
        use crate::table::{Batch, Table, TableSpec};
        use arrow::array::{Array, Int64Array};
        use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;

        let spec = TableSpec::new(Table::Logon).unwrap();
        let mut expected: Vec<Option<i64>> = Vec::new();
        expected.extend([i64::MIN, i64::MAX, 0, -1, 1, i64::MIN, i64::MAX].map(Some));
        expected.extend((0..300).map(|i| Some(i * 1_000_003 % 65_537 - 30_000)));
        expected.extend(std::iter::repeat_n(Some(42), 129));
        expected.extend((0..40).map(|i| (i % 3 != 0).then_some(i * i)));
        // Rows past the first page: a page of nulls, then a page with one value.
        expected.extend(std::iter::repeat_n(None, PAGE_ROWS * 2 - expected.len()));
        expected.extend(std::iter::repeat_n(None, PAGE_ROWS - 1));
        expected.push(Some(-7));
        let mut batch = Batch::new(&spec, expected.len());
        for (n, v) in expected.iter().enumerate() {
            batch.t(spec.ix.Timestamp, n as i64);
            if let Some(v) = v {
                batch.l(spec.ix.LogonId, *v);
            }
            batch.end_row();
        }
        batch.pad();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("longs.parquet");
        let mut file = PqFile::create(&path, spec.schema.as_ref()).unwrap();
        file.write(&batch, &mut Codecs::default()).unwrap();
        file.close().unwrap();
        let reader = ParquetRecordBatchReaderBuilder::try_new(File::open(&path).unwrap()).unwrap().build().unwrap();
        let mut got: Vec<Option<i64>> = Vec::new();
        let mut times: Vec<i64> = Vec::new();
        for rb in reader {
            let rb = rb.unwrap();
            let ids = rb.column(spec.ix.LogonId).as_any().downcast_ref::<Int64Array>().unwrap();
            got.extend((0..ids.len()).map(|i| ids.is_valid(i).then(|| ids.value(i))));
            let ts = rb.column(spec.ix.Timestamp).as_any().downcast_ref::<arrow::array::TimestampNanosecondArray>();
            times.extend(ts.unwrap().values().iter().copied());
        }
        assert_eq!(got, expected);
        assert_eq!(times, (0..expected.len() as i64).collect::<Vec<_>>());
    }
}
