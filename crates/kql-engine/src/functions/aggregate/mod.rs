//! Aggregate functions, each an [`AggregateUDF`] named `kql_<name>` with Kusto's semantics.
//!
//! | function | arguments | returns |
//! |----------|-----------|---------|
//! | `kql_countif` | `pred` | `long` (0 when no row matches) |
//! | `kql_dcount`, `kql_dcountif` | `x [, pred] [, accuracy]` | `long`, exact (see `dcount.rs`) |
//! | `kql_sum`, `kql_sumif` | `x [, pred]` | `long` for integers, else the type of `x`; 0 when empty |
//! | `kql_avg`, `kql_avgif` | `x [, pred]` | `real` for numbers, else the type of `x` |
//! | `kql_minif`, `kql_maxif` | `x, pred` | the type of `x` |
//! | `kql_make_set`, `kql_make_set_if` | `x [, pred] [, maxSize]` | `dynamic` array of distinct values |
//! | `kql_make_list`, `kql_make_list_if` | `x [, pred] [, maxSize]` | `dynamic` array |
//! | `kql_make_list_with_nulls` | `x` | `dynamic` array, nulls kept |
//! | `kql_make_bag`, `kql_make_bag_if` | `bag [, pred] [, maxSize]` | `dynamic` property bag |
//! | `kql_arg_max`, `kql_arg_min` | `by, value` | the type of `value` |
//! | `kql_take_any`, `kql_take_anyif` | `x [, pred]` | the type of `x` |
//! | `kql_percentile` | `x, p` | `long`, `real`, `datetime` or `timespan`; exact |
//! | `kql_variance`, `kql_variancep`, `kql_varianceif`, `kql_stdev`, `kql_stdevp`, `kql_stdevif` | `x [, pred]` | `real` |
//!
//! In the `_if` variants the predicate follows the data arguments; a null predicate is false.
//! Constants (`maxSize`, `accuracy`, `p`) come last and must be literals. The `make_list` and
//! `make_set` families honour an `ORDER BY` on the call (DataFusion's aggregate `order_by`),
//! across partitions: that is how `sort by T | summarize make_list(x)` keeps Kusto's promise
//! that the list follows the sorted input. The other aggregates ignore an `ORDER BY`.
//!
//! Every aggregate runs in DataFusion's two phases (partial states merged across partitions),
//! and has a `GroupsAccumulator` for `summarize ... by` (except `kql_arg_max`/`kql_arg_min` over
//! a `by` that is not a number, `bool`, `datetime`, `timespan` or string, and
//! `kql_minif`/`kql_maxif` over `bool`, which fall back to one accumulator per group).
//!
//! Not here because DataFusion's own function already has Kusto's meaning: `count()` (the
//! planner uses `count(*)`), `count(x)`, `min(x)` and `max(x)`.

mod arg_extreme;
mod avg;
mod countif;
mod dcount;
mod json;
mod make_array;
mod make_bag;
mod min_max;
mod num;
mod percentile;
mod sum;
mod take_any;
mod udaf;
mod variance;

use datafusion::logical_expr::AggregateUDF;

use udaf::udaf;

