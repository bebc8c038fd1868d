//! The frame shared by every KQL aggregate: argument layout, the predicate of the `_if`
//! variants, constant arguments, and the [`AggregateUDFImpl`] that DataFusion sees.
//!
//! A KQL aggregate call is laid out as
//! `name(data_1, ..., data_k [, predicate] [, constant_1, ...])`: `k` data arguments (one for
//! most aggregates, two for `arg_max`), the predicate when the aggregate is an `_if` variant,
//! then constants such as `maxSize` or the percentile. Each [`Family`] implements the
//! aggregate over its data arguments only; the frame drops the rows whose predicate is not
//! `true` (null counts as false) before the family sees them, and evaluates the constants once
//! when the accumulator is created.

use std::fmt::Debug;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

use datafusion::arrow::array::{Array, ArrayRef, BooleanArray};
use datafusion::arrow::compute::{SortOptions, and, filter, prep_null_mask_filter};
use datafusion::arrow::datatypes::{DataType, Field, FieldRef, Fields, Schema};
use datafusion::arrow::record_batch::RecordBatch;
use datafusion::common::{Result, ScalarValue, exec_err, plan_err};
use datafusion::logical_expr::function::{AccumulatorArgs, StateFieldsArgs};
use datafusion::logical_expr::utils::{AggregateOrderSensitivity, format_state_name};
use datafusion::logical_expr::{
    Accumulator, AggregateUDF, AggregateUDFImpl, ColumnarValue, EmitTo, GroupsAccumulator, Signature, Volatility,
};

/// How a constant argument is coerced.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Constant {
    /// An integer (`maxSize`, `accuracy`), passed as `Int64`.
    Long,
    /// A number (a percentile), passed as `Float64`.
    Real,
}

/// The `ORDER BY` of a call: the sort options of each key, and the fields of the keys as they
/// appear in the partial state.
#[derive(Clone, Debug)]
pub(super) struct Ordering {
    pub options: Vec<SortOptions>,
    pub keys: Fields,
}

/// The trailing constant arguments of a family: how many are required, and the kinds of all
/// that may be given.
#[derive(Clone, Copy, Debug)]
pub(super) struct Constants {
    pub required: usize,
    pub kinds: &'static [Constant],
}

impl Constants {
    pub const NONE: Constants = Constants { required: 0, kinds: &[] };
    /// One optional integer (`maxSize` of `make_set`, `accuracy` of `dcount`).
    pub const OPTIONAL_LONG: Constants = Constants { required: 0, kinds: &[Constant::Long] };
    /// One required number (the percentile of `percentile`).
    pub const REQUIRED_REAL: Constants = Constants { required: 1, kinds: &[Constant::Real] };
}

/// The behaviour of one aggregate (or a family sharing an implementation), over its data
/// arguments only.
pub(super) trait Family: Debug + Send + Sync {
    /// Number of data arguments.
    fn data_arity(&self) -> usize {
        1
    }

    /// The constants that may follow the data (and the predicate).
    fn constants(&self) -> Constants {
        Constants::NONE
    }

    /// The result type for data arguments of types `data`, or a plan error naming `name` when
    /// the types are not accepted.
    fn return_type(&self, name: &str, data: &[DataType]) -> Result<DataType>;

    /// The partial-state fields, named with `state_name`.
    fn state_fields(
        &self,
        state_name: &dyn Fn(&str) -> String,
        data: &[DataType],
        ret: &DataType,
    ) -> Result<Vec<Field>>;

    /// A fresh accumulator. `constants` holds the evaluated constant arguments that were given.
    fn accumulator(
        &self,
        name: &str,
        data: &[DataType],
        constants: &[ScalarValue],
        ret: &DataType,
    ) -> Result<Box<dyn Accumulator>>;

    /// Whether [`Family::groups_accumulator`] handles data arguments of types `data`.
    /// DataFusion falls back to one [`Accumulator`] per group otherwise, which is slower,
    /// much slower when it skips partial aggregation for many groups.
    fn supports_groups(&self, _data: &[DataType]) -> bool {
        false
    }

