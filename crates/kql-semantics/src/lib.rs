//! KQL semantic analysis: the table and function catalog, the binder and KQL's type rules.
//!
//! Sits between `kql-syntax` (which gives it an AST) and `kql-engine` (which executes the typed
//! plan it produces). Not implemented yet: see issue 3.