/// Every aggregate KQL function.
pub fn all() -> Vec<AggregateUDF> {
    use arg_extreme::ArgExtreme;
    use make_array::MakeArray;
    use min_max::Extreme;
    use variance::Variance;

    const SET: MakeArray = MakeArray { distinct: true, keep_nulls: false };
    const LIST: MakeArray = MakeArray { distinct: false, keep_nulls: false };
    const LIST_WITH_NULLS: MakeArray = MakeArray { distinct: false, keep_nulls: true };
    const VARIANCE: Variance = Variance { sample: true, root: false };
    const VARIANCEP: Variance = Variance { sample: false, root: false };
    const STDEV: Variance = Variance { sample: true, root: true };
    const STDEVP: Variance = Variance { sample: false, root: true };

    vec![
        udaf("kql_countif", &countif::CountIf, false),
        udaf("kql_dcount", &dcount::DCount, false),
        udaf("kql_dcountif", &dcount::DCount, true),
        udaf("kql_sum", &sum::Sum, false),
        udaf("kql_sumif", &sum::Sum, true),
        udaf("kql_avg", &avg::Avg, false),
        udaf("kql_avgif", &avg::Avg, true),
        udaf("kql_minif", &Extreme { max: false }, true),
        udaf("kql_maxif", &Extreme { max: true }, true),
        udaf("kql_make_set", &SET, false),
        udaf("kql_make_set_if", &SET, true),
        udaf("kql_make_list", &LIST, false),
        udaf("kql_make_list_if", &LIST, true),
        udaf("kql_make_list_with_nulls", &LIST_WITH_NULLS, false),
        udaf("kql_make_bag", &make_bag::MakeBag, false),
        udaf("kql_make_bag_if", &make_bag::MakeBag, true),
        udaf("kql_arg_max", &ArgExtreme { max: true }, false),
        udaf("kql_arg_min", &ArgExtreme { max: false }, false),
        udaf("kql_take_any", &take_any::TakeAny, false),
        udaf("kql_take_anyif", &take_any::TakeAny, true),
        udaf("kql_percentile", &percentile::Percentile, false),
        udaf("kql_variance", &VARIANCE, false),
        udaf("kql_varianceif", &VARIANCE, true),
        udaf("kql_variancep", &VARIANCEP, false),
        udaf("kql_stdev", &STDEV, false),
        udaf("kql_stdevif", &STDEV, true),
        udaf("kql_stdevp", &STDEVP, false),
    ]
}

/// The aggregate named `name` (tests).
#[cfg(test)]
fn by_name(name: &str) -> AggregateUDF {
    all().into_iter().find(|f| f.name() == name).unwrap_or_else(|| panic!("no aggregate {name}"))
}

/// Drives accumulators the way DataFusion's two-phase aggregation does: partial accumulators
/// per partition, their states merged into a final one.
#[cfg(test)]
mod testing {
    use std::sync::Arc;

    use datafusion::arrow::array::{ArrayRef, BooleanArray};
    use datafusion::arrow::compute::{cast, filter};
    use datafusion::arrow::datatypes::{DataType, Field, FieldRef, Schema};
    use datafusion::common::{Result, ScalarValue};
    use datafusion::logical_expr::function::AccumulatorArgs;
    use datafusion::logical_expr::{Accumulator, AggregateUDF, EmitTo, GroupsAccumulator};
    use datafusion::physical_expr::PhysicalExpr;
    use datafusion::physical_expr::expressions::{Column, Literal};

    /// An argument: a column of the batch, or a constant.
    #[derive(Clone, Debug)]
    pub enum Arg {
        Column(ArrayRef),
        Const(ScalarValue),
    }

    impl Arg {
        fn data_type(&self) -> DataType {
            match self {
                Arg::Column(array) => array.data_type().clone(),
                Arg::Const(value) => value.data_type(),
            }
        }
    }

    /// Calls `make` with the [`AccumulatorArgs`] of `udaf` over `args` (after the UDF's own type
    /// coercion), and returns its result with the coerced argument arrays.
    fn with_args<R>(
        udaf: &AggregateUDF,
        args: &[Arg],
        make: impl FnOnce(AccumulatorArgs) -> Result<R>,
    ) -> Result<(R, Vec<ArrayRef>)> {
        let types: Vec<DataType> = args.iter().map(Arg::data_type).collect();
        let coerced = udaf.coerce_types(&types)?;
        let fields: Vec<FieldRef> =
            coerced.iter().enumerate().map(|(i, ty)| Arc::new(Field::new(format!("a{i}"), ty.clone(), true))).collect();
        let schema = Schema::new(fields.clone());
        let rows = args.iter().find_map(|arg| if let Arg::Column(a) = arg { Some(a.len()) } else { None }).unwrap_or(1);
        let mut exprs: Vec<Arc<dyn PhysicalExpr>> = Vec::new();
        let mut arrays = Vec::new();
        for (i, (arg, ty)) in args.iter().zip(&coerced).enumerate() {
            match arg {
                Arg::Column(array) => {
                    exprs.push(Arc::new(Column::new(&format!("a{i}"), i)));
                    arrays.push(cast(array, ty)?);
                }
                Arg::Const(value) => {
                    let value = value.cast_to(ty)?;
                    arrays.push(value.to_array_of_size(rows)?);
                    exprs.push(Arc::new(Literal::new(value)));
                }
            }
        }
        let return_field = Arc::new(Field::new("r", udaf.return_type(&coerced)?, true));
        let made = make(AccumulatorArgs {
            return_field,
            schema: &schema,
            ignore_nulls: false,
            order_bys: &[],
            is_reversed: false,
            name: "r",
            is_distinct: false,
            exprs: &exprs,
            expr_fields: &fields,
        })?;
        Ok((made, arrays))
    }

