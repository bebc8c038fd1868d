//! Running a rule pack over data: the hunt, and the report it produces.

mod report;
pub mod shape;

pub use report::{HuntReport, RuleRun, RuleStatus, Suppression, TableScan};