    /// A [`GroupsAccumulator`] (called only when [`Family::supports_groups`]). `args` are
    /// the arguments of the whole call; the accumulator is given the data arguments only, and
    /// the rows to skip (predicate false, or `FILTER`) as the `opt_filter` of `update_batch`
    /// and `convert_to_state`.
    fn groups_accumulator(
        &self,
        name: &str,
        _args: &AccumulatorArgs,
        _data: &[DataType],
        _constants: &[ScalarValue],
    ) -> Result<Box<dyn GroupsAccumulator>> {
        plan_err!("{name}() has no groups accumulator")
    }

    /// Whether the result depends on the order of the rows (`make_list`, `make_set`): then an
    /// `ORDER BY` on the call is honoured across partitions (see
    /// [`Family::ordered_accumulator`]); other aggregates ignore it.
    fn order_sensitive(&self) -> bool {
        false
    }

    /// An accumulator for a call with `ORDER BY` (only when [`Family::order_sensitive`]). It
    /// receives the data arguments followed by the ordering columns, and its partial state is
    /// that of [`Family::state_fields`] followed by a list of the ordering keys (structs of
    /// `order.keys`), one per element of its first state field.
    fn ordered_accumulator(
        &self,
        name: &str,
        _data: &[DataType],
        _constants: &[ScalarValue],
        _ret: &DataType,
        _order: Ordering,
    ) -> Result<Box<dyn Accumulator>> {
        plan_err!("{name}() does not take an ORDER BY")
    }

    /// The type an untyped null data argument is read as (`summarize sum(null)`).
    fn null_type(&self) -> DataType {
        DataType::Int64
    }

    /// The value for a group that saw no rows (Kusto's "default value of the aggregation").
    fn default_value(&self, ret: &DataType) -> Result<ScalarValue> {
        ScalarValue::try_from(ret)
    }
}

/// A KQL aggregate as a DataFusion [`AggregateUDFImpl`].
#[derive(Debug)]
pub(super) struct KqlAggregate {
    name: &'static str,
    family: &'static dyn Family,
    conditional: bool,
    signature: Signature,
}

/// The aggregate `name` implemented by `family`; `conditional` adds the predicate argument of
/// an `_if` variant after the data arguments.
pub(super) fn udaf(name: &'static str, family: &'static dyn Family, conditional: bool) -> AggregateUDF {
    AggregateUDF::new_from_impl(KqlAggregate {
        name,
        family,
        conditional,
        signature: Signature::user_defined(Volatility::Immutable),
    })
}

impl PartialEq for KqlAggregate {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name
    }
}

impl Eq for KqlAggregate {}

impl Hash for KqlAggregate {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.name.hash(state);
    }
}

impl KqlAggregate {
    fn data_arity(&self) -> usize {
        self.family.data_arity()
    }

    fn data_types(&self, args: &AccumulatorArgs) -> Vec<DataType> {
        args.expr_fields.iter().take(self.data_arity()).map(|f| f.data_type().clone()).collect()
    }

    /// The constant arguments, evaluated.
    fn constants(&self, args: &AccumulatorArgs) -> Result<Vec<ScalarValue>> {
        let mut constants = Vec::new();
        for (i, expr) in args.exprs.iter().enumerate().skip(self.constants_start()) {
            let batch = RecordBatch::new_empty(Arc::new(Schema::empty()));
            match expr.evaluate(&batch) {
                Ok(ColumnarValue::Scalar(value)) => constants.push(value),
                _ => return plan_err!("{}(): argument {} must be a constant", self.name, i + 1),
            }
        }
        Ok(constants)
    }

    /// Index of the first constant argument.
    fn constants_start(&self) -> usize {
        self.data_arity() + usize::from(self.conditional)
    }

    fn arity_error<T>(&self, given: usize) -> Result<T> {
        let constants = self.family.constants();
        let least = self.constants_start() + constants.required;
        let most = self.constants_start() + constants.kinds.len();
        let expected = if least == most { format!("{least}") } else { format!("{least} to {most}") };
        plan_err!("{}() expects {expected} arguments, got {given}", self.name)
    }
}