    /// A fresh accumulator for `args`, and the coerced argument arrays.
    pub fn try_accumulator(udaf: &AggregateUDF, args: &[Arg]) -> Result<(Box<dyn Accumulator>, Vec<ArrayRef>)> {
        with_args(udaf, args, |acc_args| udaf.accumulator(acc_args))
    }

    /// A groups accumulator, if any, and the coerced argument arrays.
    type Groups = (Option<Box<dyn GroupsAccumulator>>, Vec<ArrayRef>);

    /// A fresh groups accumulator for `args` (`None` when `udaf` has none for these types),
    /// and the coerced argument arrays.
    fn try_groups(udaf: &AggregateUDF, args: &[Arg]) -> Result<Groups> {
        with_args(udaf, args, |acc_args| {
            let supported = udaf.groups_accumulator_supported(acc_args.clone());
            if supported { udaf.create_groups_accumulator(acc_args).map(Some) } else { Ok(None) }
        })
    }

    /// The rows of `args` whose index modulo `groups` is `group` (constants unchanged).
    fn rows_of_group(args: &[Arg], groups: usize, group: usize) -> Vec<Arg> {
        args.iter()
            .map(|arg| match arg {
                Arg::Column(array) => {
                    let mask: BooleanArray = (0..array.len()).map(|row| Some(row % groups == group)).collect();
                    Arg::Column(filter(array, &mask).unwrap())
                }
                Arg::Const(value) => Arg::Const(value.clone()),
            })
            .collect()
    }

    /// Checks that the groups accumulator of `udaf` agrees with its per-group accumulators,
    /// with rows spread over 3 groups (row index modulo 3) in two partitions, `first` and
    /// `second`: through `update_batch` + `state` + `merge_batch`, through `convert_to_state`
    /// (DataFusion's skipped partial aggregation), and emitting the first group on its own.
    pub fn groups_agree(udaf: &AggregateUDF, first: &[Arg], second: &[Arg]) {
        const GROUPS: usize = 3;
        let (Some(_), _) = try_groups(udaf, first).unwrap() else {
            panic!("{} has no groups accumulator for these types", udaf.name());
        };
        // Expected: the accumulator of each group over that group's rows.
        let expected: Vec<ScalarValue> = (0..GROUPS)
            .map(|group| {
                let parts: Vec<Vec<Arg>> = [first, second]
                    .iter()
                    .filter(|args| !args.is_empty())
                    .map(|args| rows_of_group(args, GROUPS, group))
                    .collect();
                let mut states = Vec::new();
                for part in &parts {
                    let (mut partial, arrays) = try_accumulator(udaf, part).unwrap();
                    partial.update_batch(&arrays).unwrap();
                    states.push(partial.state().unwrap());
                }
                let (mut last, _) = try_accumulator(udaf, &parts[0]).unwrap();
                let columns: Vec<ArrayRef> = (0..states[0].len())
                    .map(|field| ScalarValue::iter_to_array(states.iter().map(|state| state[field].clone())).unwrap())
                    .collect();
                last.merge_batch(&columns).unwrap();
                last.evaluate().unwrap()
            })
            .collect();
        for convert_second in [false, true] {
            let mut state_batches: Vec<(Vec<ArrayRef>, Vec<usize>)> = Vec::new();
            for (index, args) in [first, second].iter().enumerate() {
                if args.is_empty() {
                    continue;
                }
                let (partial, arrays) = try_groups(udaf, args).unwrap();
                let mut partial = partial.unwrap();
                let rows = arrays[0].len();
                let groups: Vec<usize> = (0..rows).map(|row| row % GROUPS).collect();
                if convert_second && index == 1 {
                    state_batches.push((partial.convert_to_state(&arrays, None).unwrap(), groups));
                } else {
                    partial.update_batch(&arrays, &groups, None, GROUPS).unwrap();
                    state_batches.push((partial.state(EmitTo::All).unwrap(), (0..GROUPS).collect()));
                }
            }
            let (last, _) = try_groups(udaf, first).unwrap();
            let mut last = last.unwrap();
            for (states, groups) in &state_batches {
                last.merge_batch(states, groups, GROUPS).unwrap();
            }
            let head = last.evaluate(EmitTo::First(1)).unwrap();
            let tail = last.evaluate(EmitTo::All).unwrap();
            let actual: Vec<ScalarValue> = (0..head.len())
                .map(|row| ScalarValue::try_from_array(&head, row).unwrap())
                .chain((0..tail.len()).map(|row| ScalarValue::try_from_array(&tail, row).unwrap()))
                .collect();
            assert_eq!(actual, expected, "{} (convert_to_state: {convert_second})", udaf.name());
        }
    }

