//! Inferring a column's KQL type from the JSON values seen in it.
//!
//! The rule: only integers → `long`; numbers → `real`; only booleans → `bool`; only strings →
//! `string`, or `datetime` when every non-empty one is an ISO-8601 datetime; objects or arrays
//! → `dynamic`; a mix of these (say numbers and strings) → `dynamic`. Nulls say nothing; a
//! column with nothing but nulls is a `string`.

use kql_semantics::Type;

use crate::row::{Shape, shape, unquote};
use crate::values::parse_datetime;

/// What has been seen in one column.
#[derive(Clone, Debug, Default)]
pub struct Inference {
    bools: bool,
    integers: bool,
    reals: bool,
    strings: bool,
    nested: bool,
    /// Some non-empty string parsed as a datetime.
    any_datetime: bool,
    /// Some non-empty string did not parse as a datetime.
    non_datetime: bool,
}

impl Inference {
    /// Records one value, given as its JSON text.
    pub fn add(&mut self, raw: &str) {
        match shape(raw) {
            Shape::Null => {}
            Shape::Bool(_) => self.bools = true,
            Shape::Number => {
                if is_long(raw) {
                    self.integers = true;
                } else {
                    self.reals = true;
                }
            }
            Shape::String => {
                self.strings = true;
                if !self.non_datetime {
                    let s = unquote(raw);
                    if !s.is_empty() {
                        if parse_datetime(&s).is_ok() {
                            self.any_datetime = true;
                        } else {
                            self.non_datetime = true;
                        }
                    }
                }
            }
            Shape::Nested => self.nested = true,
        }
    }

    /// The type for the values seen.
    pub fn ty(&self) -> Type {
        let numbers = self.integers || self.reals;
        let kinds = [self.bools, numbers, self.strings, self.nested].iter().filter(|&&k| k).count();
        if kinds > 1 || self.nested {
            Type::Dynamic
        } else if self.bools {
            Type::Bool
        } else if self.reals {
            Type::Real
        } else if self.integers {
            Type::Long
        } else if self.any_datetime && !self.non_datetime {
            Type::DateTime
        } else {
            Type::String
        }
    }
}

/// The type of a column first seen in a single value: as [`Inference`], but a lone string is
/// always a `string`. `None` for null, which says nothing.
pub fn type_of_single(raw: &str) -> Option<Type> {
    match shape(raw) {
        Shape::Null => None,
        Shape::Bool(_) => Some(Type::Bool),
        Shape::Number if is_long(raw) => Some(Type::Long),
        Shape::Number => Some(Type::Real),
        Shape::String => Some(Type::String),
        Shape::Nested => Some(Type::Dynamic),
    }
}

/// Whether JSON number text is an integer that fits a `long`.
fn is_long(raw: &str) -> bool {
    !raw.contains(['.', 'e', 'E']) && raw.parse::<i64>().is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn infer(values: &[&str]) -> Type {
        let mut inf = Inference::default();
        for v in values {
            inf.add(v);
        }
        inf.ty()
    }

    #[test]
    fn the_kql_rule() {
        assert_eq!(infer(&["1", "null", "123456789012345678"]), Type::Long);
        assert_eq!(infer(&["1", "2.5"]), Type::Real);
        assert_eq!(infer(&["99999999999999999999"]), Type::Real);
        assert_eq!(infer(&["true", "false", "null"]), Type::Bool);
        assert_eq!(infer(&[r#""a""#, r#""2024-01-01T00:00:00Z""#]), Type::String);
        assert_eq!(infer(&[r#""2024-01-01T00:00:00Z""#, r#""""#, r#""2024-01-02 10:00:00.5""#]), Type::DateTime);
        assert_eq!(infer(&[r#""""#]), Type::String);
        assert_eq!(infer(&[r#"{"a":1}"#]), Type::Dynamic);
        assert_eq!(infer(&["[]", "null"]), Type::Dynamic);
        assert_eq!(infer(&["1", r#""1""#]), Type::Dynamic);
        assert_eq!(infer(&["true", "1"]), Type::Dynamic);
        assert_eq!(infer(&["null"]), Type::String);
        assert_eq!(infer(&[]), Type::String);
    }
}
