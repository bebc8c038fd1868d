//! The seven generated tables: their Arrow schemas (from the KQL catalog) and a row-at-a-time
//! batch builder that fills the columns a generator sets and leaves the rest empty.

use std::marker::PhantomData;
use std::sync::Arc;

use std::hash::BuildHasher;

use arrow::array::{
    ArrayRef, BooleanArray, Int32Array, Int64Array, LargeStringArray, RecordBatch, StringArray,
    TimestampNanosecondArray, new_null_array,
};
use arrow::buffer::NullBuffer;
use arrow::datatypes::{DataType, Field, Schema, SchemaRef, TimeUnit};
use kql_semantics::{SchemaCatalog, Type};

use crate::GenError;

/// The generated tables, in the order they are written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Table {
    /// `DeviceProcessEvents`.
    Process,
    /// `DeviceNetworkEvents`.
    Network,
    /// `DeviceFileEvents`.
    File,
    /// `DeviceRegistryEvents`.
    Registry,
    /// `DeviceLogonEvents`.
    Logon,
    /// `DeviceFileCertificateInfo`.
    Certificate,
    /// `DeviceInfo`.
    Info,
}

impl Table {
    /// Every generated table.
    pub const ALL: [Table; 7] =
        [Table::Process, Table::Network, Table::File, Table::Registry, Table::Logon, Table::Certificate, Table::Info];

    /// The table's name in KQL.
    pub fn name(self) -> &'static str {
        match self {
            Table::Process => "DeviceProcessEvents",
            Table::Network => "DeviceNetworkEvents",
            Table::File => "DeviceFileEvents",
            Table::Registry => "DeviceRegistryEvents",
            Table::Logon => "DeviceLogonEvents",
            Table::Certificate => "DeviceFileCertificateInfo",
            Table::Info => "DeviceInfo",
        }
    }

    /// The table called `name`, exactly.
    pub fn from_name(name: &str) -> Option<Table> {
        Table::ALL.into_iter().find(|t| t.name() == name)
    }

    /// Position in [`Table::ALL`].
    pub fn index(self) -> usize {
        self as usize
    }
}

/// Columns that exist only in Sentinel's copy of the Defender tables. A Defender export (the
/// streaming API, the advanced-hunting API) does not have them, so the generator leaves them
/// empty and the JSON formats omit them. `MachineGroup` is in Defender exports and is filled.
pub const SENTINEL_ONLY: [&str; 4] = ["TimeGenerated", "TenantId", "SourceSystem", "Type"];

macro_rules! column_index {
    ($($name:ident,)*) => {
        /// Positions of every column any generated table has, for one table; `usize::MAX` for a
        /// column the table lacks (setting it does nothing), so row code can be shared between
        /// tables that have the same `InitiatingProcess*` columns.
        #[allow(non_snake_case, missing_docs)]
        #[derive(Clone, Debug)]
        pub struct Ix { $(pub $name: usize,)* }

        impl Ix {
            fn resolve(schema: &Schema) -> Ix {
                Ix { $($name: schema.index_of(stringify!($name)).unwrap_or(usize::MAX),)* }
            }

            /// Names of the table's columns that no generator knows (should be none).
            fn unknown(schema: &Schema) -> Vec<String> {
                const KNOWN: &[&str] = &[$(stringify!($name),)*];
                schema.fields().iter().map(|f| f.name().clone()).filter(|n| !KNOWN.contains(&n.as_str())).collect()
            }
        }
    };
}

include!("columns.in.rs");

/// A table's schema and column positions.
#[derive(Clone, Debug)]
pub struct TableSpec {
    /// Which table.
    pub table: Table,
    /// Its Arrow schema, in catalog order, every column nullable.
    pub schema: SchemaRef,
    /// Column positions.
    pub ix: Ix,
    /// KQL types, by position.
    pub types: Vec<Type>,
    /// The created process's image columns (`FileName`, `SHA1`, `ProcessVersionInfo*`,
    /// `Account*`, ...).
    pub process: ImageCols,
    /// The initiating process's (`InitiatingProcess*`).
    pub initiating: ImageCols,
}

/// Positions of the columns that describe a process image and the account it runs as; a
/// table has them twice, for the created and for the initiating process.
#[derive(Clone, Debug)]
pub struct ImageCols {
    /// The columns whose values are a function of the program alone, for [`Batch::group`]:
    /// file name, SHA1, SHA256, MD5, the six version-information columns, then
    /// [`ImageCols::EXTRA`] more the caller chooses (`usize::MAX`, a column no table has, for none).
    pub image: [usize; 10 + ImageCols::EXTRA],
    /// The same for a program installed per user: its folder path (which names the user) is
    /// left out.
    pub image_per_user: [usize; 10 + ImageCols::EXTRA],
    /// The account's columns: domain, name, SID, UPN, object id, integrity level and token
    /// elevation.
    pub account: [usize; 7],
    /// The file size column.
    pub file_size: usize,
    /// The logon id column.
    pub logon_id: usize,
}

impl ImageCols {
    /// How many columns of [`ImageCols::image`] the caller chooses.
    pub const EXTRA: usize = 5;

    fn process(ix: &Ix) -> ImageCols {
        let image = [
            ix.FileName,
            ix.SHA1,
            ix.SHA256,
            ix.MD5,
            ix.ProcessVersionInfoCompanyName,
            ix.ProcessVersionInfoProductName,
            ix.ProcessVersionInfoProductVersion,
            ix.ProcessVersionInfoInternalFileName,
            ix.ProcessVersionInfoOriginalFileName,
            ix.ProcessVersionInfoFileDescription,
            usize::MAX,
            usize::MAX,
            usize::MAX,
            usize::MAX,
            usize::MAX,
        ];
        ImageCols {
            image,
            image_per_user: image,
            account: [
                ix.AccountDomain,
                ix.AccountName,
                ix.AccountSid,
                ix.AccountUpn,
                ix.AccountObjectId,
                ix.ProcessIntegrityLevel,
                ix.ProcessTokenElevation,
            ],
            file_size: ix.FileSize,
            logon_id: ix.LogonId,
        }
    }