impl AggregateUDFImpl for KqlAggregate {
    fn name(&self) -> &str {
        self.name
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn coerce_types(&self, arg_types: &[DataType]) -> Result<Vec<DataType>> {
        let start = self.constants_start();
        let constants = self.family.constants();
        if arg_types.len() < start + constants.required || arg_types.len() > start + constants.kinds.len() {
            return self.arity_error(arg_types.len());
        }
        let mut coerced = Vec::with_capacity(arg_types.len());
        for ty in &arg_types[..self.data_arity()] {
            coerced.push(if *ty == DataType::Null { self.family.null_type() } else { ty.clone() });
        }
        if self.conditional {
            match &arg_types[self.data_arity()] {
                DataType::Boolean | DataType::Null => coerced.push(DataType::Boolean),
                other => return plan_err!("{}(): the predicate must be a bool, got {other}", self.name),
            }
        }
        for (ty, kind) in arg_types[start..].iter().zip(constants.kinds) {
            coerced.push(match kind {
                Constant::Long if ty.is_integer() || *ty == DataType::Null => DataType::Int64,
                Constant::Real if ty.is_numeric() || *ty == DataType::Null => DataType::Float64,
                _ => return plan_err!("{}(): expected a {} constant, got {ty}", self.name, kind_name(*kind)),
            });
        }
        self.family.return_type(self.name, &coerced[..self.data_arity()])?;
        Ok(coerced)
    }

    fn return_type(&self, arg_types: &[DataType]) -> Result<DataType> {
        if arg_types.len() < self.data_arity() {
            return self.arity_error(arg_types.len());
        }
        self.family.return_type(self.name, &arg_types[..self.data_arity()])
    }

    fn state_fields(&self, args: StateFieldsArgs) -> Result<Vec<FieldRef>> {
        let data: Vec<DataType> =
            args.input_fields.iter().take(self.data_arity()).map(|f| f.data_type().clone()).collect();
        let name = args.name;
        let state_name = |part: &str| format_state_name(name, part);
        let mut fields = self.family.state_fields(&state_name, &data, args.return_field.data_type())?;
        if self.family.order_sensitive() && !args.ordering_fields.is_empty() {
            // The ordering keys of each element, so that partial results merge in order.
            let keys = DataType::Struct(Fields::from(args.ordering_fields.to_vec()));
            fields.push(Field::new(
                state_name("orderings"),
                DataType::List(Arc::new(Field::new_list_field(keys, true))),
                true,
            ));
        }
        Ok(fields.into_iter().map(FieldRef::from).collect())
    }

    fn order_sensitivity(&self) -> AggregateOrderSensitivity {
        if self.family.order_sensitive() {
            AggregateOrderSensitivity::HardRequirement
        } else {
            AggregateOrderSensitivity::Insensitive
        }
    }

    fn accumulator(&self, acc_args: AccumulatorArgs) -> Result<Box<dyn Accumulator>> {
        let arity = self.data_arity();
        if acc_args.expr_fields.len() < self.constants_start() {
            return self.arity_error(acc_args.expr_fields.len());
        }
        let data = self.data_types(&acc_args);
        let constants = self.constants(&acc_args)?;
        let ret = acc_args.return_field.data_type();
        if self.family.order_sensitive() && !acc_args.order_bys.is_empty() {
            let mut keys = Vec::with_capacity(acc_args.order_bys.len());
            for sort in acc_args.order_bys {
                // Named as DataFusion names the ordering fields of the partial state.
                keys.push(Field::new(sort.expr.to_string(), sort.expr.data_type(acc_args.schema)?, true));
            }
            let order =
                Ordering { options: acc_args.order_bys.iter().map(|sort| sort.options).collect(), keys: keys.into() };
            let inner = self.family.ordered_accumulator(self.name, &data, &constants, ret, order)?;
            let ordering = Some(acc_args.exprs.len());
            return Ok(Box::new(ArgsAccumulator { inner, data: arity, conditional: self.conditional, ordering }));
        }
        let inner = self.family.accumulator(self.name, &data, &constants, ret)?;
        Ok(Box::new(ArgsAccumulator { inner, data: arity, conditional: self.conditional, ordering: None }))
    }

    fn groups_accumulator_supported(&self, args: AccumulatorArgs) -> bool {
        (args.order_bys.is_empty() || !self.family.order_sensitive())
            && args.expr_fields.len() >= self.constants_start()
            && self.family.supports_groups(&self.data_types(&args))
    }

    fn create_groups_accumulator(&self, args: AccumulatorArgs) -> Result<Box<dyn GroupsAccumulator>> {
        if args.expr_fields.len() < self.constants_start() {
            return self.arity_error(args.expr_fields.len());
        }
        let data = self.data_types(&args);
        let constants = self.constants(&args)?;
        let inner = self.family.groups_accumulator(self.name, &args, &data, &constants)?;
        Ok(Box::new(ArgsGroupsAccumulator { inner, data: self.data_arity(), conditional: self.conditional }))
    }

    fn default_value(&self, data_type: &DataType) -> Result<ScalarValue> {
        self.family.default_value(data_type)
    }
}

fn kind_name(kind: Constant) -> &'static str {
    match kind {
        Constant::Long => "long",
        Constant::Real => "real",
    }
}

