//! KQL dynamic functions: member access, arrays, sets, property bags, and the element lists
//! behind `mv-expand`. Dynamic values are JSON text in `LargeUtf8` columns (see [`json`]).

pub(crate) mod arrays;
pub(crate) mod bags;
pub(crate) mod expand;
pub(crate) mod get;
pub(crate) mod json;
pub(crate) mod jsonpath;
mod make_series;
pub(crate) mod series;
pub(crate) mod sets;
mod xml;

use datafusion::logical_expr::ScalarUDF;

/// Every function of this group.
pub fn all() -> Vec<ScalarUDF> {
    let mut all = vec![
        get::kql_dynamic_get(),
        arrays::kql_array_length(),
        arrays::kql_array_sum(),
        arrays::kql_array_concat(),
        arrays::kql_array_slice(),
        arrays::kql_array_reverse(),
        arrays::kql_array_sort_asc(),
        arrays::kql_array_sort_desc(),
        arrays::kql_zip(),
        arrays::kql_strcat_array(),
        sets::kql_set_has_element(),
        sets::kql_array_index_of(),
        sets::kql_set_union(),
        sets::kql_set_intersect(),
        sets::kql_set_difference(),
        sets::kql_jaccard_index(),
        bags::kql_pack_array(),
        bags::kql_bag_keys(),
        bags::kql_bag_has_key(),
        bags::kql_bag_merge(),
        bags::kql_bag_remove_keys(),
        bags::kql_bag_set_key(),
        bags::kql_bag_zip(),
        series::kql_range(),
        series::kql_repeat(),
        expand::kql_json_array_elements(),
        expand::kql_bag_entries(),
        make_series::kql_series_fill(),
        xml::kql_parse_xml(),
    ];
    all.extend(bags::kql_bag_pack());
    all.extend(jsonpath::kql_extract_json());
    all
}
