//! Running a rule pack over data: the hunt, and the report it produces.

mod config;
mod report;
mod run;
pub mod shape;
mod widen;
mod window;

pub use config::{ConfigError, HuntConfig};
pub use report::{Bounds, HuntReport, RuleRun, RuleStatus, Suppression, TableScan};
pub use run::{AllowedTool, HuntOptions, Progress, hunt};
