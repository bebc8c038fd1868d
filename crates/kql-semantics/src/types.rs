//! KQL's scalar types.

use std::fmt;

/// A KQL scalar type, as a column or an expression has it.
///
/// `Unknown` is the type of an expression that failed to bind: it is compatible with everything
/// so that one mistake does not cascade into many diagnostics.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Type {
    /// `bool` (alias `boolean`).
    Bool,
    /// `int`: 32-bit signed.
    Int,
    /// `long`: 64-bit signed.
    Long,
    /// `real` (alias `double`): 64-bit float.
    Real,
    /// `decimal`: 128-bit decimal.
    Decimal,
    /// `string`.
    String,
    /// `datetime` (alias `date`).
    DateTime,
    /// `timespan` (alias `time`).
    TimeSpan,
    /// `guid` (alias `uuid`, `uniqueid`).
    Guid,
    /// `dynamic`: JSON-like arrays, bags and scalars.
    Dynamic,
    /// A type that could not be determined because of an earlier error.
    Unknown,
}

impl Type {
    /// Parses a KQL type name, with its aliases (`boolean`, `double`, `date`, `time`, `uuid`).
    pub fn from_name(name: &str) -> Option<Type> {
        Some(match name {
            "bool" | "boolean" => Type::Bool,
            "int" | "int32" => Type::Int,
            "long" | "int64" => Type::Long,
            "real" | "double" | "float" => Type::Real,
            "decimal" => Type::Decimal,
            "string" => Type::String,
            "datetime" | "date" => Type::DateTime,
            "timespan" | "time" => Type::TimeSpan,
            "guid" | "uuid" | "uniqueid" => Type::Guid,
            "dynamic" => Type::Dynamic,
            _ => return None,
        })
    }

    /// The canonical KQL name.
    pub fn name(self) -> &'static str {
        match self {
            Type::Bool => "bool",
            Type::Int => "int",
            Type::Long => "long",
            Type::Real => "real",
            Type::Decimal => "decimal",
            Type::String => "string",
            Type::DateTime => "datetime",
            Type::TimeSpan => "timespan",
            Type::Guid => "guid",
            Type::Dynamic => "dynamic",
            Type::Unknown => "unknown",
        }
    }

    /// `int`, `long`, `real` or `decimal`.
    pub fn is_numeric(self) -> bool {
        matches!(self, Type::Int | Type::Long | Type::Real | Type::Decimal)
    }

    /// `int` or `long`.
    pub fn is_integer(self) -> bool {
        matches!(self, Type::Int | Type::Long)
    }

    /// Whether this type came from an earlier error and should not be complained about.
    pub fn is_unknown(self) -> bool {
        self == Type::Unknown
    }
}

impl fmt::Display for Type {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type_names_round_trip_and_aliases_resolve() {
        for ty in [
            Type::Bool,
            Type::Int,
            Type::Long,
            Type::Real,
            Type::Decimal,
            Type::String,
            Type::DateTime,
            Type::TimeSpan,
            Type::Guid,
            Type::Dynamic,
        ] {
            assert_eq!(Type::from_name(ty.name()), Some(ty));
        }
        assert_eq!(Type::from_name("double"), Some(Type::Real));
        assert_eq!(Type::from_name("boolean"), Some(Type::Bool));
        assert_eq!(Type::from_name("varchar"), None);
    }
}
