//! One module per data format. Each reads a [`crate::TableSource`] of its kind and implements
//! [`crate::TableReader`].

pub mod ndjson;
