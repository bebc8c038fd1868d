//! KQL execution: lowering the typed plan to DataFusion logical plans and the KQL function
//! library. Not implemented yet: see issue 4.