    /// The initiating process's columns; its extra columns are its parent's file name, its
    /// signer type, signature status, AppGuard container id and folder path.
    fn initiating(ix: &Ix) -> ImageCols {
        let image = [
            ix.InitiatingProcessFileName,
            ix.InitiatingProcessSHA1,
            ix.InitiatingProcessSHA256,
            ix.InitiatingProcessMD5,
            ix.InitiatingProcessVersionInfoCompanyName,
            ix.InitiatingProcessVersionInfoProductName,
            ix.InitiatingProcessVersionInfoProductVersion,
            ix.InitiatingProcessVersionInfoInternalFileName,
            ix.InitiatingProcessVersionInfoOriginalFileName,
            ix.InitiatingProcessVersionInfoFileDescription,
            ix.InitiatingProcessParentFileName,
            ix.InitiatingProcessSignerType,
            ix.InitiatingProcessSignatureStatus,
            ix.AppGuardContainerId,
            ix.InitiatingProcessFolderPath,
        ];
        let mut image_per_user = image;
        image_per_user[14] = usize::MAX;
        ImageCols {
            image,
            image_per_user,
            account: [
                ix.InitiatingProcessAccountDomain,
                ix.InitiatingProcessAccountName,
                ix.InitiatingProcessAccountSid,
                ix.InitiatingProcessAccountUpn,
                ix.InitiatingProcessAccountObjectId,
                ix.InitiatingProcessIntegrityLevel,
                ix.InitiatingProcessTokenElevation,
            ],
            file_size: ix.InitiatingProcessFileSize,
            logon_id: ix.InitiatingProcessLogonId,
        }
    }
}

impl TableSpec {
    /// The spec of `table`, from the built-in Defender catalog.
    pub fn new(table: Table) -> Result<TableSpec, GenError> {
        let catalog = SchemaCatalog::defender_ref();
        let Some(schema) = kql_semantics::Catalog::table(catalog, table.name()) else {
            return Err(GenError::Catalog(format!("table {} is not in the catalog", table.name())));
        };
        let fields: Vec<Field> =
            schema.columns.iter().map(|c| Field::new(&c.name, quarry_data::arrow_type(c.ty), true)).collect();
        let arrow_schema = Schema::new(fields);
        let unknown = Ix::unknown(&arrow_schema);
        if !unknown.is_empty() {
            return Err(GenError::Catalog(format!(
                "table {} has columns the generator does not know: {}",
                table.name(),
                unknown.join(", ")
            )));
        }
        let ix = Ix::resolve(&arrow_schema);
        Ok(TableSpec {
            table,
            process: ImageCols::process(&ix),
            initiating: ImageCols::initiating(&ix),
            ix,
            schema: Arc::new(arrow_schema),
            types: schema.columns.iter().map(|c| c.ty).collect(),
        })
    }
}

/// Strings stored back to back: value `i` is `bytes[ends[i - 1]..ends[i]]`. (A `String`, so
/// that row code can write a value straight into it: [`Batch::w`].)
#[derive(Default)]
pub(crate) struct Strings {
    pub(crate) bytes: String,
    pub(crate) ends: Vec<usize>,
}

impl Strings {
    fn push(&mut self, v: &str) {
        self.bytes.push_str(v);
        self.ends.push(self.bytes.len());
    }

    pub(crate) fn get(&self, i: usize) -> &[u8] {
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        &self.bytes.as_bytes()[start..self.ends[i]]
    }

    pub(crate) fn len(&self) -> usize {
        self.ends.len()
    }

    fn clear(&mut self) {
        self.bytes.clear();
        self.ends.clear();
    }
}

/// The dictionary maps' hasher (keys are addresses, caller keys, text hashes or short texts):
/// foldhash with a fixed seed, the hasher the workspace uses for such maps.
type DictHash = foldhash::fast::FixedState;

/// The index a null takes in a dictionary column.
pub(crate) const NULL_INDEX: u32 = u32::MAX;

/// The index of a row of a dictionary column that no value was set for (yet): it becomes
/// "" or a null when the batch is written ([`Dict::fill_unset`]).
const UNSET: u32 = u32::MAX - 1;

/// A dictionary-encoded string column: the row group's distinct values (in order of first
/// use) and one index per row. Values are found by identity where the caller can give one
/// (the address of a string that outlives the batch, or a key of its own), so the common case
/// hashes a number, not the text.
pub(crate) struct Dict {
    pub(crate) values: Strings,
    /// One index per row, pre-filled with [`UNSET`] to the batch's capacity: a value is set
    /// by a store, without a length to check or a row to pad (see [`Batch::v`]).
    pub(crate) idx: Vec<u32>,
    /// A direct-mapped cache of `by_id` (most columns have a handful of values, so most
    /// lookups are one array read and a compare); a slot with index [`NULL_INDEX`] is empty.
    recent: Box<[(u128, u32); RECENT]>,
    /// The index of "" once it is in the dictionary.
    empty: u32,
    by_id: std::collections::HashMap<u128, u32, DictHash>,
    /// By a hash of the text (checked against the value), and by the text itself for the
    /// rare values whose hash another value already took.
    by_hash: std::collections::HashMap<u64, u32, DictHash>,
    by_text: std::collections::HashMap<Box<[u8]>, u32, DictHash>,
}

/// The hash of dictionary texts (fixed, so that nothing depends on a per-run seed).
const TEXT_HASH: foldhash::fast::FixedState = foldhash::fast::FixedState::with_seed(0x7175_6172_7279);

/// Whether other keys of [`Batch::k_group`] may have a column's value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shared {
    /// No: the value is the key's own (a unique id).
    No,
    /// Perhaps: once written, the value is looked up by its text.
    ByText,
    /// Every key with this text key (the caller's) has the same value: it is looked up by the
    /// text key and written only the first time.
    ByKey(u64),
}