/// Hands a family's accumulator its data arguments only, keeping the rows whose predicate is
/// `true` for an `_if` variant.
#[derive(Debug)]
struct ArgsAccumulator {
    inner: Box<dyn Accumulator>,
    data: usize,
    conditional: bool,
    /// Index of the first `ORDER BY` column among the values (after all the arguments), which
    /// the inner accumulator receives after the data arguments.
    ordering: Option<usize>,
}

impl Accumulator for ArgsAccumulator {
    fn update_batch(&mut self, values: &[ArrayRef]) -> Result<()> {
        if values.len() < self.data + usize::from(self.conditional) {
            return exec_err!("aggregate received {} arguments, expected at least {}", values.len(), self.data);
        }
        let mut data = values[..self.data].to_vec();
        if let Some(start) = self.ordering {
            data.extend(values.iter().skip(start).cloned());
        }
        if !self.conditional {
            return self.inner.update_batch(&data);
        }
        let mask = predicate_mask(&values[self.data])?;
        let kept = mask.true_count();
        if kept == 0 {
            Ok(())
        } else if kept == mask.len() {
            self.inner.update_batch(&data)
        } else {
            let filtered = data.iter().map(|array| filter(array, &mask)).collect::<std::result::Result<Vec<_>, _>>()?;
            self.inner.update_batch(&filtered)
        }
    }

    fn evaluate(&mut self) -> Result<ScalarValue> {
        self.inner.evaluate()
    }

    fn size(&self) -> usize {
        std::mem::size_of_val(self) + self.inner.size()
    }

    fn state(&mut self) -> Result<Vec<ScalarValue>> {
        self.inner.state()
    }

    fn merge_batch(&mut self, states: &[ArrayRef]) -> Result<()> {
        self.inner.merge_batch(states)
    }
}

/// Hands a family's groups accumulator its data arguments only, with the predicate of an `_if`
/// variant folded into the filter.
struct ArgsGroupsAccumulator {
    inner: Box<dyn GroupsAccumulator>,
    data: usize,
    conditional: bool,
}

impl ArgsGroupsAccumulator {
    /// The rows to aggregate: `opt_filter` (null is false) and the predicate, if any.
    fn filter(&self, values: &[ArrayRef], opt_filter: Option<&BooleanArray>) -> Result<Option<BooleanArray>> {
        let opt_filter = opt_filter.map(|f| if f.null_count() > 0 { prep_null_mask_filter(f) } else { f.clone() });
        if !self.conditional {
            return Ok(opt_filter);
        }
        let mask = predicate_mask(&values[self.data])?;
        Ok(Some(match opt_filter {
            Some(f) => and(&f, &mask)?,
            None => mask,
        }))
    }
}

