//! `minif(expr, predicate)` and `maxif(expr, predicate)`: the least or greatest value of
//! `expr` over the rows where the predicate is `true`.
//!
//! Kusto: <https://learn.microsoft.com/en-us/kusto/query/minif-aggregation-function> and
//! <https://learn.microsoft.com/en-us/kusto/query/maxif-aggregation-function>.
//!
//! Null values are ignored; with no values the result is null. The result has the type of
//! `expr`. Ordering is DataFusion's `min`/`max` (which the planner uses for plain `min()` and
//! `max()`, whose meaning is the same as Kusto's), so `minif(x, true) == min(x)` always. Like
//! those, a null `string` is skipped rather than read as `""`.

use datafusion::arrow::datatypes::{DataType, Field};
use datafusion::common::{Result, ScalarValue, plan_err};
use datafusion::functions_aggregate::min_max::{MaxAccumulator, MinAccumulator, max_udaf, min_udaf};
use datafusion::logical_expr::function::AccumulatorArgs;
use datafusion::logical_expr::{Accumulator, GroupsAccumulator};

use super::udaf::Family;

/// `kql_minif(x, pred)` and `kql_maxif(x, pred)`, returning the type of `x`.
#[derive(Debug)]
pub(super) struct Extreme {
    pub max: bool,
}

fn orderable(ty: &DataType) -> bool {
    ty.is_numeric()
        || matches!(
            ty,
            DataType::Boolean
                | DataType::Utf8
                | DataType::Utf8View
                | DataType::LargeUtf8
                | DataType::Timestamp(..)
                | DataType::Duration(_)
                | DataType::Date32
                | DataType::Date64
        )
}

impl Family for Extreme {
    fn return_type(&self, name: &str, data: &[DataType]) -> Result<DataType> {
        if orderable(&data[0]) {
            Ok(data[0].clone())
        } else {
            plan_err!("{name}(): values of type {} cannot be ordered", data[0])
        }
    }

    fn state_fields(&self, state_name: &dyn Fn(&str) -> String, data: &[DataType], _: &DataType) -> Result<Vec<Field>> {
        Ok(vec![Field::new(state_name(if self.max { "max" } else { "min" }), data[0].clone(), true)])
    }

    fn accumulator(&self, _: &str, data: &[DataType], _: &[ScalarValue], _: &DataType) -> Result<Box<dyn Accumulator>> {
        Ok(if self.max {
            Box::new(MaxAccumulator::try_new(&data[0])?)
        } else {
            Box::new(MinAccumulator::try_new(&data[0])?)
        })
    }

    fn supports_groups(&self, data: &[DataType]) -> bool {
        // DataFusion's `min`/`max` groups accumulators take every orderable type but `bool`.
        orderable(&data[0]) && data[0] != DataType::Boolean
    }

    fn groups_accumulator(
        &self,
        _: &str,
        args: &AccumulatorArgs,
        _: &[DataType],
        _: &[ScalarValue],
    ) -> Result<Box<dyn GroupsAccumulator>> {
        // DataFusion's own, over the data argument only; the predicate is the filter.
        let data_only =
            AccumulatorArgs { exprs: &args.exprs[..1], expr_fields: &args.expr_fields[..1], ..args.clone() };
        if self.max { max_udaf() } else { min_udaf() }.create_groups_accumulator(data_only)
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;
    use datafusion::arrow::array::{BooleanArray, Int64Array, StringArray, TimestampNanosecondArray};
    use datafusion::common::ScalarValue;
    use std::sync::Arc;

    fn with_predicate(values: Arc<dyn datafusion::arrow::array::Array>, keep: Vec<Option<bool>>) -> Vec<Arg> {
        vec![Arg::Column(values), Arg::Column(Arc::new(BooleanArray::from(keep)))]
    }

    #[test]
    fn extremes_over_rows_where_the_predicate_holds() {
        let min = super::super::by_name("kql_minif");
        let max = super::super::by_name("kql_maxif");
        let first = with_predicate(
            Arc::new(Int64Array::from(vec![Some(5), Some(1), None, Some(9)])),
            vec![Some(true), Some(false), Some(true), None],
        );
        let second = with_predicate(Arc::new(Int64Array::from(vec![3, 100])), vec![Some(true), Some(false)]);
        assert_eq!(merged(&min, &first, &second), ScalarValue::Int64(Some(3)));
        assert_eq!(merged(&max, &first, &second), ScalarValue::Int64(Some(5)));
    }

    #[test]
    fn groups_agree_with_single_accumulators() {
        let args = with_predicate(
            Arc::new(Int64Array::from(vec![Some(5), Some(1), None, Some(9), Some(-3), Some(4), Some(2)])),
            vec![Some(true), Some(false), Some(true), None, Some(true), Some(true), Some(true)],
        );
        for name in ["kql_minif", "kql_maxif"] {
            groups_agree(&super::super::by_name(name), &args, &args);
        }
        let strings = with_predicate(
            Arc::new(StringArray::from(vec![Some("b"), None, Some("a"), Some("c")])),
            vec![Some(true), Some(true), Some(true), Some(true)],
        );
        groups_agree(&super::super::by_name("kql_maxif"), &strings, &[]);
    }

    #[test]
    fn no_matching_rows_give_null_of_the_type() {
        let min = super::super::by_name("kql_minif");
        let args = with_predicate(Arc::new(TimestampNanosecondArray::from(vec![1, 2])), vec![Some(false), None]);
        assert_eq!(merged(&min, &args, &[]), ScalarValue::TimestampNanosecond(None, None));
    }

    #[test]
    fn strings_order_lexically() {
        let max = super::super::by_name("kql_maxif");
        let args = with_predicate(
            Arc::new(StringArray::from(vec![Some("b"), None, Some("a")])),
            vec![Some(true), Some(true), Some(true)],
        );
        assert_eq!(merged(&max, &args, &args), ScalarValue::Utf8(Some("b".into())));
    }
}