/// Why [`Dict::find_text`] did not find a text: where to record it.
enum Found {
    /// No value has the text's hash (record the hash).
    NotByHash(u64),
    /// Another value has the hash (record the text).
    NotByText,
}

/// Slots of [`Dict`]'s cache.
const RECENT: usize = 64;

impl Default for Dict {
    fn default() -> Dict {
        Dict {
            values: Strings::default(),
            idx: Vec::new(),
            recent: Box::new([(0, NULL_INDEX); RECENT]),
            empty: NULL_INDEX,
            by_id: Default::default(),
            by_hash: Default::default(),
            by_text: Default::default(),
        }
    }
}

#[inline]
fn slot(id: u128) -> usize {
    let folded = (id as u64) ^ ((id >> 64) as u64).rotate_left(17);
    (folded.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> 58) as usize
}

impl Dict {
    #[inline]
    fn add(&mut self, v: &str) -> u32 {
        let i = self.values.len() as u32;
        self.values.push(v);
        i
    }

    /// The index of the value the caller identifies by `id`, `v` added the first time.
    #[inline]
    fn id_index(&mut self, id: u128, v: &str) -> u32 {
        self.find_id(id).unwrap_or_else(|| self.add_id(id, v))
    }

    /// The index of the value the caller identifies by `id`, if the cache of recent values
    /// has it.
    #[inline]
    fn recent_id(&self, id: u128) -> Option<u32> {
        let (key, i) = self.recent[slot(id)];
        (key == id && i != NULL_INDEX).then_some(i)
    }

    /// The index of the value the caller identifies by `id`, if it is in the dictionary.
    #[inline]
    fn find_id(&mut self, id: u128) -> Option<u32> {
        if let Some(i) = self.recent_id(id) {
            return Some(i);
        }
        let i = *self.by_id.get(&id)?;
        self.recent[slot(id)] = (id, i);
        Some(i)
    }

    /// Adds the value `f` appends to the dictionary's buffer (written in place, not copied).
    #[inline]
    fn add_with(&mut self, f: impl FnOnce(&mut String)) -> u32 {
        let i = self.values.len() as u32;
        f(&mut self.values.bytes);
        self.values.ends.push(self.values.bytes.len());
        i
    }

    #[cold]
    fn add_id(&mut self, id: u128, v: &str) -> u32 {
        let i = self.add(v);
        self.remember_id(id, i);
        i
    }

    /// The index of the value the caller identifies by `id`; the first time, the value `f`
    /// appends to the dictionary's buffer (written in place, not copied).
    #[inline]
    fn find_or_add_id_with(&mut self, id: u128, f: impl FnOnce(&mut String)) -> u32 {
        match self.find_id(id) {
            Some(i) => i,
            None => {
                let i = self.add_with(f);
                self.remember_id(id, i);
                i
            }
        }
    }

    /// Records that the caller's `id` is value `i`.
    fn remember_id(&mut self, id: u128, i: u32) {
        self.by_id.insert(id, i);
        self.recent[slot(id)] = (id, i);
    }

    /// Gives the first `rows` rows that no value was set for their empty value: "" or, in a
    /// dynamic column, a null.
    fn fill_unset(&mut self, rows: usize, dynamic: bool) {
        // A count and a select, not a search and a branch: both loops vectorize.
        if self.idx[..rows].iter().fold(0u32, |n, &x| n | u32::from(x == UNSET)) == 0 {
            return;
        }
        let empty = if dynamic {
            NULL_INDEX
        } else {
            if self.empty == NULL_INDEX {
                self.empty = self.find_id(EMPTY_ID).unwrap_or_else(|| self.add_id(EMPTY_ID, ""));
            }
            self.empty
        };
        for x in &mut self.idx[..rows] {
            *x = if *x == UNSET { empty } else { *x };
        }
    }

    /// The index of the text `v`, added if the dictionary does not have it.
    #[inline]
    fn find_or_add_text(&mut self, v: &str) -> u32 {
        match self.find_text(v.as_bytes()) {
            Ok(i) => i,
            Err(Found::NotByHash(hash)) => {
                let i = self.add(v);
                self.by_hash.insert(hash, i);
                i
            }
            Err(Found::NotByText) => {
                let i = self.add(v);
                self.by_text.insert(v.as_bytes().into(), i);
                i
            }
        }
    }

    /// The index of the text `v`, or where to record it when it is added.
    #[inline]
    fn find_text(&self, v: &[u8]) -> Result<u32, Found> {
        // foldhash reads 16 bytes per step; texts here are up to a few hundred bytes.
        let hash = TEXT_HASH.hash_one(v);
        match self.by_hash.get(&hash) {
            Some(&i) if self.values.get(i as usize) == v => Ok(i),
            Some(_) => self.by_text.get(v).copied().ok_or(Found::NotByText),
            None => Err(Found::NotByHash(hash)),
        }
    }

    /// Like [`Dict::add_with`], but a text the dictionary already has is not added twice
    /// (it is written, found, and taken back): for values keyed by something finer than
    /// their text, such as a process instance's command line, which most instances share.
    #[inline]
    fn add_unique_with(&mut self, f: impl FnOnce(&mut String)) -> u32 {
        let start = self.values.bytes.len();
        f(&mut self.values.bytes);
        let found = self.find_text(&self.values.bytes.as_bytes()[start..]);
        match found {
            Ok(i) => {
                self.values.bytes.truncate(start);
                i
            }
            Err(how) => {
                let i = self.values.len() as u32;
                self.values.ends.push(self.values.bytes.len());
                match how {
                    Found::NotByHash(hash) => {
                        self.by_hash.insert(hash, i);
                    }
                    Found::NotByText => {
                        let text: Box<[u8]> = self.values.get(i as usize).into();
                        self.by_text.insert(text, i);
                    }
                }
                i
            }
        }
    }