    /// The result of one accumulator over `args`, without a merge.
    pub fn single(udaf: &AggregateUDF, args: &[Arg]) -> ScalarValue {
        let (mut accumulator, arrays) = try_accumulator(udaf, args).unwrap();
        accumulator.update_batch(&arrays).unwrap();
        accumulator.evaluate().unwrap()
    }

    /// The result of aggregating `first` and `second` (empty: no second partition) in two
    /// partial accumulators whose states are merged, as rows of one state batch, into a final
    /// accumulator.
    pub fn merged(udaf: &AggregateUDF, first: &[Arg], second: &[Arg]) -> ScalarValue {
        let mut states: Vec<Vec<ScalarValue>> = Vec::new();
        for args in [first, second] {
            if args.is_empty() {
                continue;
            }
            let (mut partial, arrays) = try_accumulator(udaf, args).unwrap();
            partial.update_batch(&arrays).unwrap();
            states.push(partial.state().unwrap());
        }
        let (mut last, _) = try_accumulator(udaf, first).unwrap();
        let columns: Vec<ArrayRef> = (0..states[0].len())
            .map(|field| ScalarValue::iter_to_array(states.iter().map(|state| state[field].clone())).unwrap())
            .collect();
        last.merge_batch(&columns).unwrap();
        let result = last.evaluate().unwrap();
        // Evaluating must not consume the state.
        assert_eq!(last.evaluate().unwrap(), result, "evaluate changed the state");
        result
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use datafusion::arrow::array::{
        Array, ArrayRef, AsArray, BooleanArray, Int64Array, RecordBatch, StringArray, TimestampNanosecondArray,
    };
    use datafusion::arrow::datatypes::{DataType, Field, Schema, TimeUnit};
    use datafusion::arrow::util::pretty::pretty_format_batches;
    use datafusion::datasource::MemTable;
    use datafusion::logical_expr::{Expr, col, lit};
    use datafusion::prelude::{SessionConfig, SessionContext};

    use super::*;

    #[test]
    fn every_name_is_kql_prefixed_and_unique() {
        let names: Vec<String> = all().iter().map(|f| f.name().to_owned()).collect();
        let mut unique = names.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), names.len());
        assert!(names.iter().all(|n| n.starts_with("kql_")));
    }

    #[test]
    fn wrong_arity_and_types_fail_by_name() {
        let make_set = by_name("kql_make_set");
        let err = make_set.coerce_types(&[]).unwrap_err().to_string();
        assert!(err.contains("kql_make_set() expects 1 to 2 arguments"), "{err}");
        let countif = by_name("kql_countif");
        assert!(countif.coerce_types(&[DataType::Utf8]).is_err());
        let sumif = by_name("kql_sumif");
        assert!(sumif.coerce_types(&[DataType::Int64, DataType::Int64]).is_err());
        assert!(by_name("kql_sum").coerce_types(&[DataType::Utf8]).is_err());
        let percentile = by_name("kql_percentile");
        assert_eq!(
            percentile.coerce_types(&[DataType::Int32, DataType::Int64]).unwrap(),
            vec![DataType::Int32, DataType::Float64]
        );
        assert_eq!(percentile.return_type(&[DataType::Int32, DataType::Float64]).unwrap(), DataType::Int64);
    }

    /// Runs `aggregates` grouped by `g` over `partitions` (one batch each), with as many target
    /// partitions, and returns the result sorted by `g`, printed.
    async fn summarize(partitions: Vec<RecordBatch>, aggregates: Vec<Expr>) -> String {
        let schema = partitions[0].schema();
        let count = partitions.len();
        let ctx = SessionContext::new_with_config(SessionConfig::new().with_target_partitions(count.max(2)));
        crate::functions::register_all(&ctx);
        let table = MemTable::try_new(schema, partitions.into_iter().map(|b| vec![b]).collect()).unwrap();
        let df = ctx
            .read_table(Arc::new(table))
            .unwrap()
            .aggregate(vec![col("g")], aggregates)
            .unwrap()
            .sort(vec![col("g").sort(true, true)])
            .unwrap();
        pretty_format_batches(&df.collect().await.unwrap()).unwrap().to_string()
    }

    fn events(
        groups: Vec<&str>,
        times: Vec<Option<i64>>,
        names: Vec<&str>,
        hits: Vec<Option<bool>>,
        first_n: i64,
    ) -> RecordBatch {
        let schema = Arc::new(Schema::new(vec![
            Field::new("g", DataType::Utf8, false),
            Field::new("t", DataType::Timestamp(TimeUnit::Nanosecond, None), true),
            Field::new("name", DataType::Utf8, true),
            Field::new("n", DataType::Int64, true),
            Field::new("hit", DataType::Boolean, true),
        ]));
        let n: Vec<i64> = (first_n..first_n + groups.len() as i64).collect();
        let columns: Vec<ArrayRef> = vec![
            Arc::new(StringArray::from(groups)),
            Arc::new(TimestampNanosecondArray::from(times)),
            Arc::new(StringArray::from(names)),
            Arc::new(Int64Array::from(n)),
            Arc::new(BooleanArray::from(hits)),
        ];
        RecordBatch::try_new(schema, columns).unwrap()
    }

    /// The aggregates run inside DataFusion's partial and final aggregation over two
    /// partitions, and every `kql_arg_max` over the same `by` picks the same row.
    #[tokio::test]
    async fn aggregates_run_in_datafusion_across_partitions() {
        let first = events(
            vec!["a", "a", "b", "b"],
            vec![Some(10), Some(30), None, Some(5)],
            vec!["a10", "a30", "bnull", "b5"],
            vec![Some(true), Some(false), None, Some(true)],
            0,
        );
        let second = events(
            vec!["a", "b", "b"],
            vec![Some(30), Some(5), Some(1)],
            vec!["a30bis", "b5bis", "b1"],
            vec![Some(true), Some(true), Some(false)],
            4,
        );
        let call = |name: &str, args: Vec<Expr>, alias: &str| by_name(name).call(args).alias(alias);
        let result = summarize(
            vec![first, second],
            vec![
                call("kql_arg_max", vec![col("t"), col("name")], "max_name"),
                call("kql_arg_max", vec![col("t"), col("n")], "max_n"),
                call("kql_arg_min", vec![col("t"), col("name")], "min_name"),
                call("kql_countif", vec![col("hit")], "countif_"),
                call("kql_dcount", vec![col("name")], "dcount_name"),
                call("kql_make_set_if", vec![col("n"), col("hit"), lit(10i64)], "set_n"),
                call("kql_sum", vec![col("n")], "sum_n"),
            ],
        )
        .await;
        // Group a: t = 30 twice (rows "a30" n=1 and "a30bis" n=4); both arg_max columns must come
        // from the same row. Group b: the null t never wins; the max is 5 twice (n=3 and n=5).
        let lines: Vec<&str> = result.lines().filter(|l| l.starts_with("| a") || l.starts_with("| b")).collect();
        assert_eq!(lines.len(), 2, "{result}");
        let row_a: Vec<&str> = lines[0].split('|').map(str::trim).collect();
        let row_b: Vec<&str> = lines[1].split('|').map(str::trim).collect();
        // | g | max_name | max_n | min_name | countif_ | dcount_name | set_n | sum_n |
        assert!((row_a[2] == "a30" && row_a[3] == "1") || (row_a[2] == "a30bis" && row_a[3] == "4"), "{result}");
        assert!((row_b[2] == "b5" && row_b[3] == "3") || (row_b[2] == "b5bis" && row_b[3] == "5"), "{result}");
        assert_eq!(&row_a[4..], ["a10", "2", "3", row_a[7], "5", ""], "{result}");
        assert_eq!(&row_b[4..], ["b1", "2", "4", row_b[7], "16", ""], "{result}");
        let mut set_a: Vec<i64> = serde_json::from_str(row_a[7]).unwrap();
        set_a.sort();
        assert_eq!(set_a, vec![0, 4]);
        let mut set_b: Vec<i64> = serde_json::from_str(row_b[7]).unwrap();
        set_b.sort();
        assert_eq!(set_b, vec![3, 5]);
    }

    /// The results are the same when DataFusion skips partial aggregation (each row then
    /// becomes a partial state through `convert_to_state`).
    #[tokio::test]
    async fn skipping_partial_aggregation_changes_nothing() {
        let rows = 300;
        let schema = Arc::new(Schema::new(vec![
            Field::new("g", DataType::Utf8, false),
            Field::new("t", DataType::Timestamp(TimeUnit::Nanosecond, None), true),
            Field::new("s", DataType::Utf8, true),
            Field::new("x", DataType::Int64, true),
            Field::new("d", DataType::LargeUtf8, true),
            Field::new("hit", DataType::Boolean, true),
        ]));
        let batches: Vec<RecordBatch> = (0..3)
            .map(|batch| {
                let row = |i: i64| batch * rows + i;
                let columns: Vec<ArrayRef> = vec![
                    Arc::new(StringArray::from_iter_values((0..rows).map(|i| format!("g{}", row(i) % 97)))),
                    Arc::new(TimestampNanosecondArray::from_iter(
                        (0..rows).map(|i| (row(i) % 7 != 0).then_some(row(i) % 13)),
                    )),
                    Arc::new(StringArray::from_iter(
                        (0..rows).map(|i| (row(i) % 5 != 0).then(|| format!("s{}", row(i) % 11))),
                    )),
                    Arc::new(Int64Array::from_iter((0..rows).map(|i| (row(i) % 3 != 0).then_some(row(i) % 17)))),
                    Arc::new(datafusion::arrow::array::LargeStringArray::from_iter(
                        (0..rows).map(|i| (row(i) % 4 != 0).then(|| format!(r#"{{"k{}":{}}}"#, row(i) % 6, row(i)))),
                    )),
                    Arc::new(BooleanArray::from_iter((0..rows).map(|i| (row(i) % 9 != 0).then_some(row(i) % 2 == 0)))),
                ];
                RecordBatch::try_new(Arc::clone(&schema), columns).unwrap()
            })
            .collect();
        let call = |name: &str, args: Vec<Expr>| by_name(name).call(args).alias(name);
        let aggregates = vec![
            call("kql_countif", vec![col("hit")]),
            call("kql_dcount", vec![col("s")]),
            call("kql_dcountif", vec![col("x"), col("hit")]),
            call("kql_sum", vec![col("x")]),
            call("kql_sumif", vec![col("x"), col("hit")]),
            call("kql_avg", vec![col("x")]),
            call("kql_minif", vec![col("s"), col("hit")]),
            call("kql_maxif", vec![col("t"), col("hit")]),
            call("kql_make_set", vec![col("s")]),
            call("kql_make_set_if", vec![col("x"), col("hit"), lit(100i64)]),
            call("kql_make_list", vec![col("t")]),
            call("kql_make_list_with_nulls", vec![col("x")]),
            call("kql_make_bag", vec![col("d")]),
            call("kql_arg_max", vec![col("t"), col("s")]),
            call("kql_arg_min", vec![col("t"), col("x")]),
            call("kql_take_any", vec![col("s")]),
            call("kql_take_anyif", vec![col("x"), col("hit")]),
            call("kql_percentile", vec![col("x"), lit(50.0)]),
            call("kql_variance", vec![col("x")]),
            call("kql_stdevp", vec![col("t")]),
        ];
        let mut outputs = Vec::new();
        for skip in [false, true] {
            let mut config = SessionConfig::new().with_target_partitions(2).with_batch_size(64);
            if skip {
                config = config
                    .set_usize("datafusion.execution.skip_partial_aggregation_probe_rows_threshold", 1)
                    .set_str("datafusion.execution.skip_partial_aggregation_probe_ratio_threshold", "0.0");
            }
            let ctx = SessionContext::new_with_config(config);
            let table = MemTable::try_new(Arc::clone(&schema), vec![batches.clone()]).unwrap();
            let df = ctx
                .read_table(Arc::new(table))
                .unwrap()
                .aggregate(vec![col("g")], aggregates.clone())
                .unwrap()
                .sort(vec![col("g").sort(true, true)])
                .unwrap();
            let plan = pretty_format_batches(&df.clone().explain(false, true).unwrap().collect().await.unwrap())
                .unwrap()
                .to_string();
            let skipped = plan.contains("skipped_aggregation_rows=") && !plan.contains("skipped_aggregation_rows=0");
            assert_eq!(skipped, skip, "{plan}");
            outputs.push(df.collect().await.unwrap());
        }
        // Rows reach the final aggregation in another order when partial aggregation is
        // skipped: arrays are compared as multisets, and reals to rounding.
        let cells = |batches: &[RecordBatch]| -> Vec<(String, String)> {
            let mut cells = Vec::new();
            for batch in batches {
                for (index, field) in batch.schema().fields().iter().enumerate() {
                    let column = datafusion::arrow::compute::cast(batch.column(index), &DataType::Utf8).unwrap();
                    for row in 0..batch.num_rows() {
                        let text = column.as_string::<i32>();
                        let text = if text.is_null(row) { "null".to_owned() } else { text.value(row).to_owned() };
                        cells.push((field.name().clone(), text));
                    }
                }
            }
            cells
        };
        let normalize = |(name, text): (String, String)| -> (String, String) {
            if name.starts_with("kql_make_set") || name.starts_with("kql_make_list") {
                let mut items: Vec<String> = serde_json::from_str::<Vec<serde_json::Value>>(&text)
                    .unwrap()
                    .iter()
                    .map(|v| v.to_string())
                    .collect();
                items.sort();
                (name, items.join(","))
            } else if name.starts_with("kql_make_bag") {
                // A bag's key order follows arrival order when serde_json keeps insertion order
                // (as it does when the whole workspace is built): compare the keys sorted.
                let bag: std::collections::BTreeMap<String, serde_json::Value> = serde_json::from_str(&text).unwrap();
                (name, serde_json::to_string(&bag).unwrap())
            } else if name == "kql_variance" || name == "kql_stdevp" || name == "kql_avg" {
                let value: f64 = text.parse().unwrap();
                (name, format!("{value:.9}"))
            } else {
                (name, text)
            }
        };
        let expected: Vec<_> = cells(&outputs[0]).into_iter().map(normalize).collect();
        let actual: Vec<_> = cells(&outputs[1]).into_iter().map(normalize).collect();
        assert_eq!(expected.len(), 21 * 97);
        for (expected, actual) in expected.iter().zip(&actual) {
            assert_eq!(expected, actual);
        }
    }

    /// With an `ORDER BY` on the call, `make_list` and `make_set` keep that order across
    /// partitions, also when DataFusion skips partial aggregation.
    #[tokio::test]
    async fn order_by_orders_make_list_across_partitions() {
        use datafusion::logical_expr::ExprFunctionExt;
        let partition = |times: Vec<i64>| {
            let groups: Vec<&str> = times.iter().map(|t| if t % 2 == 0 { "even" } else { "odd" }).collect();
            let names: Vec<String> = times.iter().map(|t| format!("n{t}")).collect();
            let names: Vec<&str> = names.iter().map(String::as_str).collect();
            let hits: Vec<Option<bool>> = times.iter().map(|t| Some(t % 3 != 0)).collect();
            events(groups, times.into_iter().map(Some).collect(), names, hits, 0)
        };
        let partitions = [partition(vec![9, 2, 5]), partition(vec![4, 1, 8, 7]), partition(vec![6, 3, 10])];
        let ordered = |name: &str, args: Vec<Expr>, descending: bool, alias: &str| {
            by_name(name).call(args).order_by(vec![col("t").sort(!descending, true)]).build().unwrap().alias(alias)
        };
        for skip in [false, true] {
            let mut config = SessionConfig::new().with_target_partitions(3).with_batch_size(2);
            if skip {
                config = config
                    .set_usize("datafusion.execution.skip_partial_aggregation_probe_rows_threshold", 1)
                    .set_str("datafusion.execution.skip_partial_aggregation_probe_ratio_threshold", "0.0");
            }
            let ctx = SessionContext::new_with_config(config);
            let schema = partitions[0].schema();
            let table = MemTable::try_new(schema, partitions.iter().map(|b| vec![b.clone()]).collect()).unwrap();
            let df = ctx
                .read_table(Arc::new(table))
                .unwrap()
                .aggregate(
                    vec![col("g")],
                    vec![
                        ordered("kql_make_list", vec![col("name")], false, "list"),
                        ordered("kql_make_list", vec![col("name"), lit(2i64)], true, "last_two"),
                        ordered("kql_make_list_if", vec![col("name"), col("hit")], false, "list_if"),
                        ordered("kql_make_set", vec![col("name")], true, "set_desc"),
                    ],
                )
                .unwrap()
                .sort(vec![col("g").sort(true, true)])
                .unwrap();
            let text = pretty_format_batches(&df.collect().await.unwrap()).unwrap().to_string();
            let rows: Vec<Vec<String>> = text
                .lines()
                .filter(|l| l.starts_with("| even") || l.starts_with("| odd"))
                .map(|l| l.split('|').map(|c| c.trim().to_owned()).collect())
                .collect();
            assert_eq!(rows.len(), 2, "{text}");
            // | g | list | last_two | list_if | set_desc |
            let expected = [
                [
                    "even",
                    r#"["n2","n4","n6","n8","n10"]"#,
                    r#"["n10","n8"]"#,
                    r#"["n2","n4","n8","n10"]"#,
                    r#"["n10","n8","n6","n4","n2"]"#,
                ],
                [
                    "odd",
                    r#"["n1","n3","n5","n7","n9"]"#,
                    r#"["n9","n7"]"#,
                    r#"["n1","n5","n7"]"#,
                    r#"["n9","n7","n5","n3","n1"]"#,
                ],
            ];
            for (row, expected) in rows.iter().zip(expected) {
                assert_eq!(row[1..6], expected, "skip: {skip}\n{text}");
            }
        }
    }

    /// Without `by`, an empty input still gives one row of default values.
    #[tokio::test]
    async fn empty_input_gives_default_values() {
        let ctx = SessionContext::new();
        crate::functions::register_all(&ctx);
        let schema = Arc::new(Schema::new(vec![
            Field::new("x", DataType::Int64, true),
            Field::new("hit", DataType::Boolean, true),
            Field::new("d", DataType::LargeUtf8, true),
        ]));
        let table = MemTable::try_new(schema, vec![vec![], vec![]]).unwrap();
        let call = |name: &str, args: Vec<Expr>, alias: &str| by_name(name).call(args).alias(alias);
        let df = ctx
            .read_table(Arc::new(table))
            .unwrap()
            .aggregate(
                vec![],
                vec![
                    call("kql_countif", vec![col("hit")], "countif_"),
                    call("kql_dcount", vec![col("x")], "dcount_x"),
                    call("kql_sum", vec![col("x")], "sum_x"),
                    call("kql_sumif", vec![col("x"), col("hit")], "sumif_x"),
                    call("kql_make_set", vec![col("x")], "set_x"),
                    call("kql_make_list", vec![col("x")], "list_x"),
                    call("kql_make_bag", vec![col("d")], "bag_d"),
                    call("kql_variance", vec![col("x")], "variance_x"),
                    call("kql_stdev", vec![col("x")], "stdev_x"),
                    call("kql_arg_max", vec![col("x"), col("x")], "max_x"),
                    call("kql_take_any", vec![col("x")], "any_x"),
                    call("kql_percentile", vec![col("x"), lit(50i64)], "p50"),
                ],
            )
            .unwrap();
        let text = pretty_format_batches(&df.collect().await.unwrap()).unwrap().to_string();
        let row: Vec<&str> = text.lines().nth(3).unwrap().split('|').map(str::trim).collect();
        assert_eq!(&row[1..13], ["0", "0", "0", "0", "[]", "[]", "{}", "0.0", "0.0", "", "", ""], "{text}");
    }
}
