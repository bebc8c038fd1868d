//! The columns flowing through a pipeline.

use crate::catalog::Column;
use crate::types::Type;

/// The columns of a tabular value at one point of a pipeline.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Schema {
    /// The columns in order; names are unique.
    pub columns: Vec<Column>,
    /// Whether columns the binder cannot see may exist (after `evaluate bag_unpack`, an unknown
    /// table, an external source). References to unseen columns are then not errors.
    pub open: bool,
    /// The table these columns come from while they are still that table's (for messages like
    /// "DeviceNetworkEvents has no column X").
    pub table: Option<String>,
}

impl Schema {
    /// A schema of unknown shape: every column reference is accepted with an unknown type.
    pub fn unknown() -> Self {
        Schema { columns: Vec::new(), open: true, table: None }
    }

    /// A closed schema with `columns`.
    pub fn new(columns: Vec<Column>) -> Self {
        Schema { columns, open: false, table: None }
    }

    /// The column called `name`.
    pub fn get(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.name == name)
    }

    /// Sets column `name` to `ty`, replacing a column of that name in place or appending.
    pub fn set(&mut self, name: &str, ty: Type) {
        match self.columns.iter_mut().find(|c| c.name == name) {
            Some(column) => column.ty = ty,
            None => self.columns.push(Column { name: name.to_string(), ty }),
        }
    }

    /// Appends a column, renaming it `name1`, `name2`... if the name is taken, as Kusto does
    /// for join and summarize outputs. Returns the name used.
    pub fn push_unique(&mut self, name: &str, ty: Type) -> String {
        let mut candidate = name.to_string();
        let mut n = 1;
        while self.get(&candidate).is_some() {
            candidate = format!("{name}{n}");
            n += 1;
        }
        self.columns.push(Column { name: candidate.clone(), ty });
        candidate
    }

    /// Removes column `name`; returns whether it was there.
    pub fn remove(&mut self, name: &str) -> bool {
        let before = self.columns.len();
        self.columns.retain(|c| c.name != name);
        self.columns.len() != before
    }

    /// Column names, for suggestions.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.columns.iter().map(|c| c.name.as_str())
    }
}

/// Whether `name` matches a `project-away`-style pattern where `*` matches any run of characters.
pub fn wildcard_match(pattern: &str, name: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    if parts.len() == 1 {
        return pattern == name;
    }
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if !name.starts_with(first) || !name[first.len()..].ends_with(last) {
        return false;
    }
    let mut rest = &name[first.len()..name.len() - last.len()];
    for part in &parts[1..parts.len() - 1] {
        match rest.find(part) {
            Some(i) => rest = &rest[i + part.len()..],
            None => return false,
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcards_match_like_kusto_column_patterns() {
        assert!(wildcard_match("Initiating*", "InitiatingProcessId"));
        assert!(wildcard_match("*Id", "ReportId"));
        assert!(wildcard_match("*Process*Name", "InitiatingProcessFileName"));
        assert!(!wildcard_match("*Process*Name", "InitiatingProcessId"));
        assert!(wildcard_match("*", "x"));
        assert!(!wildcard_match("Device", "DeviceId"));
    }

    #[test]
    fn duplicate_names_get_numbered() {
        let mut schema = Schema::default();
        assert_eq!(schema.push_unique("DeviceId", Type::String), "DeviceId");
        assert_eq!(schema.push_unique("DeviceId", Type::String), "DeviceId1");
        assert_eq!(schema.push_unique("DeviceId", Type::String), "DeviceId2");
    }
}