    /// Empties the dictionary; the index of each of the first `rows` rows becomes [`UNSET`]
    /// again (the rest still is).
    fn clear(&mut self, rows: usize) {
        self.values.clear();
        let rows = rows.min(self.idx.len());
        self.idx[..rows].fill(UNSET);
        self.recent.fill((0, NULL_INDEX));
        self.empty = NULL_INDEX;
        self.by_id.clear();
        self.by_hash.clear();
        self.by_text.clear();
    }
}

/// Which values of a column are not null. Nulls are rare (a row that does not set the
/// column), so the flags are kept only from a column's first null on: until then every value
/// is valid and a value costs no flag.
#[derive(Default)]
pub(crate) struct Validity {
    /// One flag per value once the column has a null; empty before.
    flags: Vec<bool>,
}

impl Validity {
    /// Records a valid value.
    #[inline]
    fn push(&mut self) {
        if !self.flags.is_empty() {
            self.flags.push(true);
        }
    }

    /// Records `n` more values, valid or not, after the column's first `len`.
    fn extend(&mut self, len: usize, n: usize, valid: bool) {
        if self.flags.is_empty() {
            if valid || n == 0 {
                return;
            }
            self.flags.resize(len, true);
        }
        self.flags.resize(len + n, valid);
    }

    /// Whether value `k` is valid.
    #[inline]
    pub(crate) fn is_valid(&self, k: usize) -> bool {
        self.flags.get(k).copied().unwrap_or(true)
    }

    /// The nulls among values `range`.
    pub(crate) fn nulls(&self, range: std::ops::Range<usize>) -> usize {
        self.flags.get(range).map_or(0, |f| f.iter().filter(|&&v| !v).count())
    }

    fn clear(&mut self) {
        self.flags.clear();
    }

    /// Arrow's null buffer for the column's `len` values (none if all are valid).
    fn to_nulls(&self, len: usize) -> Option<NullBuffer> {
        (!self.flags.is_empty()).then(|| NullBuffer::from_iter((0..len).map(|k| self.is_valid(k))))
    }
}

/// A column being built.
pub(crate) enum Col {
    /// Strings from a small vocabulary (`dynamic`: a null where unset).
    Dict { dict: Dict, dynamic: bool },
    /// Nearly unique strings, stored as they come (`valid`: false for a null).
    Plain { values: Strings, valid: Validity, dynamic: bool },
    /// `long`, or `datetime` in nanoseconds (`time`).
    Long { values: Vec<i64>, valid: Validity, time: bool },
    /// `int`.
    Int { values: Vec<i32>, valid: Validity },
    /// `bool`.
    Bool { values: Vec<bool>, valid: Validity },
    /// A type no generated column has: all nulls.
    Null(usize),
}

impl Col {
    /// The values set or padded so far; for a dictionary column, whose indices are pre-filled
    /// to the batch's capacity, that capacity (its rows are counted by the batch).
    fn len(&self) -> usize {
        match self {
            Col::Dict { dict, .. } => dict.idx.len(),
            Col::Plain { values, .. } => values.len(),
            Col::Long { values, .. } => values.len(),
            Col::Int { values, .. } => values.len(),
            Col::Bool { values, .. } => values.len(),
            Col::Null(n) => *n,
        }
    }

    /// Fills the column with empty values up to `rows` rows.
    #[cold]
    fn pad(&mut self, rows: usize) {
        if let Col::Dict { dict, dynamic } = self {
            // Kusto strings are never null: a missing string is "".
            dict.fill_unset(rows, *dynamic);
            return;
        }
        let n = rows.saturating_sub(self.len());
        if n == 0 {
            return;
        }
        match self {
            Col::Dict { .. } => {}
            Col::Plain { values, valid, dynamic } => {
                let end = values.bytes.len();
                valid.extend(values.len(), n, !*dynamic);
                values.ends.resize(values.ends.len() + n, end);
            }
            Col::Long { values, valid, .. } => {
                valid.extend(values.len(), n, false);
                values.resize(values.len() + n, 0);
            }
            Col::Int { values, valid } => {
                valid.extend(values.len(), n, false);
                values.resize(values.len() + n, 0);
            }
            Col::Bool { values, valid } => {
                valid.extend(values.len(), n, false);
                values.resize(values.len() + n, false);
            }
            Col::Null(c) => *c += n,
        }
    }

    fn clear(&mut self, rows: usize) {
        match self {
            Col::Dict { dict, .. } => dict.clear(rows),
            Col::Plain { values, valid, .. } => {
                values.clear();
                valid.clear();
            }
            Col::Long { values, valid, .. } => {
                values.clear();
                valid.clear();
            }
            Col::Int { values, valid } => {
                values.clear();
                valid.clear();
            }
            Col::Bool { values, valid } => {
                values.clear();
                valid.clear();
            }
            Col::Null(n) => *n = 0,
        }
    }

    /// The column's first `rows` values as an Arrow array.
    fn to_array(&self, ty: &DataType, rows: usize) -> ArrayRef {
        fn text(b: &[u8]) -> &str {
            // Only `&str`s are ever stored.
            std::str::from_utf8(b).unwrap_or_default()
        }
        match self {
            Col::Dict { dict, dynamic } => {
                let it = dict.idx[..rows].iter().map(|&i| (i != NULL_INDEX).then(|| text(dict.values.get(i as usize))));
                if *dynamic {
                    Arc::new(it.collect::<LargeStringArray>())
                } else {
                    Arc::new(it.collect::<StringArray>())
                }
            }
            Col::Plain { values, valid, dynamic } => {
                let it = (0..values.len()).map(|i| valid.is_valid(i).then(|| text(values.get(i))));
                if *dynamic {
                    Arc::new(it.collect::<LargeStringArray>())
                } else {
                    Arc::new(it.collect::<StringArray>())
                }
            }
            Col::Long { values, valid, time } => {
                if *time {
                    Arc::new(TimestampNanosecondArray::new(values.clone().into(), valid.to_nulls(values.len())))
                } else {
                    Arc::new(Int64Array::new(values.clone().into(), valid.to_nulls(values.len())))
                }
            }
            Col::Int { values, valid } => {
                Arc::new(Int32Array::new(values.clone().into(), valid.to_nulls(values.len())))
            }
            Col::Bool { values, valid } => {
                Arc::new(BooleanArray::new(values.iter().copied().collect(), valid.to_nulls(values.len())))
            }
            Col::Null(n) => new_null_array(ty, *n),
        }
    }
}

