//! One module per data format. Each reads files into a [`crate::sink::TableSet`].

pub mod csv;
pub mod json;
pub mod ndjson;
pub(crate) mod scan;
