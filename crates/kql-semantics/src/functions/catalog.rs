//! The catalog of modelled functions, sorted by name.
//!
//! Parameter classes, argument counts and result-type rules follow Microsoft's own binder
//! (Kusto.Language) so that Quarry accepts and rejects calls as Kusto does; each entry links to
//! the function's page in the KQL reference. Descriptions are Quarry's own.

use super::ArgForm::{Aggregate, Column, Constant, Literal, LiteralNotEmpty, StarAllowed, StarOnly};
use super::FunctionKind as K;
use super::ParamType::*;
use super::ResultNaming::*;
use super::ReturnRule::*;
use super::{FunctionInfo as F, MANY, block, opt, p, rep, sig};
use crate::types::Type as T;

pub(super) static FUNCTIONS: &[F] = &[
    F::new(
        "abs",
        K::Scalar,
        "https://learn.microsoft.com/en-us/kusto/query/abs-function",
        "The absolute value of a number or timespan.",
        &[
            sig(&[p("number", Integer)], Fixed(T::Long)),
            sig(&[p("number", Number)], Arg(0)),
            sig(&[p("number", OneOf(&[T::TimeSpan]))], Fixed(T::TimeSpan)),
        ],
    )
    .named(FirstArgument, None),
    F::new(
        "ago",
        K::Scalar,
        "https://learn.microsoft.com/en-us/kusto/query/ago-function",
        "The current UTC time minus a timespan.",
        &[sig(&[p("timespan", OneOf(&[T::TimeSpan]))], Fixed(T::DateTime))],
    ),
    F::new(
        "any",
        K::Aggregate,
        "https://learn.microsoft.com/en-us/kusto/query/take-any-aggregation-function",
        "Old name of take_any(); its output columns are prefixed with any_.",
        &[
            sig(&[p("expr", Scalar)], Arg(0)),
            sig(&[rep("expr", Scalar, 2, MANY)], Columns),
            sig(&[p("expr", Scalar).form(StarOnly)], Columns),
        ],
    )
    .named(PrefixAndFirstArgument, Some("any"))
    .replaced_by("take_any"),
    F::new(
        "anyif",
        K::Aggregate,
        "https://learn.microsoft.com/en-us/kusto/query/take-anyif-aggregation-function",
        "Old name of take_anyif().",
        &[sig(&[p("expr", Scalar), p("predicate", OneOf(&[T::Bool]))], Arg(0))],
    )
    .named(PrefixAndFirstArgument, Some("anyif"))
    .replaced_by("take_anyif"),
    F::new(
        "arg_max",
        K::Aggregate,
        "https://learn.microsoft.com/en-us/kusto/query/arg-max-aggregation-function",
        "The row with the largest value of an expression, returning chosen columns (or * for all).",
        &[sig(&[p("maximized", Orderable), rep("returned", Scalar, 0, MANY).form(StarAllowed)], Columns)],
    )
    .named(Custom, Some("max")),
    F::new(
        "arg_min",
        K::Aggregate,
        "https://learn.microsoft.com/en-us/kusto/query/arg-min-aggregation-function",
        "The row with the smallest value of an expression, returning chosen columns (or * for all).",
        &[sig(&[p("minimized", Orderable), rep("returned", Scalar, 0, MANY).form(StarAllowed)], Columns)],
    )
    .named(Custom, Some("min")),
    F::new(
        "argmax",
        K::Aggregate,
        "https://learn.microsoft.com/en-us/kusto/query/arg-max-aggregation-function",
        "Old form of arg_max(); its output columns are prefixed with max_.",
        &[sig(&[p("maximized", Orderable), rep("returned", Scalar, 0, MANY).form(StarAllowed)], Columns)],
    )
    .named(Custom, Some("max"))
    .replaced_by("arg_max"),
    F::new(
        "argmin",
        K::Aggregate,
        "https://learn.microsoft.com/en-us/kusto/query/arg-min-aggregation-function",
        "Old form of arg_min(); its output columns are prefixed with min_.",
        &[sig(&[p("minimized", Orderable), rep("returned", Scalar, 0, MANY).form(StarAllowed)], Columns)],
    )
    .named(Custom, Some("min"))
    .replaced_by("arg_min"),
    F::new(
        "array_concat",
        K::Scalar,
        "https://learn.microsoft.com/en-us/kusto/query/array-concat-function",
        "Concatenates dynamic arrays.",
        &[sig(&[rep("array", DynamicArray, 1, 64)], Fixed(T::Dynamic))],
    ),
    F::new(
        "array_iff",
        K::Scalar,
        "https://learn.microsoft.com/en-us/kusto/query/array-iff-function",
        "Element-wise choice between two values or arrays by a bool array.",
        &[sig(
            &[p("condition_array", DynamicArray), p("when_true", Scalar), p("when_false", Scalar)],
            Fixed(T::Dynamic),
        )],
    ),
    F::new(
        "array_iif",
        K::Scalar,
        "https://learn.microsoft.com/en-us/kusto/query/array-iff-function",
        "Alias of array_iff().",
        &[sig(
            &[p("condition_array", DynamicArray), p("when_true", Scalar), p("when_false", Scalar)],
            Fixed(T::Dynamic),
        )],
    ),
    F::new(
        "array_index_of",
        K::Scalar,
        "https://learn.microsoft.com/en-us/kusto/query/array-index-of-function",
        "The 0-based position of a value in a dynamic array, or -1.",
        &[sig(
            &[
                p("array", DynamicArray),
                p("value", Scalar),
                opt("start", Integer),
                opt("length", Integer),
                opt("occurrence", Integer).form(Constant),
            ],
            Fixed(T::Long),
        )],
    ),
    F::new(
        "array_length",
        K::Scalar,
        "https://learn.microsoft.com/en-us/kusto/query/array-length-function",
        "The number of elements of a dynamic array; null for non-arrays.",
        &[sig(&[p("array", DynamicArray)], Fixed(T::Long))],
    ),
    F::new(
        "array_reverse",
        K::Scalar,
        "https://learn.microsoft.com/en-us/kusto/query/array-reverse-function",
        "A dynamic array in reverse order.",
        &[sig(&[p("value", DynamicArray)], Arg(0))],
    ),
    F::new(
        "array_rotate_left",
        K::Scalar,
        "https://learn.microsoft.com/en-us/kusto/query/array-rotate-left-function",
        "Rotates array elements left.",
        &[sig(&[p("array", DynamicArray), p("rotate_count", Integer)], Arg(0))],
    ),
    F::new(
        "array_rotate_right",
        K::Scalar,
        "https://learn.microsoft.com/en-us/kusto/query/array-rotate-right-function",
        "Rotates array elements right.",
        &[sig(&[p("array", DynamicArray), p("rotate_count", Integer)], Arg(0))],
    ),
    F::new(
        "array_shift_left",
        K::Scalar,
        "https://learn.microsoft.com/en-us/kusto/query/array-shift-left-function",
        "Shifts array elements left, filling with a default.",
        &[sig(&[p("array", DynamicArray), p("shift_count", Integer), opt("default_value", Scalar)], Arg(0))],
    ),
    F::new(
        "array_shift_right",
        K::Scalar,
        "https://learn.microsoft.com/en-us/kusto/query/array-shift-right-function",
        "Shifts array elements right, filling with a default.",
        &[sig(&[p("array", DynamicArray), p("shift_count", Integer), opt("default_value", Scalar)], Arg(0))],
    ),
    F::new(
        "array_slice",
        K::Scalar,
        "https://learn.microsoft.com/en-us/kusto/query/array-slice-function",
        "The elements of a dynamic array between two inclusive indexes (negative counts from the end).",
        &[sig(&[p("array", DynamicArray), p("start", Integer), p("end", Integer)], Arg(0))],
    ),
    F::new(
        "array_sort_asc",
        K::Scalar,
        "https://learn.microsoft.com/en-us/kusto/query/array-sort-asc-function",
        "Sorts one or more dynamic arrays ascending (others follow the first's order).",
        &[
            sig(&[rep("arrays", DynamicArray, 1, 64)], Fixed(T::Dynamic)),
            sig(
                &[rep("arrays", DynamicArray, 1, 64), p("nulls_last", OneOf(&[T::Bool])).form(Constant)],
                Fixed(T::Dynamic),
            ),
        ],
    ),
    F::new(
        "array_sort_desc",
        K::Scalar,
        "https://learn.microsoft.com/en-us/kusto/query/array-sort-desc-function",
        "Sorts one or more dynamic arrays descending (others follow the first's order).",
        &[
            sig(&[rep("arrays", DynamicArray, 1, 64)], Fixed(T::Dynamic)),
            sig(
                &[rep("arrays", DynamicArray, 1, 64), p("nulls_last", OneOf(&[T::Bool])).form(Constant)],
                Fixed(T::Dynamic),
            ),
        ],
    ),
    F::new(
        "array_split",
        K::Scalar,
        "https://learn.microsoft.com/en-us/kusto/query/array-split-function",
        "Splits a dynamic array at one or more indexes.",
        &[
            sig(&[p("array", DynamicArray), p("index", Integer)], Arg(0)),
            sig(&[p("array", DynamicArray), p("indices", DynamicArray)], Arg(0)),
        ],
    ),
    F::new(
        "array_strcat",
        K::Scalar,
        "https://learn.microsoft.com/en-us/kusto/query/array-strcat-function",
        "Joins the elements of a dynamic array with a delimiter.",
        &[sig(&[p("array", DynamicArray), p("delimiter", Scalar)], Fixed(T::String))],
    ),
    F::new(
        "array_sum",
        K::Scalar,
        "https://learn.microsoft.com/en-us/kusto/query/series-sum-function",
        "Old name of series_sum(): the sum of a numeric array.",
        &[sig(&[p("array", DynamicArray)], Fixed(T::Real))],
    )
    .replaced_by("series_sum"),
    F::new(
        "avg",
        K::Aggregate,
        "https://learn.microsoft.com/en-us/kusto/query/avg-aggregation-function",
        "Arithmetic mean; integers average as real.",
        &[
            sig(&[p("expr", Integer)], Fixed(T::Real)),
            sig(&[p("expr", OneOf(&[T::Real]))], Fixed(T::Real)),
            sig(&[p("expr", OneOf(&[T::Decimal]))], Fixed(T::Decimal)),
            sig(&[p("expr", OneOf(&[T::TimeSpan]))], Fixed(T::TimeSpan)),
            sig(&[p("expr", OneOf(&[T::DateTime]))], Fixed(T::DateTime)),
        ],
    )
    .named(PrefixAndFirstArgument, Some("avg")),
    F::new(
        "avgif",
        K::Aggregate,
        "https://learn.microsoft.com/en-us/kusto/query/avgif-aggregation-function",
        "Mean over rows where a predicate is true.",
        &[
            sig(&[p("expr", Integer), p("predicate", OneOf(&[T::Bool]))], Fixed(T::Real)),
            sig(&[p("expr", OneOf(&[T::Real])), p("predicate", OneOf(&[T::Bool]))], Fixed(T::Real)),
            sig(&[p("expr", OneOf(&[T::Decimal])), p("predicate", OneOf(&[T::Bool]))], Fixed(T::Decimal)),
            sig(&[p("expr", OneOf(&[T::TimeSpan])), p("predicate", OneOf(&[T::Bool]))], Fixed(T::TimeSpan)),
            sig(&[p("expr", OneOf(&[T::DateTime])), p("predicate", OneOf(&[T::Bool]))], Fixed(T::DateTime)),
        ],
    )
    .named(PrefixAndFirstArgument, Some("avgif")),
    F::new(
        "bag_has_key",
        K::Scalar,
        "https://learn.microsoft.com/en-us/kusto/query/bag-has-key-function",
        "True when a property bag has a key (or JSONPath).",
        &[sig(&[p("bag", DynamicBag), p("key", OneOf(&[T::String]))], Fixed(T::Bool))],
    ),
    F::new(
        "bag_keys",
        K::Scalar,
        "https://learn.microsoft.com/en-us/kusto/query/bag-keys-function",
        "The keys of a property bag as a dynamic array.",
        &[sig(&[p("object", DynamicBag)], Fixed(T::Dynamic))],
    ),
    F::new(
        "bag_merge",
        K::Scalar,
        "https://learn.microsoft.com/en-us/kusto/query/bag-merge-function",
        "Merges property bags; on duplicate keys the first wins.",
        &[sig(&[rep("bag", DynamicBag, 2, 64)], Fixed(T::Dynamic))],
    ),
    F::new(
        "bag_pack",
        K::Scalar,
        "https://learn.microsoft.com/en-us/kusto/query/bag-pack-function",
        "Builds a dynamic property bag from alternating keys and values.",
        &[block(&[rep("key", OneOf(&[T::String]), 1, MANY), rep("value", Scalar, 1, MANY)], Fixed(T::Dynamic))],
    ),
    F::new(
        "bag_pack_columns",
        K::Scalar,
        "https://learn.microsoft.com/en-us/kusto/query/bag-pack-columns-function",
        "Builds a property bag from the named columns.",
        &[sig(&[rep("value", Scalar, 1, MANY).form(Column)], Fixed(T::Dynamic))],
    ),
    F::new(
        "bag_remove_keys",
        K::Scalar,
        "https://learn.microsoft.com/en-us/kusto/query/bag-remove-keys-function",
        "A property bag without the given keys.",
        &[sig(&[p("bag", DynamicBag), p("keys", DynamicArray)], Fixed(T::Dynamic))],
    ),
    F::new(
        "bag_set_key",
        K::Scalar,
        "https://learn.microsoft.com/en-us/kusto/query/bag-set-key-function",
        "A property bag with a key set to a value.",
        &[sig(
            &[p("bag", DynamicBag), p("key", OneOf(&[T::String])).form(Constant), p("value", Scalar)],
            Fixed(T::Dynamic),
        )],
    ),
    F::new(
        "bag_unpack",
        K::Plugin,
        "https://learn.microsoft.com/en-us/kusto/query/bag-unpack-plugin",
        "evaluate plugin: turns the keys of a dynamic bag column into columns.",
        &[sig(
            &[p("column", Scalar).form(Column), opt("column_prefix", OneOf(&[T::String])).form(LiteralNotEmpty)],
            Table,
        )],
    ),
    F::new(
        "base64_decode_toarray",
        K::Scalar,
        "https://learn.microsoft.com/en-us/kusto/query/base64-decode-toarray-function",
        "Decodes base64 text to a dynamic array of byte values.",
        &[sig(&[p("base64_string", OneOf(&[T::String]))], Fixed(T::Dynamic))],
    ),
    F::new(
        "base64_decode_toguid",
        K::Scalar,
        "https://learn.microsoft.com/en-us/kusto/query/base64-decode-toguid-function",
        "Decodes base64 text to a guid.",
        &[sig(&[p("base64_string", OneOf(&[T::String]))], Fixed(T::Guid))],
    ),
    F::new(
        "base64_decode_tostring",
        K::Scalar,
        "https://learn.microsoft.com/en-us/kusto/query/base64-decode-tostring-function",
        "Decodes base64 text to a UTF-8 string; null when it does not decode.",
        &[sig(&[p("base64_string", OneOf(&[T::String]))], Fixed(T::String))],
    ),
    F::new(
        "base64_decodestring",
        K::Scalar,
        "https://learn.microsoft.com/en-us/kusto/query/base64-decode-tostring-function",
        "Old name of base64_decode_tostring().",
        &[sig(&[p("base64_string", OneOf(&[T::String]))], Fixed(T::String))],
    )
    .replaced_by("base64_decode_tostring"),
    F::new(
        "base64_encode_fromarray",
        K::Scalar,
        "https://learn.microsoft.com/en-us/kusto/query/base64-encode-fromarray-function",
        "Base64-encodes a dynamic array of byte values.",
        &[sig(&[p("base64_string_decoded_as_array", DynamicArray)], Fixed(T::String))],
    ),
    F::new(
        "base64_encode_fromguid",
        K::Scalar,
        "https://learn.microsoft.com/en-us/kusto/query/base64-encode-fromguid-function",
        "Base64-encodes the bytes of a guid.",
        &[sig(&[p("guid", OneOf(&[T::Guid]))], Fixed(T::String))],
    ),
    F::new(
        "base64_encode_tostring",
        K::Scalar,
        "https://learn.microsoft.com/en-us/kusto/query/base64-encode-tostring-function",
        "Base64-encodes a string's UTF-8 bytes.",
        &[sig(&[p("string", OneOf(&[T::String]))], Fixed(T::String))],
    ),
    F::new(
        "base64_encodestring",
        K::Scalar,
        "https://learn.microsoft.com/en-us/kusto/query/base64-encode-tostring-function",
        "Old name of base64_encode_tostring().",
        &[sig(&[p("string", OneOf(&[T::String]))], Fixed(T::String))],
    )
    .replaced_by("base64_encode_tostring"),
    F::new(
        "bin",
        K::Scalar,
        "https://learn.microsoft.com/en-us/kusto/query/bin-function",
        "Rounds a number, timespan or datetime down to a multiple of a bin size (datetimes align to the Unix epoch).",
        &[
            sig(&[p("value", Number), p("roundTo", Number)], Widest),
            sig(&[p("value", OneOf(&[T::TimeSpan])), p("roundTo", OneOf(&[T::TimeSpan]))], Fixed(T::TimeSpan)),
            sig(&[p("value", OneOf(&[T::DateTime])), p("roundTo", OneOf(&[T::DateTime]))], Fixed(T::DateTime)),
            sig(&[p("value", OneOf(&[T::DateTime])), p("roundTo", OneOf(&[T::TimeSpan]))], Fixed(T::DateTime)),
        ],
    )
    .named(FirstArgument, None),
    F::new(
        "bin_at",
        K::Scalar,
        "https://learn.microsoft.com/en-us/kusto/query/bin-at-function",
        "Rounds down to a multiple of a bin size, with bins aligned to a fixed point.",
        &[
            sig(&[p("value", Number), p("bin_size", Number), p("fixed_point", Number)], Widest),
            sig(
                &[p("value", OneOf(&[T::TimeSpan])), p("bin_size", Number), p("fixed_point", OneOf(&[T::TimeSpan]))],
                Fixed(T::TimeSpan),
            ),
            sig(
                &[
                    p("value", OneOf(&[T::TimeSpan])),
                    p("bin_size", OneOf(&[T::TimeSpan])),
                    p("fixed_point", OneOf(&[T::TimeSpan])),
                ],
                Fixed(T::TimeSpan),
            ),
            sig(
                &[p("value", OneOf(&[T::DateTime])), p("bin_size", Summable), p("fixed_point", OneOf(&[T::DateTime]))],
                Fixed(T::DateTime),
            ),
        ],
    )
    .named(FirstArgument, None),
    F::new(
        "binary_and",
        K::Scalar,
        "https://learn.microsoft.com/en-us/kusto/query/binary-and-function",
        "Bitwise AND of two integers.",
        &[sig(&[p("value1", Integer), p("value2", Integer)], Fixed(T::Long))],
    )
    .named(FirstArgument, None),
    F::new(
        "binary_not",
        K::Scalar,
        "https://learn.microsoft.com/en-us/kusto/query/binary-not-function",
        "Bitwise NOT of an integer.",
        &[sig(&[p("value", Integer)], Fixed(T::Long))],
    )
    .named(FirstArgument, None),
    F::new(
        "binary_or",
        K::Scalar,
        "https://learn.microsoft.com/en-us/kusto/query/binary-or-function",
        "Bitwise OR of two integers.",
        &[sig(&[p("value1", Integer), p("value2", Integer)], Fixed(T::Long))],
    )
    .named(FirstArgument, None),
    F::new(
        "binary_shift_left",
        K::Scalar,
        "https://learn.microsoft.com/en-us/kusto/query/binary-shift-left-function",
        "Shifts an integer left by a number of bits.",
        &[sig(&[p("value", Integer), p("shift", Integer)], Fixed(T::Long))],
    )
    .named(FirstArgument, None),
    F::new(
        "binary_shift_right",
        K::Scalar,
        "https://learn.microsoft.com/en-us/kusto/query/binary-shift-right-function",
        "Shifts an integer right by a number of bits.",
        &[sig(&[p("value", Integer), p("shift", Integer)], Fixed(T::Long))],
    )
    .named(FirstArgument, None),
    F::new(
        "binary_xor",
        K::Scalar,
        "https://learn.microsoft.com/en-us/kusto/query/binary-xor-function",
        "Bitwise XOR of two integers.",
        &[sig(&[p("value1", Integer), p("value2", Integer)], Fixed(T::Long))],
    )
    .named(FirstArgument, None),
    F::new(
        "case",
        K::Scalar,
        "https://learn.microsoft.com/en-us/kusto/query/case-function",
        "Returns the value paired with the first true predicate, or the final else value when none is true.",
        &[block(
            &[
                rep("predicate", OneOf(&[T::Bool]), 1, MANY),
                rep("then", CommonScalarOrDynamic, 1, MANY),
                p("else", CommonScalarOrDynamic),
            ],
            CommonNonDynamic,
        )],
    ),
    F::new(
        "ceiling",
        K::Scalar,
        "https://learn.microsoft.com/en-us/kusto/query/ceiling-function",
        "The smallest integral value not less than the number.",
        &[sig(&[p("number", Number)], Arg(0))],
    )
    .named(FirstArgument, None),
    F::new(
        "coalesce",
        K::Scalar,
        "https://learn.microsoft.com/en-us/kusto/query/coalesce-function",
        "The first argument that is not null (and, for strings, not empty).",
        &[sig(&[rep("arg", CommonScalar, 2, 64)], Common)],
    ),
    F::new(
        "column_ifexists",
        K::Scalar,
        "https://learn.microsoft.com/en-us/kusto/query/column-ifexists-function",
        "The named column if the input has it, else the default value.",
        &[sig(&[p("column_name", OneOf(&[T::String])).form(Constant), p("defaultValue", Scalar)], Arg(1))],
    )
    .named(FirstArgumentValueIfColumn, None),
    F::new(
        "cos",
        K::Scalar,
        "https://learn.microsoft.com/en-us/kusto/query/cos-function",
        "Cosine of an angle in radians.",
        &[sig(&[p("number", Number)], Fixed(T::Real))],
    )
    .named(FirstArgument, None),
    F::new(
        "cot",
        K::Scalar,
        "https://learn.microsoft.com/en-us/kusto/query/cot-function",
        "Cotangent of an angle in radians.",
        &[sig(&[p("number", Number)], Fixed(T::Real))],
    ),
    F::new(
        "count",
        K::Aggregate,
        "https://learn.microsoft.com/en-us/kusto/query/count-aggregation-function",
        "Counts the rows of the group.",
        &[sig(&[], Fixed(T::Long)), sig(&[p("predicate", OneOf(&[T::Bool]))], Fixed(T::Long))],
    )
    .named(PrefixAndFirstArgument, Some("count")),
    F::new(
        "count_distinct",
        K::Aggregate,
        "https://learn.microsoft.com/en-us/kusto/query/count-distinct-aggregation-function",
        "Exact number of distinct values.",
        &[sig(&[p("expr", NotDynamic)], Fixed(T::Long))],
    )
    .named(PrefixAndFirstArgument, Some("count_distinct")),
    F::new(
        "countif",
        K::Aggregate,
        "https://learn.microsoft.com/en-us/kusto/query/countif-aggregation-function",
        "Counts the rows of the group where a predicate is true.",
        &[sig(&[p("predicate", OneOf(&[T::Bool]))], Fixed(T::Long))],
    )
    .named(PrefixAndFirstArgument, Some("countif")),
    F::new(
        "countof",
        K::Scalar,
        "https://learn.microsoft.com/en-us/kusto/query/countof-function",
        "Counts occurrences of a substring (or of a regex with kind \"regex\") in a string.",
        &[sig(
            &[
                p("source", OneOf(&[T::String])),
                p("search", OneOf(&[T::String])),
                opt("kind", OneOf(&[T::String])).form(Literal(&["normal", "regex"])),
            ],
            Fixed(T::Long),
        )],
    ),
    F::new(
        "datepart",
        K::Scalar,
        "https://learn.microsoft.com/en-us/kusto/query/datetime-part-function",
        "Old name of datetime_part(): extracts one calendar part of a datetime.",
        &[sig(
            &[
                p("part", OneOf(&[T::String])).form(Literal(&[
                    "year",
                    "quarter",
                    "month",
                    "week_of_year",
                    "day",
                    "dayofyear",
                    "hour",
                    "minute",
                    "second",
                    "millisecond",
                    "microsecond",
                    "nanosecond",
                ])),
                p("date", OneOf(&[T::DateTime])),
            ],
            Fixed(T::Int),
        )],
    )
    .replaced_by("datetime_part"),
    F::new(
        "datetime_add",
        K::Scalar,
        "https://learn.microsoft.com/en-us/kusto/query/datetime-add-function",
        "Adds a number of calendar parts (years, months, days...) to a datetime.",
        &[sig(
            &[
                p("part", OneOf(&[T::String])).form(Literal(&[
                    "year",
                    "quarter",
                    "month",
                    "week",
                    "day",
                    "hour",
                    "minute",
                    "second",
                    "millisecond",
                    "microsecond",
                    "nanosecond",
                ])),
                p("value", Integer),
                p("datetime", OneOf(&[T::DateTime])),
            ],
            Fixed(T::DateTime),
        )],
    ),
    F::new(
        "datetime_diff",
        K::Scalar,
        "https://learn.microsoft.com/en-us/kusto/query/datetime-diff-function",
        "Counts the calendar-part boundaries (year, month, day, hour...) between two datetimes: first minus second.",
        &[sig(
            &[
                p("part", OneOf(&[T::String])).form(Literal(&[
                    "year",
                    "quarter",
                    "month",
                    "week",
                    "day",
                    "hour",
                    "minute",
                    "second",
                    "millisecond",
                    "microsecond",
                    "nanosecond",
                ])),
                p("datetime1", OneOf(&[T::DateTime])),
                p("datetime2", OneOf(&[T::DateTime])),
            ],
            Fixed(T::Long),
        )],
    ),
    F::new(
        "datetime_local_to_utc",
        K::Scalar,
        "https://learn.microsoft.com/en-us/kusto/query/datetime-local-to-utc-function",
        "Converts a local datetime in a named time zone to UTC.",
        &[sig(&[p("from", OneOf(&[T::DateTime])), p("timezone", OneOf(&[T::String]))], Fixed(T::DateTime))],
    ),
    F::new(
        "datetime_part",
        K::Scalar,
        "https://learn.microsoft.com/en-us/kusto/query/datetime-part-function",
        "Extracts one calendar part (year, month, day, hour...) of a datetime as an int.",
        &[sig(
            &[
                p("part", OneOf(&[T::String])).form(Literal(&[
                    "year",
                    "quarter",
                    "month",
                    "week_of_year",
                    "day",
                    "dayofyear",
                    "hour",
                    "minute",
                    "second",
                    "millisecond",
                    "microsecond",
                    "nanosecond",
                ])),
                p("date", OneOf(&[T::DateTime])),
            ],
            Fixed(T::Int),
        )],
    ),
    F::new(
        "datetime_utc_to_local",
        K::Scalar,
        "https://learn.microsoft.com/en-us/kusto/query/datetime-utc-to-local-function",
        "Converts a UTC datetime to local time in a named time zone.",
        &[sig(&[p("from", OneOf(&[T::DateTime])), p("timezone", OneOf(&[T::String]))], Fixed(T::DateTime))],
    ),
    F::new(
        "dayofmonth",
        K::Scalar,
        "https://learn.microsoft.com/en-us/kusto/query/dayofmonth-function",
        "The day of the month, 1 to 31.",
        &[sig(&[p("date", OneOf(&[T::DateTime]))], Fixed(T::Int))],
    ),
    F::new(
        "dayofweek",
        K::Scalar,
        "https://learn.microsoft.com/en-us/kusto/query/dayofweek-function",
        "Time since the preceding Sunday, as a timespan (0d for Sunday, 1d for Monday...).",
        &[sig(&[p("date", OneOf(&[T::DateTime]))], Fixed(T::TimeSpan))],
    ),
    F::new(
        "dayofyear",
        K::Scalar,
        "https://learn.microsoft.com/en-us/kusto/query/dayofyear-function",
        "The day of the year, 1 to 366.",
        &[sig(&[p("date", OneOf(&[T::DateTime]))], Fixed(T::Int))],
    ),
    F::new(
        "dcount",
        K::Aggregate,
        "https://learn.microsoft.com/en-us/kusto/query/dcount-aggregation-function",
        "Estimated number of distinct values (HyperLogLog), with an optional accuracy level 0-4.",
        &[sig(&[p("expr", Scalar), opt("accuracy", NotDynamic)], Fixed(T::Long))],
    )
    .named(PrefixAndFirstArgument, Some("dcount")),
    F::new(
        "dcountif",
        K::Aggregate,
        "https://learn.microsoft.com/en-us/kusto/query/dcountif-aggregation-function",
        "Estimated number of distinct values over rows where a predicate is true.",
        &[sig(&[p("expr", Scalar), p("predicate", OneOf(&[T::Bool])), opt("accuracy", NotDynamic)], Fixed(T::Long))],
    )
    .named(PrefixAndFirstArgument, Some("dcountif")),
    F::new(
        "dynamic_to_json",
        K::Scalar,
        "https://learn.microsoft.com/en-us/kusto/query/dynamic-to-json-function",
        "Serialises a dynamic value to JSON text with property bags sorted by key.",
        &[sig(&[p("dynamic", Scalar)], Fixed(T::String))],
    ),
    F::new(
        "endofday",
        K::Scalar,
        "https://learn.microsoft.com/en-us/kusto/query/endofday-function",
        "The last tick of the datetime's day, optionally shifted by a number of days.",
        &[sig(&[p("date", OneOf(&[T::DateTime])), opt("offset", OneOf(&[T::Long]))], Fixed(T::DateTime))],
    ),
    F::new(
        "endofmonth",
        K::Scalar,
        "https://learn.microsoft.com/en-us/kusto/query/endofmonth-function",
        "The last tick of the datetime's month, optionally shifted by a number of months.",
        &[sig(&[p("date", OneOf(&[T::DateTime])), opt("offset", OneOf(&[T::Long]))], Fixed(T::DateTime))],
    ),
    F::new(
        "endofweek",
        K::Scalar,
        "https://learn.microsoft.com/en-us/kusto/query/endofweek-function",
        "The last tick of the datetime's week (Saturday), optionally shifted by a number of weeks.",
        &[sig(&[p("date", OneOf(&[T::DateTime])), opt("offset", OneOf(&[T::Long]))], Fixed(T::DateTime))],
    ),
    F::new(
        "endofyear",
        K::Scalar,
        "https://learn.microsoft.com/en-us/kusto/query/endofyear-function",
        "The last tick of the datetime's year, optionally shifted by a number of years.",
        &[sig(&[p("date", OneOf(&[T::DateTime])), opt("offset", OneOf(&[T::Long]))], Fixed(T::DateTime))],
    ),
    F::new(
        "exp",
        K::Scalar,
        "https://learn.microsoft.com/en-us/kusto/query/exp-function",
        "e raised to a power.",
        &[sig(&[p("number", Number)], Fixed(T::Real))],
    )
    .named(FirstArgument, None),
    F::new(
        "exp10",
        K::Scalar,
        "https://learn.microsoft.com/en-us/kusto/query/exp10-function",
        "10 raised to a power.",
        &[sig(&[p("number", Number)], Fixed(T::Real))],
    )
    .named(FirstArgument, None),
    F::new(
        "exp2",
        K::Scalar,
        "https://learn.microsoft.com/en-us/kusto/query/exp2-function",
        "2 raised to a power.",
        &[sig(&[p("number", Number)], Fixed(T::Real))],
    )
    .named(FirstArgument, None),
    F::new(
        "extract",
        K::Scalar,
        "https://learn.microsoft.com/en-us/kusto/query/extract-function",
        "The text of one capture group of a regular-expression match, optionally converted to a type.",
        &[
            sig(
                &[
                    p("regex", OneOf(&[T::String])).form(Constant),
                    p("captureGroup", OneOf(&[T::Long])),
                    p("source", OneOf(&[T::String])),
                ],
                Fixed(T::String),
            ),
            sig(
                &[
                    p("regex", OneOf(&[T::String])).form(Constant),
                    p("captureGroup", OneOf(&[T::Long])),
                    p("source", OneOf(&[T::String])),
                    p("typeLiteral", TypeLiteral).form(Literal(&[])),
                ],
                LiteralType,
            ),
        ],
    ),
    F::new(
        "extract_all",
        K::Scalar,
        "https://learn.microsoft.com/en-us/kusto/query/extract-all-function",
        "All matches of a regular expression (or of chosen capture groups) as a dynamic array.",
        &[
            sig(&[p("regex", OneOf(&[T::String])).form(Constant), p("source", OneOf(&[T::String]))], Fixed(T::Dynamic)),
            sig(
                &[
                    p("regex", OneOf(&[T::String])).form(Constant),
                    p("captureGroups", DynamicArray),
                    p("source", OneOf(&[T::String])),
                ],
                Fixed(T::Dynamic),
            ),
        ],
    ),
    F::new(
        "extract_json",
        K::Scalar,
        "https://learn.microsoft.com/en-us/kusto/query/extract-json-function",
        "Selects one element of JSON text with a JSONPath, optionally converted to a type.",
        &[
            sig(
                &[p("jsonPath", OneOf(&[T::String])).form(Constant), p("jsonText", OneOf(&[T::String]))],
                Fixed(T::String),
            ),
            sig(
                &[
                    p("jsonPath", OneOf(&[T::String])).form(Constant),
                    p("jsonText", OneOf(&[T::String])),
                    p("type", TypeLiteral).form(Literal(&[])),
                ],
                LiteralType,
            ),
        ],
    ),
    F::new(
        "extractall",
        K::Scalar,
        "https://learn.microsoft.com/en-us/kusto/query/extract-all-function",
        "Old name of extract_all().",
        &[
            sig(&[p("regex", OneOf(&[T::String])).form(Constant), p("source", OneOf(&[T::String]))], Fixed(T::Dynamic)),
            sig(
                &[
                    p("regex", OneOf(&[T::String])).form(Constant),
                    p("captureGroups", DynamicArray),
                    p("source", OneOf(&[T::String])),
                ],
                Fixed(T::Dynamic),
            ),
        ],
    )
    .replaced_by("extract_all"),
    F::new(
        "extractjson",
        K::Scalar,
        "https://learn.microsoft.com/en-us/kusto/query/extract-json-function",
        "Old name of extract_json(): selects one element of JSON text with a JSONPath.",
        &[
            sig(
                &[p("jsonPath", OneOf(&[T::String])).form(Constant), p("jsonText", OneOf(&[T::String]))],
                Fixed(T::String),
            ),
            sig(
                &[
                    p("jsonPath", OneOf(&[T::String])).form(Constant),
                    p("jsonText", OneOf(&[T::String])),
                    p("type", TypeLiteral).form(Literal(&[])),
                ],
                LiteralType,
            ),
        ],
    ),
    F::new(
        "floor",
        K::Scalar,
        "https://learn.microsoft.com/en-us/kusto/query/floor-function",
        "Same as bin(): rounds down to a multiple of a bin size.",
        &[
            sig(&[p("value", Number), p("roundTo", Number)], Widest),
            sig(&[p("value", OneOf(&[T::TimeSpan])), p("roundTo", OneOf(&[T::TimeSpan]))], Fixed(T::TimeSpan)),
            sig(&[p("value", OneOf(&[T::DateTime])), p("roundTo", OneOf(&[T::DateTime]))], Fixed(T::DateTime)),
            sig(&[p("value", OneOf(&[T::DateTime])), p("roundTo", OneOf(&[T::TimeSpan]))], Fixed(T::DateTime)),
        ],
    )
    .named(FirstArgument, None),
    F::new(
        "format_bytes",
        K::Scalar,
        "https://learn.microsoft.com/en-us/kusto/query/format-bytes-function",
        "Formats a byte count with a unit (\"1 KB\").",
        &[sig(
            &[
                p("size", Number),
                opt("precision", Number).form(Constant),
                opt("format", OneOf(&[T::String])).form(Constant),
            ],
            Fixed(T::String),
        )],
    )
    .named(FirstArgument, None),
    F::new(
        "format_datetime",
        K::Scalar,
        "https://learn.microsoft.com/en-us/kusto/query/format-datetime-function",
        "Formats a datetime with a pattern such as yyyy-MM-dd HH:mm:ss.",
        &[sig(
            &[p("date", OneOf(&[T::DateTime])), p("format", OneOf(&[T::String])).form(LiteralNotEmpty)],
            Fixed(T::String),
        )],
    )
    .named(FirstArgument, None),
    F::new(
        "format_ipv4",
        K::Scalar,
        "https://learn.microsoft.com/en-us/kusto/query/format-ipv4-function",
        "Formats a long or string IPv4 address as dotted text, optionally masked.",
        &[sig(&[p("ip", Scalar), opt("prefix", OneOf(&[T::Long]))], Fixed(T::String))],
    ),
    F::new(
        "format_ipv4_mask",
        K::Scalar,
        "https://learn.microsoft.com/en-us/kusto/query/format-ipv4-mask-function",
        "Formats an IPv4 address with a prefix length as CIDR text.",
        &[sig(&[p("ip", Scalar), p("prefix", OneOf(&[T::Long]))], Fixed(T::String))],
    ),
    F::new(
        "format_timespan",
        K::Scalar,
        "https://learn.microsoft.com/en-us/kusto/query/format-timespan-function",
        "Formats a timespan with a pattern such as d.hh:mm:ss.",
        &[sig(
            &[p("timespan", OneOf(&[T::TimeSpan])), p("format", OneOf(&[T::String])).form(LiteralNotEmpty)],
            Fixed(T::String),
        )],
    )
    .named(FirstArgument, None),
    F::new(
        "geo_info_from_ip_address",
        K::Scalar,
        "https://learn.microsoft.com/en-us/kusto/query/geo-info-from-ip-address-function",
        "Geolocation (country, state, city, latitude, longitude) of an IPv4 or IPv6 address, as a bag.",
        &[sig(&[p("ip", OneOf(&[T::String]))], Fixed(T::Dynamic))],
    ),
    F::new(
        "getmonth",
        K::Scalar,
        "https://learn.microsoft.com/en-us/kusto/query/getmonth-function",
        "The month of a datetime, 1 to 12.",
        &[sig(&[p("date", OneOf(&[T::DateTime]))], Fixed(T::Int))],
    ),
    F::new(
        "gettype",
        K::Scalar,
        "https://learn.microsoft.com/en-us/kusto/query/gettype-function",
        "Names the runtime type of a value (\"string\", \"int64\", \"array\", \"dictionary\"...).",
        &[sig(&[p("value", Scalar)], Fixed(T::String))],
    )
    .named(PrefixAndFirstArgument, Some("type")),
    F::new(
        "getyear",
        K::Scalar,
        "https://learn.microsoft.com/en-us/kusto/query/getyear-function",
        "The year of a datetime.",
        &[sig(&[p("date", OneOf(&[T::DateTime]))], Fixed(T::Int))],
    ),
    F::new(
        "has_any_index",
        K::Scalar,
        "https://learn.microsoft.com/en-us/kusto/query/has-any-index-function",
        "The index of the first of several terms found in a text, or -1.",
        &[sig(&[p("source", StringOrDynamic), p("values", DynamicArray)], Fixed(T::Long))],
    ),
    F::new(
        "has_any_ipv4",
        K::Scalar,
        "https://learn.microsoft.com/en-us/kusto/query/has-any-ipv4-function",
        "True when a text contains any of several IPv4 addresses.",
        &[
            sig(&[p("source", StringOrDynamic), rep("ips", OneOf(&[T::String]), 1, MANY)], Fixed(T::Bool)),
            sig(&[p("source", StringOrDynamic), p("ips", DynamicArray)], Fixed(T::Bool)),
        ],
    ),
    F::new(
        "has_any_ipv4_prefix",
        K::Scalar,
        "https://learn.microsoft.com/en-us/kusto/query/has-any-ipv4-prefix-function",
        "True when a text contains an IPv4 address starting with any of several prefixes.",
        &[
            sig(&[p("source", StringOrDynamic), rep("ip_prefixes", OneOf(&[T::String]), 1, MANY)], Fixed(T::Bool)),
            sig(&[p("source", StringOrDynamic), p("ip_prefixes", DynamicArray)], Fixed(T::Bool)),
        ],
    ),
    F::new(
        "has_ipv4",
        K::Scalar,
        "https://learn.microsoft.com/en-us/kusto/query/has-ipv4-function",
        "True when a text contains a given IPv4 address as a whole token.",
        &[sig(&[p("source", StringOrDynamic), p("ip", OneOf(&[T::String]))], Fixed(T::Bool))],
    ),
    F::new(
        "has_ipv4_prefix",
        K::Scalar,
        "https://learn.microsoft.com/en-us/kusto/query/has-ipv4-prefix-function",
        "True when a text contains an IPv4 address starting with a prefix.",
        &[sig(&[p("source", StringOrDynamic), p("ip_prefix", OneOf(&[T::String]))], Fixed(T::Bool))],
    ),
    F::new(
        "hash",
        K::Scalar,
        "https://learn.microsoft.com/en-us/kusto/query/hash-function",
        "A 64-bit xxhash of a scalar, optionally reduced modulo a number.",
        &[sig(&[p("source", NotDynamic), opt("mod", Integer)], Fixed(T::Long))],
    ),
    F::new(
        "hash_md5",
        K::Scalar,
        "https://learn.microsoft.com/en-us/kusto/query/hash-md5-function",
        "The MD5 digest of a value, as lowercase hex.",
        &[sig(&[p("source", NotDynamic)], Fixed(T::String))],
    ),
    F::new(
        "hash_sha1",
        K::Scalar,
        "https://learn.microsoft.com/en-us/kusto/query/hash-sha1-function",
        "The SHA-1 digest of a value, as lowercase hex.",
        &[sig(&[p("source", NotDynamic)], Fixed(T::String))],
    ),
    F::new(
        "hash_sha256",
        K::Scalar,
        "https://learn.microsoft.com/en-us/kusto/query/hash-sha256-function",
        "The SHA-256 digest of a value, as lowercase hex.",
        &[sig(&[p("source", NotDynamic)], Fixed(T::String))],
    ),
    F::new(
        "hash_xxhash64",
        K::Scalar,
        "https://learn.microsoft.com/en-us/kusto/query/hash-xxhash64-function",
        "A 64-bit xxhash of a scalar, optionally reduced modulo a number.",
        &[sig(&[p("source", NotDynamic), opt("mod", Integer)], Fixed(T::Long))],
    ),
    F::new(
        "hourofday",
        K::Scalar,
        "https://learn.microsoft.com/en-us/kusto/query/hourofday-function",
        "The hour of the day, 0 to 23.",
        &[sig(&[p("date", OneOf(&[T::DateTime]))], Fixed(T::Int))],
    ),
    F::new(
        "iff",
        K::Scalar,
        "https://learn.microsoft.com/en-us/kusto/query/iff-function",
        "Picks the second argument when the bool condition is true, else the third.",
        &[sig(
            &[p("if", OneOf(&[T::Bool])), p("then", CommonScalarOrDynamic), p("else", CommonScalarOrDynamic)],
            CommonNonDynamic,
        )],
    ),
    F::new(
        "iif",
        K::Scalar,
        "https://learn.microsoft.com/en-us/kusto/query/iff-function",
        "Alias of iff(): picks the second argument when the condition is true, else the third.",
        &[sig(
            &[p("if", OneOf(&[T::Bool])), p("then", CommonScalarOrDynamic), p("else", CommonScalarOrDynamic)],
            CommonNonDynamic,
        )],
    ),
    F::new(
        "indexof",
        K::Scalar,
        "https://learn.microsoft.com/en-us/kusto/query/indexof-function",
        "The 0-based position of a substring (case-sensitive), or -1 when absent.",
        &[sig(
            &[
                p("string", Scalar),
                p("match", Scalar),
                opt("start", Integer),
                opt("length", Integer),
                opt("occurrence", Integer).form(Constant),
            ],
            Fixed(T::Long),
        )],
    ),
    F::new(
        "indexof_regex",
        K::Scalar,
        "https://learn.microsoft.com/en-us/kusto/query/indexof-regex-function",
        "The 0-based position of a regular-expression match, or -1 when absent.",
        &[sig(
            &[
                p("string", Scalar),
                p("match", Scalar).form(Constant),
                opt("start", Integer),
                opt("length", Integer),
                opt("occurrence", Integer).form(Constant),
            ],
            Fixed(T::Long),
        )],
    ),
    F::new(
        "ingestion_time",
        K::Scalar,
        "https://learn.microsoft.com/en-us/kusto/query/ingestion-time-function",
        "The time the current record was ingested; null where the table has no ingestion-time policy.",
        &[sig(&[], Fixed(T::DateTime))],
    )
    .named(PrefixOnly, Some("$IngestionTime")),
    F::new(
        "ipv4_compare",
        K::Scalar,
        "https://learn.microsoft.com/en-us/kusto/query/ipv4-compare-function",
        "Compares two IPv4 addresses: -1, 0 or 1, optionally on a prefix only.",
        &[sig(
            &[p("ip1", OneOf(&[T::String])), p("ip2", OneOf(&[T::String])), opt("prefix", OneOf(&[T::Long]))],
            Fixed(T::Long),
        )],
    ),
    F::new(
        "ipv4_is_in_any_range",
        K::Scalar,
        "https://learn.microsoft.com/en-us/kusto/query/ipv4-is-in-any-range-function",
        "True when an IPv4 address is inside any of several ranges (or an array of them).",
        &[
            sig(&[p("ip", StringOrDynamic), rep("ranges", OneOf(&[T::String]), 1, MANY)], Fixed(T::Bool)),
            sig(&[p("ip", StringOrDynamic), p("ranges", DynamicArray)], Fixed(T::Bool)),
        ],
    ),
    F::new(
        "ipv4_is_in_range",
        K::Scalar,
        "https://learn.microsoft.com/en-us/kusto/query/ipv4-is-in-range-function",
        "True when an IPv4 address is inside an IPv4 range or CIDR prefix.",
        &[sig(&[p("ip", OneOf(&[T::String])), p("ip_range", OneOf(&[T::String]))], Fixed(T::Bool))],
    ),
    F::new(
        "ipv4_is_match",
        K::Scalar,
        "https://learn.microsoft.com/en-us/kusto/query/ipv4-is-match-function",
        "True when two IPv4 addresses are equal, optionally comparing only a prefix length.",
        &[sig(
            &[p("ip1", OneOf(&[T::String])), p("ip2", OneOf(&[T::String])), opt("prefix", OneOf(&[T::Long]))],
            Fixed(T::Bool),
        )],
    ),
    F::new(
        "ipv4_is_private",
        K::Scalar,
        "https://learn.microsoft.com/en-us/kusto/query/ipv4-is-private-function",
        "True when an IPv4 address is in a private (RFC 1918) range.",
        &[sig(&[p("ip", OneOf(&[T::String]))], Fixed(T::Bool))],
    ),
    F::new(
        "ipv4_lookup",
        K::Plugin,
        "https://learn.microsoft.com/en-us/kusto/query/ipv4-lookup-plugin",
        "evaluate plugin: joins rows to a table of IPv4 ranges by address.",
        &[
            sig(
                &[
                    p("LookupTable", Tabular),
                    p("SourceIPv4Key", Scalar).form(Column),
                    p("IPv4LookupKey", Scalar).form(Column),
                    rep("ExtraKey", Scalar, 0, MANY).form(Column),
                ],
                Table,
            ),
            sig(
                &[
                    p("LookupTable", Tabular),
                    p("SourceIPv4Key", Scalar).form(Column),
                    p("IPv4LookupKey", Scalar).form(Column),
                    rep("ExtraKey", Scalar, 0, MANY).form(Column),
                    p("return_unmatched", OneOf(&[T::Bool])).form(Literal(&[])),
                ],
                Table,
            ),
        ],
    ),
    F::new(
        "ipv4_netmask_suffix",
        K::Scalar,
        "https://learn.microsoft.com/en-us/kusto/query/ipv4-netmask-suffix-function",
        "The prefix length of an IPv4 CIDR address.",
        &[sig(&[p("ip", OneOf(&[T::String]))], Fixed(T::Long))],
    ),
    F::new(
        "ipv6_compare",
        K::Scalar,
        "https://learn.microsoft.com/en-us/kusto/query/ipv6-compare-function",
        "Compares two IPv6 or IPv4 addresses: -1, 0 or 1, optionally on a prefix only.",
        &[sig(
            &[p("ip1", OneOf(&[T::String])), p("ip2", OneOf(&[T::String])), opt("prefix", OneOf(&[T::Long]))],
            Fixed(T::Long),
        )],
    ),
    F::new(
        "ipv6_is_in_any_range",
        K::Scalar,
        "https://learn.microsoft.com/en-us/kusto/query/ipv6-is-in-any-range-function",
        "True when an IPv6 address is inside any of several ranges.",
        &[
            sig(&[p("ip", StringOrDynamic), rep("ranges", OneOf(&[T::String]), 1, MANY)], Fixed(T::Bool)),
            sig(&[p("ip", StringOrDynamic), p("ranges", DynamicArray)], Fixed(T::Bool)),
        ],
    ),
    F::new(
        "ipv6_is_in_range",
        K::Scalar,
        "https://learn.microsoft.com/en-us/kusto/query/ipv6-is-in-range-function",
        "True when an IPv6 address is inside an IPv6 range.",
        &[sig(&[p("ip", OneOf(&[T::String])), p("ip_range", OneOf(&[T::String]))], Fixed(T::Bool))],
    ),
    F::new(
        "ipv6_is_match",
        K::Scalar,
        "https://learn.microsoft.com/en-us/kusto/query/ipv6-is-match-function",
        "True when two IPv6 or IPv4 addresses are equal, optionally on a prefix only.",
        &[sig(
            &[p("ip1", OneOf(&[T::String])), p("ip2", OneOf(&[T::String])), opt("prefix", OneOf(&[T::Long]))],
            Fixed(T::Bool),
        )],
    ),
    F::new(
        "isascii",
        K::Scalar,
        "https://learn.microsoft.com/en-us/kusto/query/isascii-function",
        "True when a string holds only ASCII characters.",
        &[sig(&[p("value", Scalar)], Fixed(T::Bool))],
    ),
    F::new(
        "isempty",
        K::Scalar,
        "https://learn.microsoft.com/en-us/kusto/query/isempty-function",
        "True when a value is null or the empty string.",
        &[sig(&[p("value", Scalar)], Fixed(T::Bool))],
    ),
    F::new(
        "isfinite",
        K::Scalar,
        "https://learn.microsoft.com/en-us/kusto/query/isfinite-function",
        "True when a real is neither infinite nor NaN.",
        &[sig(&[p("number", OneOf(&[T::Real]))], Fixed(T::Bool))],
    ),
    F::new(
        "isinf",
        K::Scalar,
        "https://learn.microsoft.com/en-us/kusto/query/isinf-function",
        "True when a real is positive or negative infinity.",
        &[sig(&[p("number", OneOf(&[T::Real]))], Fixed(T::Bool))],
    ),
    F::new(
        "isnan",
        K::Scalar,
        "https://learn.microsoft.com/en-us/kusto/query/isnan-function",
        "True when a real is NaN.",
        &[sig(&[p("number", OneOf(&[T::Real]))], Fixed(T::Bool))],
    ),
    F::new(
        "isnotempty",
        K::Scalar,
        "https://learn.microsoft.com/en-us/kusto/query/isnotempty-function",
        "True when a value is neither null nor the empty string.",
        &[sig(&[p("value", Scalar)], Fixed(T::Bool))],
    ),
    F::new(
        "isnotnull",
        K::Scalar,
        "https://learn.microsoft.com/en-us/kusto/query/isnotnull-function",
        "True when a value is not null.",
        &[sig(&[p("expression", Scalar)], Fixed(T::Bool))],
    ),
    F::new(
        "isnull",
        K::Scalar,
        "https://learn.microsoft.com/en-us/kusto/query/isnull-function",
        "True when a value is null (a string is never null).",
        &[sig(&[p("expression", Scalar)], Fixed(T::Bool))],
    ),
    F::new(
        "isutf8",
        K::Scalar,
        "https://learn.microsoft.com/en-us/kusto/query/isutf8-function",
        "True when a string is valid UTF-8.",
        &[sig(&[p("value", Scalar)], Fixed(T::Bool))],
    ),
    F::new(
        "jaccard_index",
        K::Scalar,
        "https://learn.microsoft.com/en-us/kusto/query/jaccard-index-function",
        "Intersection size over union size of two arrays' distinct values.",
        &[sig(&[rep("set", DynamicArray, 2, 2)], Fixed(T::Dynamic))],
    ),
    F::new(
        "log",
        K::Scalar,
        "https://learn.microsoft.com/en-us/kusto/query/log-function",
        "Natural logarithm; null for non-positive input.",
        &[sig(&[p("number", Number)], Fixed(T::Real))],
    )
    .named(FirstArgument, None),
    F::new(
        "log10",
        K::Scalar,
        "https://learn.microsoft.com/en-us/kusto/query/log10-function",
        "Base-10 logarithm; null for non-positive input.",
        &[sig(&[p("number", Number)], Fixed(T::Real))],
    )
    .named(FirstArgument, None),
    F::new(
        "log2",
        K::Scalar,
        "https://learn.microsoft.com/en-us/kusto/query/log2-function",
        "Base-2 logarithm; null for non-positive input.",
        &[sig(&[p("number", Number)], Fixed(T::Real))],
    )
    .named(FirstArgument, None),
    F::new(
        "make_bag",
        K::Aggregate,
        "https://learn.microsoft.com/en-us/kusto/query/make-bag-aggregation-function",
        "Merges the property bags of the group into one bag.",
        &[sig(&[p("expr", DynamicBag), opt("maxSize", Integer)], Fixed(T::Dynamic))],
    )
    .named(PrefixAndFirstArgument, Some("bag")),
    F::new(
        "make_bag_if",
        K::Aggregate,
        "https://learn.microsoft.com/en-us/kusto/query/make-bag-if-aggregation-function",
        "Merges the property bags of the rows where a predicate is true.",
        &[sig(&[p("expr", DynamicBag), p("predicate", OneOf(&[T::Bool])), opt("maxSize", Integer)], Fixed(T::Dynamic))],
    )
    .named(PrefixAndFirstArgument, Some("bag")),
    F::new(
        "make_datetime",
        K::Scalar,
        "https://learn.microsoft.com/en-us/kusto/query/make-datetime-function",
        "Builds a datetime from year, month, day and optional hour, minute, second.",
        &[
            sig(
                &[
                    p("year", Number),
                    p("month", Number),
                    p("day", Number),
                    opt("hour", Number),
                    opt("minute", Number),
                    opt("second", Number),
                ],
                Fixed(T::DateTime),
            ),
            sig(&[p("value", Scalar)], Fixed(T::DateTime)),
        ],
    )
    .named(OnlyArgument, None),
    F::new(
        "make_list",
        K::Aggregate,
        "https://learn.microsoft.com/en-us/kusto/query/make-list-aggregation-function",
        "Dynamic array of all values of the group, optionally capped in size.",
        &[sig(&[p("expr", Scalar), opt("maxSize", Integer)], Fixed(T::Dynamic))],
    )
    .named(PrefixAndFirstArgument, Some("list")),
    F::new(
        "make_list_if",
        K::Aggregate,
        "https://learn.microsoft.com/en-us/kusto/query/make-list-if-aggregation-function",
        "Dynamic array of the values over rows where a predicate is true.",
        &[sig(&[p("expr", Scalar), p("predicate", OneOf(&[T::Bool])), opt("maxSize", Integer)], Fixed(T::Dynamic))],
    )
    .named(PrefixAndFirstArgument, Some("list")),
    F::new(
        "make_list_with_nulls",
        K::Aggregate,
        "https://learn.microsoft.com/en-us/kusto/query/make-list-with-nulls-aggregation-function",
        "Dynamic array of all values of the group, keeping nulls.",
        &[sig(&[p("expr", Scalar)], Fixed(T::Dynamic))],
    )
    .named(PrefixAndFirstArgument, Some("list")),
    F::new(
        "make_set",
        K::Aggregate,
        "https://learn.microsoft.com/en-us/kusto/query/make-set-aggregation-function",
        "Dynamic array of the distinct values of the group, optionally capped in size.",
        &[sig(&[p("expr", Scalar), opt("maxSize", Integer)], Fixed(T::Dynamic))],
    )
    .named(PrefixAndFirstArgument, Some("set")),
    F::new(
        "make_set_if",
        K::Aggregate,
        "https://learn.microsoft.com/en-us/kusto/query/make-set-if-aggregation-function",
        "Dynamic array of the distinct values over rows where a predicate is true.",
        &[sig(&[p("expr", Scalar), p("predicate", OneOf(&[T::Bool])), opt("maxSize", Integer)], Fixed(T::Dynamic))],
    )
    .named(PrefixAndFirstArgument, Some("set")),
    F::new(
        "make_string",
        K::Scalar,
        "https://learn.microsoft.com/en-us/kusto/query/unicode-codepoints-to-string-function",
        "Old name of unicode_codepoints_to_string().",
        &[sig(&[rep("value", IntegerOrArray, 1, MANY)], Fixed(T::String))],
    )
    .replaced_by("unicode_codepoints_to_string"),
    F::new(
        "make_timespan",
        K::Scalar,
        "https://learn.microsoft.com/en-us/kusto/query/make-timespan-function",
        "Builds a timespan from days, hours, minutes and seconds.",
        &[
            sig(
                &[p("days", Integer), p("hours", Integer), p("minutes", Integer), p("seconds", Integer)],
                Fixed(T::TimeSpan),
            ),
            sig(&[p("hours", Integer), p("minutes", Integer), opt("seconds", Integer)], Fixed(T::TimeSpan)),
            sig(&[p("value", Scalar)], Fixed(T::TimeSpan)),
        ],
    )
    .named(OnlyArgument, None),
    F::new(
        "makelist",
        K::Aggregate,
        "https://learn.microsoft.com/en-us/kusto/query/make-list-aggregation-function",
        "Old name of make_list() (default cap 128).",
        &[sig(&[p("expr", Scalar), opt("maxSize", Integer)], Fixed(T::Dynamic))],
    )
    .named(PrefixAndFirstArgument, Some("list"))
    .replaced_by("make_list"),
    F::new(
        "makeset",
        K::Aggregate,
        "https://learn.microsoft.com/en-us/kusto/query/make-set-aggregation-function",
        "Old name of make_set() (default cap 128).",
        &[sig(&[p("expr", Scalar), opt("maxSize", Integer)], Fixed(T::Dynamic))],
    )
    .named(PrefixAndFirstArgument, Some("set"))
    .replaced_by("make_set"),
    F::new(
        "materialize",
        K::Scalar,
        "https://learn.microsoft.com/en-us/kusto/query/materialize-function",
        "Caches a tabular expression so that a query can reuse its result.",
        &[sig(&[p("expression", Any)], Table)],
    ),
    F::new(
        "max",
        K::Aggregate,
        "https://learn.microsoft.com/en-us/kusto/query/max-aggregation-function",
        "Largest value of an orderable column, ignoring nulls.",
        &[sig(&[p("expr", Orderable)], Arg(0))],
    )
    .named(PrefixAndFirstArgument, Some("max")),
    F::new(
        "max_of",
        K::Scalar,
        "https://learn.microsoft.com/en-us/kusto/query/max-of-function",
        "The largest of its arguments, ignoring nulls.",
        &[sig(&[rep("arg", CommonOrderable, 2, 64)], Common)],
    ),
    F::new(
        "maxif",
        K::Aggregate,
        "https://learn.microsoft.com/en-us/kusto/query/maxif-aggregation-function",
        "Largest value over rows where a predicate is true.",
        &[sig(&[p("expr", Orderable), p("predicate", OneOf(&[T::Bool]))], Arg(0))],
    )
    .named(PrefixAndFirstArgument, Some("maxif")),
    F::new(
        "min",
        K::Aggregate,
        "https://learn.microsoft.com/en-us/kusto/query/min-aggregation-function",
        "Smallest value of an orderable column, ignoring nulls.",
        &[sig(&[p("expr", Orderable)], Arg(0))],
    )
    .named(PrefixAndFirstArgument, Some("min")),
    F::new(
        "min_of",
        K::Scalar,
        "https://learn.microsoft.com/en-us/kusto/query/min-of-function",
        "The smallest of its arguments, ignoring nulls.",
        &[sig(&[rep("arg", CommonOrderable, 2, 64)], Common)],
    ),
    F::new(
        "minif",
        K::Aggregate,
        "https://learn.microsoft.com/en-us/kusto/query/minif-aggregation-function",
        "Smallest value over rows where a predicate is true.",
        &[sig(&[p("expr", Orderable), p("predicate", OneOf(&[T::Bool]))], Arg(0))],
    )
    .named(PrefixAndFirstArgument, Some("minif")),
    F::new(
        "monthofyear",
        K::Scalar,
        "https://learn.microsoft.com/en-us/kusto/query/monthofyear-function",
        "The month, 1 to 12.",
        &[sig(&[p("date", OneOf(&[T::DateTime]))], Fixed(T::Int))],
    ),
    F::new(
        "narrow",
        K::Plugin,
        "https://learn.microsoft.com/en-us/kusto/query/narrow-plugin",
        "evaluate plugin: unpivots a wide table into Row/Column/Value rows.",
        &[sig(&[], Table)],
    ),
    F::new(
        "new_guid",
        K::Scalar,
        "https://learn.microsoft.com/en-us/kusto/query/new-guid-function",
        "A fresh random GUID.",
        &[sig(&[], Fixed(T::Guid))],
    ),
    F::new(
        "next",
        K::Window,
        "https://learn.microsoft.com/en-us/kusto/query/next-function",
        "A column's value in a later row of serialized input (default: one row ahead).",
        &[sig(
            &[
                p("column", Scalar).form(Column),
                opt("offset", OneOf(&[T::Long])),
                opt("default_value", Scalar).form(Constant),
            ],
            Arg(0),
        )],
    ),
    F::new(
        "not",
        K::Scalar,
        "https://learn.microsoft.com/en-us/kusto/query/not-function",
        "Logical negation of a bool.",
        &[sig(&[p("expression", OneOf(&[T::Bool]))], Fixed(T::Bool))],
    ),
    F::new(
        "notempty",
        K::Scalar,
        "https://learn.microsoft.com/en-us/kusto/query/isnotempty-function",
        "Old name of isnotempty().",
        &[sig(&[p("value", Scalar)], Fixed(T::Bool))],
    )
    .replaced_by("isnotempty"),
    F::new(
        "notnull",
        K::Scalar,
        "https://learn.microsoft.com/en-us/kusto/query/isnotnull-function",
        "Old name of isnotnull().",
        &[sig(&[p("expression", Scalar)], Fixed(T::Bool))],
    )
    .replaced_by("isnotnull"),
    F::new(
        "now",
        K::Scalar,
        "https://learn.microsoft.com/en-us/kusto/query/now-function",
        "The current UTC time, the same instant everywhere in one query, optionally shifted by a timespan.",
        &[sig(&[opt("offset", OneOf(&[T::TimeSpan]))], Fixed(T::DateTime))],
    ),
    F::new(
        "pack",
        K::Scalar,
        "https://learn.microsoft.com/en-us/kusto/query/bag-pack-function",
        "Old name of bag_pack(): builds a property bag from keys and values.",
        &[block(&[rep("key", OneOf(&[T::String]), 1, MANY), rep("value", Scalar, 1, MANY)], Fixed(T::Dynamic))],
    )
    .replaced_by("bag_pack"),
    F::new(
        "pack_all",
        K::Scalar,
        "https://learn.microsoft.com/en-us/kusto/query/pack-all-function",
        "Builds a property bag of all the row's columns, optionally leaving out null and empty ones.",
        &[sig(&[opt("ignore_null_empty", Scalar).form(Literal(&[]))], Fixed(T::Dynamic))],
    ),
    F::new(
        "pack_array",
        K::Scalar,
        "https://learn.microsoft.com/en-us/kusto/query/pack-array-function",
        "Builds a dynamic array from its arguments.",
        &[
            sig(&[rep("value", Scalar, 1, MANY)], Fixed(T::Dynamic)),
            sig(&[p("value", Scalar).form(StarOnly)], Fixed(T::Dynamic)),
        ],
    ),
    F::new(
        "pack_dictionary",
        K::Scalar,
        "https://learn.microsoft.com/en-us/kusto/query/bag-pack-function",
        "Old name of bag_pack(): builds a property bag from keys and values.",
        &[block(&[rep("key", OneOf(&[T::String]), 1, MANY), rep("value", Scalar, 1, MANY)], Fixed(T::Dynamic))],
    )
    .replaced_by("bag_pack"),
    F::new(
        "parse_command_line",
        K::Scalar,
        "https://learn.microsoft.com/en-us/kusto/query/parse-command-line-function",
        "Splits a command line into a dynamic array of arguments with the given parser (\"windows\").",
        &[sig(&[p("command", Scalar), p("parser", OneOf(&[T::String]))], Fixed(T::Dynamic))],
    ),
    F::new(
        "parse_csv",
        K::Scalar,
        "https://learn.microsoft.com/en-us/kusto/query/parse-csv-function",
        "Splits one CSV record into a dynamic array of strings.",
        &[sig(&[p("csv_text", StringOrDynamic)], Fixed(T::Dynamic))],
    )
    .named(FirstArgument, None),
    F::new(
        "parse_ipv4",
        K::Scalar,
        "https://learn.microsoft.com/en-us/kusto/query/parse-ipv4-function",
        "Converts an IPv4 address to a long.",
        &[sig(&[p("ip", OneOf(&[T::String]))], Fixed(T::Long))],
    ),
    F::new(
        "parse_ipv4_mask",
        K::Scalar,
        "https://learn.microsoft.com/en-us/kusto/query/parse-ipv4-mask-function",
        "Converts an IPv4 address and prefix length to a long.",
        &[sig(&[p("ip", OneOf(&[T::String])), p("prefix", OneOf(&[T::Long]))], Fixed(T::Long))],
    ),
    F::new(
        "parse_ipv6",
        K::Scalar,
        "https://learn.microsoft.com/en-us/kusto/query/parse-ipv6-function",
        "Converts an IPv4 or IPv6 address to canonical IPv6 text.",
        &[sig(&[p("ip", OneOf(&[T::String]))], Fixed(T::String))],
    ),
    F::new(
        "parse_ipv6_mask",
        K::Scalar,
        "https://learn.microsoft.com/en-us/kusto/query/parse-ipv6-mask-function",
        "Converts an address and prefix length to canonical IPv6 text.",
        &[sig(&[p("ip", OneOf(&[T::String])), p("prefix", OneOf(&[T::Long]))], Fixed(T::String))],
    ),
    F::new(
        "parse_json",
        K::Scalar,
        "https://learn.microsoft.com/en-us/kusto/query/parse-json-function",
        "Parses JSON text into a dynamic value; dynamic input is kept as is, invalid JSON becomes a dynamic string.",
        &[sig(&[p("json_text", StringOrDynamic)], Fixed(T::Dynamic))],
    )
    .named(FirstArgument, None),
    F::new(
        "parse_path",
        K::Scalar,
        "https://learn.microsoft.com/en-us/kusto/query/parse-path-function",
        "Splits a file path into scheme, root, directory, file name and extension.",
        &[sig(&[p("path", OneOf(&[T::String]))], Fixed(T::Dynamic))],
    ),
    F::new(
        "parse_url",
        K::Scalar,
        "https://learn.microsoft.com/en-us/kusto/query/parse-url-function",
        "Splits an absolute URL into scheme, host, port, path, user, password, query parameters and fragment.",
        &[sig(&[p("url", OneOf(&[T::String]))], Fixed(T::Dynamic))],
    ),
    F::new(
        "parse_urlquery",
        K::Scalar,
        "https://learn.microsoft.com/en-us/kusto/query/parse-urlquery-function",
        "Splits a URL query string into a bag of parameters.",
        &[sig(&[p("query", OneOf(&[T::String]))], Fixed(T::Dynamic))],
    ),
    F::new(
        "parse_user_agent",
        K::Scalar,
        "https://learn.microsoft.com/en-us/kusto/query/parse-user-agent-function",
        "Parses a user-agent string into browser, OS and device details.",
        &[sig(&[p("user_agent", OneOf(&[T::String])), opt("look_for", StringOrArray)], Fixed(T::Dynamic))],
    ),
    F::new(
        "parse_version",
        K::Scalar,
        "https://learn.microsoft.com/en-us/kusto/query/parse-version-function",
        "Turns a dotted version string into a comparable decimal.",
        &[sig(&[p("version", OneOf(&[T::String]))], Fixed(T::Decimal))],
    ),
    F::new(
        "parse_xml",
        K::Scalar,
        "https://learn.microsoft.com/en-us/kusto/query/parse-xml-function",
        "Converts XML text into a dynamic value.",
        &[sig(&[p("xml_text", StringOrDynamic)], Fixed(T::Dynamic))],
    )
    .named(FirstArgument, None),
    F::new(
        "parsejson",
        K::Scalar,
        "https://learn.microsoft.com/en-us/kusto/query/parse-json-function",
        "Old name of parse_json(): parses JSON text into a dynamic value.",
        &[sig(&[p("json_text", StringOrDynamic)], Fixed(T::Dynamic))],
    )
    .named(FirstArgument, None)
    .replaced_by("parse_json"),
    F::new(
        "percentile",
        K::Aggregate,
        "https://learn.microsoft.com/en-us/kusto/query/percentiles-aggregation-function",
        "Estimated percentile (nearest rank) of a column.",
        &[sig(&[p("expr", Scalar), p("percentile", Number)], Percentile)],
    )
    .named(Custom, Some("percentile")),
    F::new(
        "percentiles",
        K::Aggregate,
        "https://learn.microsoft.com/en-us/kusto/query/percentiles-aggregation-function",
        "Estimated percentiles of a column, one output column per percentile.",
        &[sig(&[p("expr", Scalar), rep("percentile", Number, 1, MANY)], Columns)],
    )
    .named(Custom, Some("percentile")),
    F::new(
        "pi",
        K::Scalar,
        "https://learn.microsoft.com/en-us/kusto/query/pi-function",
        "The constant pi.",
        &[sig(&[], Fixed(T::Real))],
    ),
    F::new(
        "pivot",
        K::Plugin,
        "https://learn.microsoft.com/en-us/kusto/query/pivot-plugin",
        "evaluate plugin: turns the distinct values of a column into columns, aggregating the rest.",
        &[sig(
            &[
                p("pivotColumn", NotDynamic).form(Column),
                opt("aggregateFunction", Scalar).form(Aggregate),
                rep("columnName", Scalar, 0, MANY).form(Column),
            ],
            Table,
        )],
    ),
    F::new(
        "pow",
        K::Scalar,
        "https://learn.microsoft.com/en-us/kusto/query/pow-function",
        "Raises a base to an exponent, as real.",
        &[sig(&[p("base", Number), p("exponent", Number)], Fixed(T::Real))],
    )
    .named(FirstArgument, None),
    F::new(
        "prev",
        K::Window,
        "https://learn.microsoft.com/en-us/kusto/query/prev-function",
        "A column's value in an earlier row of serialized input (default: one row back).",
        &[sig(
            &[
                p("column", Scalar).form(Column),
                opt("offset", OneOf(&[T::Long])),
                opt("default_value", Scalar).form(Constant),
            ],
            Arg(0),
        )],
    ),
    F::new(
        "rand",
        K::Scalar,
        "https://learn.microsoft.com/en-us/kusto/query/rand-function",
        "A random real in [0, 1), or a random integer in [0, N) when N is given.",
        &[sig(&[opt("number", Integer)], Fixed(T::Real))],
    )
    .named(FirstArgument, None),
    F::new(
        "range",
        K::Scalar,
        "https://learn.microsoft.com/en-us/kusto/query/range-function",
        "A dynamic array of the values from start to stop in steps (default step 1).",
        &[sig(&[p("start", Summable), p("stop", Summable), opt("step", Summable)], Fixed(T::Dynamic))],
    ),
    F::new(
        "regex_quote",
        K::Scalar,
        "https://learn.microsoft.com/en-us/kusto/query/regex-quote-function",
        "Escapes regular-expression metacharacters in a string.",
        &[sig(&[p("string", Scalar)], Fixed(T::String))],
    ),
    F::new(
        "replace",
        K::Scalar,
        "https://learn.microsoft.com/en-us/kusto/query/replace-regex-function",
        "Old name of replace_regex(): regex lookup, rewrite pattern, then the text.",
        &[sig(
            &[
                p("regex", OneOf(&[T::String])).form(Constant),
                p("rewrite", OneOf(&[T::String])).form(Constant),
                p("source", OneOf(&[T::String])),
            ],
            Fixed(T::String),
        )],
    )
    .replaced_by("replace_regex"),
    F::new(
        "replace_regex",
        K::Scalar,
        "https://learn.microsoft.com/en-us/kusto/query/replace-regex-function",
        "Replaces every match of a regular expression with a rewrite pattern (\\1 for groups).",
        &[sig(
            &[
                p("source", OneOf(&[T::String])),
                p("lookup_regex", OneOf(&[T::String])).form(Constant),
                p("rewrite_pattern", OneOf(&[T::String])).form(Constant),
            ],
            Fixed(T::String),
        )],
    ),
    F::new(
        "replace_string",
        K::Scalar,
        "https://learn.microsoft.com/en-us/kusto/query/replace-string-function",
        "Replaces every occurrence of a plain substring with another string.",
        &[sig(
            &[p("text", OneOf(&[T::String])), p("lookup", OneOf(&[T::String])), p("rewrite", OneOf(&[T::String]))],
            Fixed(T::String),
        )],
    ),
    F::new(
        "reverse",
        K::Scalar,
        "https://learn.microsoft.com/en-us/kusto/query/reverse-function",
        "Reverses the characters of a value's string form.",
        &[sig(&[p("value", Scalar)], Fixed(T::String))],
    ),
    F::new(
        "round",
        K::Scalar,
        "https://learn.microsoft.com/en-us/kusto/query/round-function",
        "Rounds a number half away from zero to a number of decimal places (default 0).",
        &[sig(&[p("number", Number), opt("precision", OneOf(&[T::Long])).form(Constant)], Arg(0))],
    )
    .named(FirstArgument, None),
    F::new(
        "row_cumsum",
        K::Window,
        "https://learn.microsoft.com/en-us/kusto/query/row-cumsum-function",
        "Running total of a number over serialized input, optionally restarting when a bool is true.",
        &[sig(&[p("term", Number), opt("restart", OneOf(&[T::Bool]))], Arg(0))],
    ),
    F::new(
        "row_number",
        K::Window,
        "https://learn.microsoft.com/en-us/kusto/query/row-number-function",
        "The row's 1-based position in serialized input, optionally restarting when a bool is true.",
        &[sig(&[opt("startingIndex", OneOf(&[T::Long])), opt("restart", OneOf(&[T::Bool]))], Fixed(T::Long))],
    ),
    F::new(
        "row_rank_dense",
        K::Window,
        "https://learn.microsoft.com/en-us/kusto/query/row-rank-dense-function",
        "Dense rank of a value over sorted serialized input.",
        &[sig(&[p("term", NotDynamic), opt("restart", OneOf(&[T::Bool]))], Fixed(T::Long))],
    ),
    F::new(
        "row_rank_min",
        K::Window,
        "https://learn.microsoft.com/en-us/kusto/query/row-rank-min-function",
        "Minimal rank of a value over sorted serialized input.",
        &[sig(&[p("term", NotDynamic), opt("restart", OneOf(&[T::Bool]))], Fixed(T::Long))],
    ),
    F::new(
        "series_decompose_anomalies",
        K::Scalar,
        "https://learn.microsoft.com/en-us/kusto/query/series-decompose-anomalies-function",
        "Detects anomalies in a numeric series: anomaly flags, scores and baseline arrays.",
        &[sig(
            &[
                p("series", DynamicArray),
                opt("threshold", Number),
                opt("period", Integer),
                opt("trend", OneOf(&[T::String])),
                opt("test_points", Integer),
                opt("method", OneOf(&[T::String])),
                opt("seasonality_threshold", Number),
            ],
            Fixed(T::Dynamic),
        )],
    ),
    F::new(
        "set_difference",
        K::Scalar,
        "https://learn.microsoft.com/en-us/kusto/query/set-difference-function",
        "The distinct values of the first array missing from all the others.",
        &[sig(&[rep("set", DynamicArray, 2, 64)], Fixed(T::Dynamic))],
    ),
    F::new(
        "set_has_element",
        K::Scalar,
        "https://learn.microsoft.com/en-us/kusto/query/set-has-element-function",
        "True when a dynamic array contains a value.",
        &[sig(&[p("set", DynamicArray), p("value", Scalar)], Fixed(T::Bool))],
    ),
    F::new(
        "set_intersect",
        K::Scalar,
        "https://learn.microsoft.com/en-us/kusto/query/set-intersect-function",
        "The distinct values present in every one of several dynamic arrays.",
        &[sig(&[rep("set", DynamicArray, 2, 64)], Fixed(T::Dynamic))],
    ),
    F::new(
        "set_union",
        K::Scalar,
        "https://learn.microsoft.com/en-us/kusto/query/set-union-function",
        "The distinct values of several dynamic arrays.",
        &[sig(&[rep("set", DynamicArray, 2, 64)], Fixed(T::Dynamic))],
    ),
    F::new(
        "sign",
        K::Scalar,
        "https://learn.microsoft.com/en-us/kusto/query/sign-function",
        "-1, 0 or +1 according to the sign of a number.",
        &[sig(&[p("number", Number)], Fixed(T::Real))],
    ),
    F::new(
        "sin",
        K::Scalar,
        "https://learn.microsoft.com/en-us/kusto/query/sin-function",
        "Sine of an angle in radians.",
        &[sig(&[p("number", Number)], Fixed(T::Real))],
    )
    .named(FirstArgument, None),
    F::new(
        "split",
        K::Scalar,
        "https://learn.microsoft.com/en-us/kusto/query/split-function",
        "Splits a string on a delimiter into a dynamic array, optionally returning one element.",
        &[sig(
            &[p("source", Scalar), p("delimiter", OneOf(&[T::String])), opt("requestedIndex", Integer)],
            Fixed(T::Dynamic),
        )],
    )
    .named(FirstArgument, None),
    F::new(
        "sqrt",
        K::Scalar,
        "https://learn.microsoft.com/en-us/kusto/query/sqrt-function",
        "Square root; null for negative input.",
        &[sig(&[p("number", Number)], Fixed(T::Real))],
    )
    .named(FirstArgument, None),
    F::new(
        "startofday",
        K::Scalar,
        "https://learn.microsoft.com/en-us/kusto/query/startofday-function",
        "Midnight at the start of the datetime's day, optionally shifted by a number of days.",
        &[sig(&[p("date", OneOf(&[T::DateTime])), opt("offset", OneOf(&[T::Long]))], Fixed(T::DateTime))],
    )
    .named(FirstArgument, None),
    F::new(
        "startofmonth",
        K::Scalar,
        "https://learn.microsoft.com/en-us/kusto/query/startofmonth-function",
        "The first instant of the datetime's month, optionally shifted by a number of months.",
        &[sig(&[p("date", OneOf(&[T::DateTime])), opt("offset", OneOf(&[T::Long]))], Fixed(T::DateTime))],
    ),
    F::new(
        "startofweek",
        K::Scalar,
        "https://learn.microsoft.com/en-us/kusto/query/startofweek-function",
        "The Sunday midnight starting the datetime's week, optionally shifted by a number of weeks.",
        &[sig(&[p("date", OneOf(&[T::DateTime])), opt("offset", OneOf(&[T::Long]))], Fixed(T::DateTime))],
    ),
    F::new(
        "startofyear",
        K::Scalar,
        "https://learn.microsoft.com/en-us/kusto/query/startofyear-function",
        "The first instant of the datetime's year, optionally shifted by a number of years.",
        &[sig(&[p("date", OneOf(&[T::DateTime])), opt("offset", OneOf(&[T::Long]))], Fixed(T::DateTime))],
    ),
    F::new(
        "stdev",
        K::Aggregate,
        "https://learn.microsoft.com/en-us/kusto/query/stdev-aggregation-function",
        "Sample standard deviation.",
        &[sig(&[p("expr", Summable)], Fixed(T::Real))],
    )
    .named(PrefixAndFirstArgument, Some("stdev")),
    F::new(
        "stdevif",
        K::Aggregate,
        "https://learn.microsoft.com/en-us/kusto/query/stdevif-aggregation-function",
        "Sample standard deviation over rows where a predicate is true.",
        &[sig(&[p("expr", Summable), p("predicate", OneOf(&[T::Bool]))], Fixed(T::Real))],
    )
    .named(PrefixAndFirstArgument, Some("stdevif")),
    F::new(
        "strcat",
        K::Scalar,
        "https://learn.microsoft.com/en-us/kusto/query/strcat-function",
        "Concatenates up to 64 values as strings.",
        &[sig(&[rep("arg", Scalar, 1, 64)], Fixed(T::String))],
    ),
    F::new(
        "strcat_array",
        K::Scalar,
        "https://learn.microsoft.com/en-us/kusto/query/strcat-array-function",
        "Joins the elements of a dynamic array with a delimiter.",
        &[sig(&[p("array", DynamicArray), p("delimiter", Scalar)], Fixed(T::String))],
    ),
    F::new(
        "strcat_delim",
        K::Scalar,
        "https://learn.microsoft.com/en-us/kusto/query/strcat-delim-function",
        "Concatenates values as strings with a delimiter between them.",
        &[sig(&[p("delimiter", Scalar), rep("arg", Scalar, 2, 64)], Fixed(T::String))],
    ),
    F::new(
        "strcmp",
        K::Scalar,
        "https://learn.microsoft.com/en-us/kusto/query/strcmp-function",
        "Compares two strings: -1, 0 or 1.",
        &[sig(&[p("s1", Scalar), p("s2", Scalar)], Fixed(T::Long))],
    ),
    F::new(
        "string_size",
        K::Scalar,
        "https://learn.microsoft.com/en-us/kusto/query/string-size-function",
        "The number of bytes in a string's UTF-8 encoding.",
        &[sig(&[p("string", StringOrDynamic)], Fixed(T::Long))],
    )
    .named(PrefixAndFirstArgument, Some("string_size")),
    F::new(
        "strlen",
        K::Scalar,
        "https://learn.microsoft.com/en-us/kusto/query/strlen-function",
        "The number of Unicode characters in a string.",
        &[sig(&[p("string", StringOrDynamic)], Fixed(T::Long))],
    )
    .named(PrefixAndFirstArgument, Some("strlen")),
    F::new(
        "strrep",
        K::Scalar,
        "https://learn.microsoft.com/en-us/kusto/query/strrep-function",
        "Repeats a value's string form a number of times, optionally with a delimiter.",
        &[sig(&[p("value", Scalar), p("multiplier", OneOf(&[T::Long])), opt("delimiter", Scalar)], Fixed(T::String))],
    ),
    F::new(
        "substring",
        K::Scalar,
        "https://learn.microsoft.com/en-us/kusto/query/substring-function",
        "The part of a string starting at a 0-based index, optionally limited to a length.",
        &[sig(&[p("string", Scalar), p("start", Integer), opt("length", Integer)], Fixed(T::String))],
    ),
    F::new(
        "sum",
        K::Aggregate,
        "https://learn.microsoft.com/en-us/kusto/query/sum-aggregation-function",
        "Sum of a number or timespan column; int sums as long.",
        &[sig(&[p("expr", Summable)], PromotedArg(0))],
    )
    .named(PrefixAndFirstArgument, Some("sum")),
    F::new(
        "sumif",
        K::Aggregate,
        "https://learn.microsoft.com/en-us/kusto/query/sumif-aggregation-function",
        "Sum over rows where a predicate is true.",
        &[sig(&[p("expr", Summable), p("predicate", OneOf(&[T::Bool]))], PromotedArg(0))],
    )
    .named(PrefixAndFirstArgument, Some("sumif")),
    F::new(
        "take_any",
        K::Aggregate,
        "https://learn.microsoft.com/en-us/kusto/query/take-any-aggregation-function",
        "Values of the given expressions from an arbitrary row of the group.",
        &[sig(&[rep("expr", Scalar, 1, MANY).form(StarAllowed)], Columns)],
    )
    .named(Custom, Some("any")),
    F::new(
        "take_anyif",
        K::Aggregate,
        "https://learn.microsoft.com/en-us/kusto/query/take-anyif-aggregation-function",
        "A value from an arbitrary row where a predicate is true.",
        &[sig(&[p("expr", Scalar), p("predicate", OneOf(&[T::Bool]))], Arg(0))],
    )
    .named(FirstArgument, None),
    F::new(
        "tan",
        K::Scalar,
        "https://learn.microsoft.com/en-us/kusto/query/tan-function",
        "Tangent of an angle in radians.",
        &[sig(&[p("number", Number)], Fixed(T::Real))],
    )
    .named(FirstArgument, None),
    F::new(
        "to_utf8",
        K::Scalar,
        "https://learn.microsoft.com/en-us/kusto/query/unicode-codepoints-from-string-function",
        "Old name of unicode_codepoints_from_string().",
        &[sig(&[p("value", Scalar)], Fixed(T::Dynamic))],
    )
    .replaced_by("unicode_codepoints_from_string"),
    F::new(
        "tobool",
        K::Scalar,
        "https://learn.microsoft.com/en-us/kusto/query/tobool-function",
        "Converts a value to bool (\"true\"/\"false\", numbers non-zero), or null otherwise.",
        &[sig(&[p("value", Scalar)], Fixed(T::Bool))],
    )
    .named(FirstArgument, None),
    F::new(
        "toboolean",
        K::Scalar,
        "https://learn.microsoft.com/en-us/kusto/query/tobool-function",
        "Alias of tobool(): converts a value to bool.",
        &[sig(&[p("value", Scalar)], Fixed(T::Bool))],
    )
    .named(FirstArgument, None),
    F::new(
        "todatetime",
        K::Scalar,
        "https://learn.microsoft.com/en-us/kusto/query/todatetime-function",
        "Converts a value (string, number of ticks, dynamic) to datetime, or null.",
        &[sig(&[p("value", Scalar)], Fixed(T::DateTime))],
    )
    .named(FirstArgument, None),
    F::new(
        "todecimal",
        K::Scalar,
        "https://learn.microsoft.com/en-us/kusto/query/todecimal-function",
        "Converts a value to decimal, or null when it cannot be parsed.",
        &[sig(&[p("value", Scalar)], Fixed(T::Decimal))],
    )
    .named(FirstArgument, None),
    F::new(
        "todouble",
        K::Scalar,
        "https://learn.microsoft.com/en-us/kusto/query/toreal-function",
        "Old name of toreal(): converts a value to real.",
        &[sig(&[p("value", Scalar)], Fixed(T::Real))],
    )
    .named(FirstArgument, None),
    F::new(
        "todynamic",
        K::Scalar,
        "https://learn.microsoft.com/en-us/kusto/query/parse-json-function",
        "Old name of parse_json(): parses JSON text into a dynamic value.",
        &[sig(&[p("value", OneOf(&[T::String]))], Fixed(T::Dynamic))],
    )
    .named(FirstArgument, None),
    F::new(
        "toguid",
        K::Scalar,
        "https://learn.microsoft.com/en-us/kusto/query/toguid-function",
        "Converts a string to guid, or null when it is not a GUID.",
        &[sig(&[p("value", StringOrDynamic)], Fixed(T::Guid))],
    )
    .named(FirstArgument, None),
    F::new(
        "tohex",
        K::Scalar,
        "https://learn.microsoft.com/en-us/kusto/query/tohex-function",
        "Hexadecimal text of an integer, optionally padded to a minimum length.",
        &[sig(&[p("value", Integer), opt("minLength", Integer)], Fixed(T::String))],
    )
    .named(FirstArgument, None),
    F::new(
        "toint",
        K::Scalar,
        "https://learn.microsoft.com/en-us/kusto/query/toint-function",
        "Converts a value to a 32-bit int, or null when it cannot be parsed.",
        &[sig(&[p("value", Scalar)], Fixed(T::Int))],
    )
    .named(FirstArgument, None),
    F::new(
        "tolong",
        K::Scalar,
        "https://learn.microsoft.com/en-us/kusto/query/tolong-function",
        "Converts a value to a 64-bit long, or null when it cannot be parsed.",
        &[sig(&[p("value", Scalar)], Fixed(T::Long))],
    )
    .named(FirstArgument, None),
    F::new(
        "tolower",
        K::Scalar,
        "https://learn.microsoft.com/en-us/kusto/query/tolower-function",
        "Lower-cases a string.",
        &[sig(&[p("value", Scalar)], Fixed(T::String))],
    ),
    F::new(
        "toreal",
        K::Scalar,
        "https://learn.microsoft.com/en-us/kusto/query/toreal-function",
        "Converts a value to a 64-bit real, or null when it cannot be parsed.",
        &[sig(&[p("value", Scalar)], Fixed(T::Real))],
    )
    .named(FirstArgument, None),
    F::new(
        "toscalar",
        K::Scalar,
        "https://learn.microsoft.com/en-us/kusto/query/toscalar-function",
        "Evaluates a tabular (or scalar) expression once and returns its first cell as a scalar.",
        &[sig(&[p("expression", Any)], FirstColumn)],
    ),
    F::new(
        "tostring",
        K::Scalar,
        "https://learn.microsoft.com/en-us/kusto/query/tostring-function",
        "Converts any scalar to its string form; null becomes the empty string.",
        &[sig(&[p("value", Scalar)], Fixed(T::String))],
    )
    .named(FirstArgument, None),
    F::new(
        "totime",
        K::Scalar,
        "https://learn.microsoft.com/en-us/kusto/query/totimespan-function",
        "Old name of totimespan(): converts a value to timespan.",
        &[sig(&[p("value", Scalar)], Fixed(T::TimeSpan))],
    )
    .named(FirstArgument, None)
    .replaced_by("totimespan"),
    F::new(
        "totimespan",
        K::Scalar,
        "https://learn.microsoft.com/en-us/kusto/query/totimespan-function",
        "Converts a value to timespan, or null when it cannot be parsed.",
        &[sig(&[p("value", Scalar)], Fixed(T::TimeSpan))],
    )
    .named(FirstArgument, None),
    F::new(
        "toupper",
        K::Scalar,
        "https://learn.microsoft.com/en-us/kusto/query/toupper-function",
        "Upper-cases a string.",
        &[sig(&[p("value", Scalar)], Fixed(T::String))],
    ),
    F::new(
        "translate",
        K::Scalar,
        "https://learn.microsoft.com/en-us/kusto/query/translate-function",
        "Replaces characters of a string one-for-one from a search list to a replacement list.",
        &[sig(
            &[
                p("searchList", OneOf(&[T::String])),
                p("replacementList", OneOf(&[T::String])),
                p("source", OneOf(&[T::String])),
            ],
            Fixed(T::String),
        )],
    ),
    F::new(
        "trim",
        K::Scalar,
        "https://learn.microsoft.com/en-us/kusto/query/trim-function",
        "Removes leading and trailing matches of a regular expression.",
        &[sig(&[p("regex", OneOf(&[T::String])).form(Constant), p("source", OneOf(&[T::String]))], Fixed(T::String))],
    ),
    F::new(
        "trim_end",
        K::Scalar,
        "https://learn.microsoft.com/en-us/kusto/query/trim-end-function",
        "Removes trailing matches of a regular expression.",
        &[sig(&[p("regex", OneOf(&[T::String])).form(Constant), p("source", OneOf(&[T::String]))], Fixed(T::String))],
    ),
    F::new(
        "trim_start",
        K::Scalar,
        "https://learn.microsoft.com/en-us/kusto/query/trim-start-function",
        "Removes leading matches of a regular expression.",
        &[sig(&[p("regex", OneOf(&[T::String])).form(Constant), p("source", OneOf(&[T::String]))], Fixed(T::String))],
    ),
    F::new(
        "unicode_codepoints_from_string",
        K::Scalar,
        "https://learn.microsoft.com/en-us/kusto/query/unicode-codepoints-from-string-function",
        "The Unicode code points of a string as a dynamic array.",
        &[sig(&[p("value", Scalar)], Fixed(T::Dynamic))],
    ),
    F::new(
        "unicode_codepoints_to_string",
        K::Scalar,
        "https://learn.microsoft.com/en-us/kusto/query/unicode-codepoints-to-string-function",
        "Builds a string from Unicode code points.",
        &[sig(&[rep("value", IntegerOrArray, 1, MANY)], Fixed(T::String))],
    ),
    F::new(
        "unixtime_microseconds_todatetime",
        K::Scalar,
        "https://learn.microsoft.com/en-us/kusto/query/unixtime-microseconds-todatetime-function",
        "Converts microseconds since the Unix epoch to datetime.",
        &[sig(&[p("number", Number)], Fixed(T::DateTime))],
    ),
    F::new(
        "unixtime_milliseconds_todatetime",
        K::Scalar,
        "https://learn.microsoft.com/en-us/kusto/query/unixtime-milliseconds-todatetime-function",
        "Converts milliseconds since the Unix epoch to datetime.",
        &[sig(&[p("number", Number)], Fixed(T::DateTime))],
    ),
    F::new(
        "unixtime_nanoseconds_todatetime",
        K::Scalar,
        "https://learn.microsoft.com/en-us/kusto/query/unixtime-nanoseconds-todatetime-function",
        "Converts nanoseconds since the Unix epoch to datetime.",
        &[sig(&[p("number", Number)], Fixed(T::DateTime))],
    ),
    F::new(
        "unixtime_seconds_todatetime",
        K::Scalar,
        "https://learn.microsoft.com/en-us/kusto/query/unixtime-seconds-todatetime-function",
        "Converts seconds since the Unix epoch to datetime.",
        &[sig(&[p("number", Number)], Fixed(T::DateTime))],
    ),
    F::new(
        "url_decode",
        K::Scalar,
        "https://learn.microsoft.com/en-us/kusto/query/url-decode-function",
        "Decodes a percent-encoded URL.",
        &[sig(&[p("encoded_url", OneOf(&[T::String]))], Fixed(T::String))],
    ),
    F::new(
        "url_encode",
        K::Scalar,
        "https://learn.microsoft.com/en-us/kusto/query/url-encode-function",
        "Percent-encodes a URL.",
        &[sig(&[p("url", OneOf(&[T::String]))], Fixed(T::String))],
    ),
    F::new(
        "url_encode_component",
        K::Scalar,
        "https://learn.microsoft.com/en-us/kusto/query/url-encode-component-function",
        "Percent-encodes a URL component.",
        &[sig(&[p("url", OneOf(&[T::String]))], Fixed(T::String))],
    ),
    F::new(
        "variance",
        K::Aggregate,
        "https://learn.microsoft.com/en-us/kusto/query/variance-aggregation-function",
        "Sample variance.",
        &[sig(&[p("expr", Summable)], Fixed(T::Real))],
    )
    .named(PrefixAndFirstArgument, Some("variance")),
    F::new(
        "varianceif",
        K::Aggregate,
        "https://learn.microsoft.com/en-us/kusto/query/varianceif-aggregation-function",
        "Sample variance over rows where a predicate is true.",
        &[sig(&[p("expr", Summable), p("predicate", OneOf(&[T::Bool]))], Fixed(T::Real))],
    )
    .named(PrefixAndFirstArgument, Some("varianceif")),
    F::new(
        "week_of_year",
        K::Scalar,
        "https://learn.microsoft.com/en-us/kusto/query/week-of-year-function",
        "The ISO 8601 week number of a datetime.",
        &[sig(&[p("date", OneOf(&[T::DateTime]))], Fixed(T::Int))],
    ),
    F::new(
        "weekofyear",
        K::Scalar,
        "https://learn.microsoft.com/en-us/kusto/query/week-of-year-function",
        "Old name of week_of_year(): the ISO 8601 week number.",
        &[sig(&[p("date", OneOf(&[T::DateTime]))], Fixed(T::Int))],
    )
    .replaced_by("week_of_year"),
    F::new(
        "zip",
        K::Scalar,
        "https://learn.microsoft.com/en-us/kusto/query/zip-function",
        "Combines several arrays element-wise into an array of arrays.",
        &[sig(&[rep("array", DynamicArray, 2, 64)], Fixed(T::Dynamic))],
    ),
];