/// The dictionary identity of "" (no string has this address).
const EMPTY_ID: u128 = 1 << 127;

/// Columns whose values are nearly unique in a row group: a dictionary would only cost a
/// lookup per value, so they are stored as they come.
fn plain(table: Table, column: &str) -> bool {
    match column {
        "ProcessCommandLine" | "ProcessUniqueId" | "RegistryValueData" | "PreviousRegistryValueData" => true,
        "FolderPath" | "SHA1" | "SHA256" | "MD5" | "PreviousFileName" | "FileOriginUrl" | "RequestSourceIP" => {
            table == Table::File
        }
        "AdditionalFields" => table == Table::Network,
        _ => false,
    }
}

/// Column `i` of `cols`, first filled with empty values up to `rows` rows, and its length in
/// `lens` (a setter adds one for the value it pushes). Reading the length from `lens` rather
/// than from the column's own vectors (a match on its kind) saved 2% of generation.
#[inline]
fn col_at<'c>(
    cols: &'c mut [Col],
    lens: &'c mut [usize],
    rows: usize,
    i: usize,
) -> Option<(&'c mut Col, &'c mut usize)> {
    let (c, len) = (cols.get_mut(i)?, lens.get_mut(i)?);
    if *len < rows {
        c.pad(rows);
        *len = rows;
    }
    Some((c, len))
}

/// The dictionary identity of a string that outlives the batch: its address and length
/// (the high half is never zero, unlike a caller's key).
#[inline]
fn address_id(v: &str) -> u128 {
    (v.as_ptr() as u128) << 64 | v.len() as u128
}

/// Appends the text `f` writes (it must not touch what is already there) to column `i` of
/// `cols` if that column is stored plain, first filled with empty values up to `rows` rows
/// (see [`col_at`]).
#[inline]
fn push_plain(cols: &mut [Col], lens: &mut [usize], rows: usize, i: usize, f: impl FnOnce(&mut String)) {
    if let Some((Col::Plain { values, valid, .. }, len)) = col_at(cols, lens, rows, i) {
        f(&mut values.bytes);
        values.ends.push(values.bytes.len());
        valid.push();
        *len += 1;
    }
}

/// Rows of one table being built (at most one Parquet row group). Setters take a column
/// position from [`Ix`]; a position the table lacks, or a value of the wrong type, is
/// ignored. Columns a row did not set are filled with empty values later ([`Batch::pad`]).
///
/// Strings come in three kinds: [`Batch::v`] for a string that outlives the batch (its
/// address identifies it in the column's dictionary), [`Batch::k`] for a string the caller
/// identifies with a key of its own, and [`Batch::s`] for any other string (found by its
/// text).
pub struct Batch<'a> {
    schema: SchemaRef,
    table: Table,
    cols: Vec<Col>,
    /// Rows a dictionary column's indices have room for (at least one more than `rows`).
    capacity: usize,
    /// Each column's length: the rows up to which it is set or padded.
    lens: Vec<usize>,
    rows: usize,
    /// [`Batch::group`]'s memory, by the key's kind (top four bits) and index (the rest):
    /// where the group's dictionary indices start in `group_ids` ([`NULL_INDEX`]: not yet).
    groups: Vec<Vec<u32>>,
    /// [`Batch::k_group`]'s memory: a key -> where its columns' indices start in `group_ids`.
    keyed: std::collections::HashMap<u64, u32, foldhash::fast::FixedState>,
    group_ids: Vec<u32>,
    refs: PhantomData<&'a str>,
}