impl GroupsAccumulator for ArgsGroupsAccumulator {
    fn update_batch(
        &mut self,
        values: &[ArrayRef],
        group_indices: &[usize],
        opt_filter: Option<&BooleanArray>,
        total_num_groups: usize,
    ) -> Result<()> {
        let filter = self.filter(values, opt_filter)?;
        self.inner.update_batch(&values[..self.data], group_indices, filter.as_ref(), total_num_groups)
    }

    fn evaluate(&mut self, emit_to: EmitTo) -> Result<ArrayRef> {
        self.inner.evaluate(emit_to)
    }

    fn state(&mut self, emit_to: EmitTo) -> Result<Vec<ArrayRef>> {
        self.inner.state(emit_to)
    }

    fn merge_batch(&mut self, values: &[ArrayRef], group_indices: &[usize], total_num_groups: usize) -> Result<()> {
        self.inner.merge_batch(values, group_indices, total_num_groups)
    }

    fn convert_to_state(&self, values: &[ArrayRef], opt_filter: Option<&BooleanArray>) -> Result<Vec<ArrayRef>> {
        let filter = self.filter(values, opt_filter)?;
        self.inner.convert_to_state(&values[..self.data], filter.as_ref())
    }

    fn size(&self) -> usize {
        size_of_val(self) + self.inner.size()
    }
}

/// The rows of a batch to aggregate: `(row, group)` for each row that `filter` keeps.
pub(super) fn kept_rows<'a>(
    group_indices: &'a [usize],
    filter: Option<&'a BooleanArray>,
) -> impl Iterator<Item = (usize, usize)> + 'a {
    group_indices
        .iter()
        .enumerate()
        .filter(move |(row, _)| filter.is_none_or(|f| f.is_valid(*row) && f.value(*row)))
        .map(|(row, group)| (row, *group))
}

/// `array` with the rows that `filter` drops set to null (partial states of skipped rows).
pub(super) fn null_unless_kept(array: &ArrayRef, filter: Option<&BooleanArray>) -> Result<ArrayRef> {
    match filter {
        None => Ok(Arc::clone(array)),
        Some(filter) => {
            let filter = if filter.null_count() > 0 { prep_null_mask_filter(filter) } else { filter.clone() };
            Ok(datafusion::arrow::compute::nullif(array, &datafusion::arrow::compute::not(&filter)?)?)
        }
    }
}

/// Whether `filter` keeps `row`.
pub(super) fn keeps(filter: Option<&BooleanArray>, row: usize) -> bool {
    filter.is_none_or(|f| f.is_valid(row) && f.value(row))
}

/// The rows where `predicate` is `true`, with null read as `false`.
pub(super) fn predicate_mask(predicate: &ArrayRef) -> Result<BooleanArray> {
    match predicate.data_type() {
        DataType::Boolean => {
            let mask = predicate.as_any().downcast_ref::<BooleanArray>().expect("checked type");
            Ok(if mask.null_count() > 0 { prep_null_mask_filter(mask) } else { mask.clone() })
        }
        DataType::Null => Ok(BooleanArray::from(vec![false; predicate.len()])),
        other => exec_err!("the predicate of an aggregate must be a bool, got {other}"),
    }
}

/// The integer value of constant `index` of `constants`, `default` when it was not given or
/// is null.
pub(super) fn long_constant(name: &str, constants: &[ScalarValue], index: usize, default: i64) -> Result<i64> {
    match constants.get(index) {
        None => Ok(default),
        Some(value) if value.is_null() => Ok(default),
        Some(value) => match value.cast_to(&DataType::Int64) {
            Ok(ScalarValue::Int64(Some(v))) => Ok(v),
            _ => plan_err!("{name}(): expected an integer constant, got {value}"),
        },
    }
}

/// The numeric value of constant `index` of `constants`.
pub(super) fn real_constant(name: &str, constants: &[ScalarValue], index: usize) -> Result<Option<f64>> {
    match constants.get(index) {
        None => Ok(None),
        Some(value) if value.is_null() => Ok(None),
        Some(value) => match value.cast_to(&DataType::Float64) {
            Ok(ScalarValue::Float64(Some(v))) => Ok(Some(v)),
            _ => plan_err!("{name}(): expected a numeric constant, got {value}"),
        },
    }
}