impl<'a> Batch<'a> {
    /// An empty batch with room for `capacity` rows.
    pub fn new(spec: &TableSpec, capacity: usize) -> Batch<'a> {
        let capacity = capacity.max(1);
        let cols = spec
            .schema
            .fields()
            .iter()
            .map(|f| {
                let dynamic = f.data_type() == &DataType::LargeUtf8;
                match f.data_type() {
                    DataType::Utf8 | DataType::LargeUtf8 if plain(spec.table, f.name()) => Col::Plain {
                        values: Strings {
                            bytes: String::with_capacity(capacity * 32),
                            ends: Vec::with_capacity(capacity),
                        },
                        valid: Validity::default(),
                        dynamic,
                    },
                    DataType::Utf8 | DataType::LargeUtf8 => {
                        let mut dict = Dict::default();
                        dict.idx.resize(capacity, UNSET);
                        Col::Dict { dict, dynamic }
                    }
                    DataType::Int64 | DataType::Timestamp(TimeUnit::Nanosecond, None) => Col::Long {
                        values: Vec::with_capacity(capacity),
                        valid: Validity::default(),
                        time: f.data_type() != &DataType::Int64,
                    },
                    DataType::Int32 => Col::Int { values: Vec::with_capacity(capacity), valid: Validity::default() },
                    DataType::Boolean => Col::Bool { values: Vec::with_capacity(capacity), valid: Validity::default() },
                    _ => Col::Null(0),
                }
            })
            .collect();
        Batch {
            schema: spec.schema.clone(),
            table: spec.table,
            lens: vec![0; spec.schema.fields().len()],
            cols,
            rows: 0,
            capacity,
            groups: vec![Vec::new(); 16],
            keyed: Default::default(),
            group_ids: Vec::new(),
            refs: PhantomData,
        }
    }

    /// Rows completed so far.
    pub fn rows(&self) -> usize {
        self.rows
    }

    /// The table.
    pub fn table(&self) -> Table {
        self.table
    }

    /// The schema.
    pub fn schema(&self) -> &SchemaRef {
        &self.schema
    }

    /// The columns; [`Batch::pad`] must have been called after the last row. A dictionary
    /// column's indices run past the rows (to the batch's capacity): read the first
    /// [`Batch::rows`].
    pub(crate) fn columns(&self) -> &[Col] {
        debug_assert!(self.cols.iter().all(|c| matches!(c, Col::Dict { .. }) || c.len() == self.rows));
        &self.cols
    }

    /// Column `i`, first filled with empty values for the rows that did not set it, and its
    /// length (see [`col_at`]).
    #[inline]
    fn col(&mut self, i: usize) -> Option<(&mut Col, &mut usize)> {
        col_at(&mut self.cols, &mut self.lens, self.rows, i)
    }

    /// Fills every column's unset values up to the last row (before the batch is written).
    pub(crate) fn pad(&mut self) {
        let rows = self.rows;
        for (c, len) in self.cols.iter_mut().zip(&mut self.lens) {
            c.pad(rows);
            *len = rows;
        }
    }

    /// Sets a string (or dynamic JSON text) column to a string that lives as long as the
    /// batch: it is found in the column's dictionary by its address.
    #[inline(always)]
    pub fn v(&mut self, i: usize, v: &'a str) {
        // Inline only the common case, a value the column's cache of recent values has: the
        // whole function, called a few times a row, spent as much on its calls as on its work.
        let row = self.rows;
        if let Some(Col::Dict { dict, .. }) = self.cols.get_mut(i)
            && let Some(x) = dict.recent_id(address_id(v))
        {
            dict.idx[row] = x;
            return;
        }
        self.v_other(i, v);
    }

    /// [`Batch::v`] for a value the cache does not have, or a column that is not a dictionary.
    #[inline(never)]
    fn v_other(&mut self, i: usize, v: &'a str) {
        let row = self.rows;
        match self.cols.get_mut(i) {
            Some(Col::Dict { dict, .. }) => {
                dict.idx[row] = dict.id_index(address_id(v), v);
            }
            Some(Col::Plain { .. }) => self.plain(i, |out| out.push_str(v)),
            _ => {}
        }
    }

    /// Sets plain column `i` to the text `f` appends (see [`push_plain`]).
    fn plain(&mut self, i: usize, f: impl FnOnce(&mut String)) {
        push_plain(&mut self.cols, &mut self.lens, self.rows, i, f);
    }

    /// Sets several string columns at once to values that live as long as the batch and are
    /// a function of `key` (for instance a process image's hashes and version strings, by
    /// process): after the first time, one lookup finds every column's dictionary index.
    /// `values` is called only then (gathering them on every row cost as much as the lookup).
    #[inline]
    pub fn group<const N: usize>(&mut self, key: u64, cols: &[usize; N], values: impl FnOnce() -> [&'a str; N]) {
        let (kind, index) = ((key >> 60) as usize, (key & ((1 << 60) - 1)) as usize);
        let at = self.groups[kind].get(index).copied().unwrap_or(NULL_INDEX);
        if at != NULL_INDEX {
            let at = at as usize;
            let Batch { cols: columns, rows, group_ids, .. } = self;
            for (&i, &id) in cols.iter().zip(&group_ids[at..at + N]) {
                // Only dictionary columns (see below).
                if let Some(Col::Dict { dict, .. }) = columns.get_mut(i) {
                    dict.idx[*rows] = id;
                }
            }
            return;
        }
        let values = values();
        let at = self.group_ids.len() as u32;
        let mut plain = false;
        for (n, &i) in cols.iter().enumerate() {
            self.v(i, values[n]);
            let id = match self.cols.get(i) {
                Some(Col::Dict { dict, .. }) => dict.idx[self.rows],
                Some(Col::Plain { .. }) => {
                    plain = true;
                    NULL_INDEX
                }
                _ => NULL_INDEX,
            };
            self.group_ids.push(id);
        }
        if plain {
            // A group with a column stored plain (none in the generated tables) is not
            // remembered: its values are set one by one every time.
            return;
        }
        let table = &mut self.groups[kind];
        if table.len() <= index {
            table.resize(index + 1, NULL_INDEX);
        }
        table[index] = at;
    }

    /// Sets a string column to `v`, which the caller identifies by `key` (the same key must
    /// always come with the same text while the batch lives).
    #[inline]
    pub fn k(&mut self, i: usize, key: u64, v: &str) {
        let row = self.rows;
        match self.cols.get_mut(i) {
            // The high half of an address key is never zero.
            Some(Col::Dict { dict, .. }) => dict.idx[row] = dict.id_index(key as u128, v),
            Some(Col::Plain { .. }) => self.plain(i, |out| out.push_str(v)),
            _ => {}
        }
    }

    /// Like [`Batch::k`], but the text is written only when the column does not have the
    /// key's value yet: `f` appends it to its argument (the column's own buffer: it must not
    /// touch what is already there).
    #[inline]
    pub fn k_with(&mut self, i: usize, key: u64, f: impl FnOnce(&mut String)) {
        let row = self.rows;
        match self.cols.get_mut(i) {
            Some(Col::Dict { dict, .. }) => dict.idx[row] = dict.find_or_add_id_with(key as u128, f),
            Some(Col::Plain { .. }) => self.plain(i, f),
            _ => {}
        }
    }

    /// Sets several string columns whose values are a function of `key` (a process instance's
    /// command line and unique id): one lookup finds every column's dictionary index; on a
    /// miss `f(n, out)` appends column `n`'s value to `out` (the dictionary's own buffer: it
    /// must not touch what is already there). A key's values are new to the batch; they are
    /// added without looking them up, except in the columns marked `shared` (see [`Shared`]),
    /// whose value many keys have in common (a command line).
    #[inline]
    pub fn k_group<const N: usize>(
        &mut self,
        key: u64,
        cols: &[usize; N],
        shared: [Shared; N],
        mut f: impl FnMut(usize, &mut String),
    ) {
        let Batch { cols: columns, lens, rows, keyed, group_ids, .. } = self;
        let at = keyed.get(&key).copied();
        if at.is_none() {
            keyed.insert(key, group_ids.len() as u32);
        }
        for (n, &i) in cols.iter().enumerate() {
            if let Some(Col::Dict { dict, .. }) = columns.get_mut(i) {
                let x = match at {
                    Some(at) => group_ids[at as usize + n],
                    None => {
                        let x = match shared[n] {
                            Shared::No => dict.add_with(|out| f(n, out)),
                            Shared::ByText => dict.add_unique_with(|out| f(n, out)),
                            Shared::ByKey(text) => dict.find_or_add_id_with(text as u128, |out| f(n, out)),
                        };
                        group_ids.push(x);
                        x
                    }
                };
                dict.idx[*rows] = x;
                continue;
            }
            push_plain(columns, lens, *rows, i, |out| f(n, out));
            if at.is_none() {
                group_ids.push(NULL_INDEX);
            }
        }
    }

    /// Sets a string column to the text `f` appends to its argument (it must not touch what
    /// is already there): for a column stored plain, straight into the column's buffer (no
    /// copy); else into `scratch` first.
    #[inline]
    pub fn w(&mut self, i: usize, scratch: &mut String, f: impl FnOnce(&mut String)) {
        let row = self.rows;
        match self.cols.get_mut(i) {
            Some(Col::Dict { dict, .. }) => {
                scratch.clear();
                f(scratch);
                dict.idx[row] = dict.find_or_add_text(scratch);
            }
            Some(Col::Plain { .. }) => self.plain(i, f),
            _ => {}
        }
    }

    /// Sets a string (or dynamic JSON text) column.
    #[inline]
    pub fn s(&mut self, i: usize, v: &str) {
        let row = self.rows;
        match self.cols.get_mut(i) {
            Some(Col::Dict { dict, .. }) => dict.idx[row] = dict.find_or_add_text(v),
            Some(Col::Plain { .. }) => self.plain(i, |out| out.push_str(v)),
            _ => {}
        }
    }

    /// Sets a long or int column.
    #[inline]
    pub fn l(&mut self, i: usize, v: i64) {
        match self.col(i) {
            Some((Col::Long { values, valid, time: false }, len)) => {
                values.push(v);
                valid.push();
                *len += 1;
            }
            Some((Col::Int { values, valid }, len)) => {
                values.push(v as i32);
                valid.push();
                *len += 1;
            }
            _ => {}
        }
    }

    /// Sets a bool column.
    #[inline]
    pub fn b(&mut self, i: usize, v: bool) {
        if let Some((Col::Bool { values, valid }, len)) = self.col(i) {
            values.push(v);
            valid.push();
            *len += 1;
        }
    }

    /// Sets a datetime column (nanoseconds since the epoch).
    #[inline]
    pub fn t(&mut self, i: usize, v: i64) {
        if let Some((Col::Long { values, valid, time: true }, len)) = self.col(i) {
            values.push(v);
            valid.push();
            *len += 1;
        }
    }

    /// Finishes the current row. The columns it did not set get their empty value when a
    /// later row sets them or when the batch is written ([`Batch::pad`]), not one by one here.
    pub fn end_row(&mut self) {
        self.rows += 1;
        if self.rows == self.capacity {
            self.grow();
        }
    }

    /// Doubles the room for rows (a dictionary column's indices are pre-filled to it).
    #[cold]
    fn grow(&mut self) {
        self.capacity *= 2;
        for c in &mut self.cols {
            if let Col::Dict { dict, .. } = c {
                dict.idx.resize(self.capacity, UNSET);
            }
        }
    }

    /// Empties the batch (after its rows were written).
    pub fn clear(&mut self) {
        // A row being set (not ended) is cleared too.
        let rows = self.rows + 1;
        for col in &mut self.cols {
            col.clear(rows);
        }
        self.lens.fill(0);
        for g in &mut self.groups {
            g.fill(NULL_INDEX);
        }
        self.keyed.clear();
        self.group_ids.clear();
        self.rows = 0;
    }

    /// The rows built so far as a record batch; the batch is left empty.
    pub fn finish(&mut self) -> Result<RecordBatch, GenError> {
        self.pad();
        let arrays: Vec<ArrayRef> =
            self.cols.iter().zip(self.schema.fields()).map(|(c, f)| c.to_array(f.data_type(), self.rows)).collect();
        self.clear();
        RecordBatch::try_new(self.schema.clone(), arrays).map_err(|e| GenError::Internal(e.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_table_resolves_against_the_catalog() {
        for table in Table::ALL {
            let spec = TableSpec::new(table).unwrap();
            assert!(spec.ix.Timestamp < spec.schema.fields().len());
            assert!(spec.ix.DeviceId < spec.schema.fields().len());
        }
    }

    #[test]
    fn keys_with_the_same_shared_text_share_one_dictionary_value() {
        let spec = TableSpec::new(Table::Network).unwrap();
        let mut batch = Batch::new(&spec, 8);
        let cols = [spec.ix.InitiatingProcessCommandLine, spec.ix.InitiatingProcessUniqueId];
        // Three process instances: two run the same command line, each has its own id.
        for (key, line, id) in
            [(1, "svchost.exe -k netsvcs", "11"), (2, "svchost.exe -k netsvcs", "22"), (3, "x.exe", "33")]
        {
            batch.k_group(key, &cols, [Shared::ByText, Shared::No], |n, out| {
                out.push_str(if n == 0 { line } else { id })
            });
            batch.end_row();
        }
        // A repeated key reuses what was written for it.
        batch.k_group(2, &cols, [Shared::ByText, Shared::No], |_, _| panic!("key 2 is known"));
        batch.end_row();
        batch.pad();
        match &batch.columns()[cols[0]] {
            Col::Dict { dict, .. } => {
                assert_eq!(dict.values.len(), 2, "one value per distinct command line");
                assert_eq!(dict.idx[..4], [0, 0, 1, 0]);
            }
            _ => panic!("command lines are dictionary-encoded"),
        }
        match &batch.columns()[cols[1]] {
            Col::Dict { dict, .. } => assert_eq!(dict.values.len(), 3, "unique ids are not looked up by text"),
            _ => panic!("unique ids are dictionary-encoded"),
        }
        let lines_before = match &batch.columns()[cols[0]] {
            Col::Dict { dict, .. } => dict.values.len(),
            _ => unreachable!(),
        };
        // Keys whose line the caller identifies (`ByKey`): written for the first key only.
        batch.k_group(4, &cols, [Shared::ByKey(77), Shared::No], |n, out| {
            out.push_str(if n == 0 { "y.exe" } else { "44" })
        });
        batch.end_row();
        batch.k_group(5, &cols, [Shared::ByKey(77), Shared::No], |n, out| {
            assert_ne!(n, 0, "the line of text key 77 is known");
            out.push_str("55")
        });
        batch.end_row();
        batch.pad();
        match &batch.columns()[cols[0]] {
            Col::Dict { dict, .. } => {
                assert_eq!(dict.values.len(), lines_before + 1, "one value for text key 77");
                assert_eq!(dict.idx[4..6], [2, 2]);
            }
            _ => unreachable!(),
        }
        let rb = batch.finish().unwrap();
        let lines = rb.column(cols[0]).as_any().downcast_ref::<StringArray>().unwrap();
        let ids = rb.column(cols[1]).as_any().downcast_ref::<StringArray>().unwrap();
        let got: Vec<(&str, &str)> = (0..6).map(|i| (lines.value(i), ids.value(i))).collect();
        assert_eq!(
            got,
            [
                ("svchost.exe -k netsvcs", "11"),
                ("svchost.exe -k netsvcs", "22"),
                ("x.exe", "33"),
                ("svchost.exe -k netsvcs", "22"),
                ("y.exe", "44"),
                ("y.exe", "55")
            ]
        );
    }

    #[test]
    fn a_group_sets_every_column_on_every_row_including_plain_ones() {
        // In DeviceFileEvents SHA1 is stored plain and FileName is a dictionary.
        let spec = TableSpec::new(Table::File).unwrap();
        let mut batch = Batch::new(&spec, 4);
        let cols = [spec.ix.FileName, spec.ix.SHA1];
        let mut calls = 0;
        for key in [1, 2, 1, 1] {
            let values = if key == 1 { ["a.exe", "aa"] } else { ["b.exe", "bb"] };
            batch.group(key, &cols, || {
                calls += 1;
                values
            });
            batch.end_row();
        }
        // The group has a plain column, so it is not remembered.
        assert_eq!(calls, 4);
        let rb = batch.finish().unwrap();
        let text =
            |c: usize, i: usize| rb.column(c).as_any().downcast_ref::<StringArray>().unwrap().value(i).to_string();
        let got: Vec<(String, String)> = (0..4).map(|i| (text(cols[0], i), text(cols[1], i))).collect();
        let want = [("a.exe", "aa"), ("b.exe", "bb"), ("a.exe", "aa"), ("a.exe", "aa")];
        assert_eq!(got, want.map(|(a, b)| (a.to_string(), b.to_string())));

        // Dictionary columns only: the values are gathered once per key.
        let mut batch = Batch::new(&spec, 4);
        let cols = [spec.ix.FileName, spec.ix.ActionType];
        let mut calls = 0;
        for _ in 0..3 {
            batch.group(7, &cols, || {
                calls += 1;
                ["c.exe", "FileCreated"]
            });
            batch.end_row();
        }
        assert_eq!(calls, 1);
        let rb = batch.finish().unwrap();
        let names = rb.column(cols[0]).as_any().downcast_ref::<StringArray>().unwrap();
        assert!((0..3).all(|i| names.value(i) == "c.exe"));
    }

    #[test]
    fn validity_keeps_flags_only_from_the_first_null() {
        let mut v = Validity::default();
        v.push();
        v.push();
        v.extend(2, 3, true);
        assert!(v.flags.is_empty(), "no flags while every value is valid");
        v.extend(5, 2, false);
        v.push();
        assert_eq!(v.flags, [true, true, true, true, true, false, false, true]);
        assert_eq!(v.nulls(0..8), 2);
        assert_eq!(v.nulls(6..8), 1);
        assert!(v.is_valid(4) && !v.is_valid(6) && v.is_valid(7));
        let nulls = v.to_nulls(8).unwrap();
        assert_eq!(nulls.null_count(), 2);
        v.clear();
        assert_eq!(v.nulls(0..0), 0);
        assert!(v.to_nulls(3).is_none());
    }

    #[test]
    fn unset_columns_are_empty_strings_or_nulls() {
        let spec = TableSpec::new(Table::Logon).unwrap();
        let mut batch = Batch::new(&spec, 4);
        batch.t(spec.ix.Timestamp, 5);
        batch.s(spec.ix.DeviceName, "ws-1");
        batch.s(spec.ix.RegistryKey, "not a logon column");
        batch.end_row();
        let rb = batch.finish().unwrap();
        assert_eq!(rb.num_rows(), 1);
        let account = rb.column(spec.ix.AccountName).as_any().downcast_ref::<arrow::array::StringArray>().unwrap();
        assert_eq!(account.value(0), "");
        assert!(rb.column(spec.ix.LogonId).is_null(0));
    }
}
