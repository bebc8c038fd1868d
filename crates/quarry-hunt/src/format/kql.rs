//! `.kql`, `.csl` and `.kusto` files: the whole file is the query.

use std::sync::Arc;

use super::Extracted;
use crate::origin::FileText;
use crate::source::slice_origin;

pub(crate) fn extract(file: &Arc<FileText>) -> Result<Extracted, String> {
    let query = file.text();
    if query.trim().is_empty() {
        return Err("the file is empty".to_string());
    }
    Ok(Extracted {
        rule_id: None,
        name: None,
        query: query.to_string(),
        origin: slice_origin(file, 0),
        notes: Vec::new(),
        metadata: None,
    })
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use crate::{Position, SourceFormat, load_text};

    #[test]
    fn whole_file_is_the_query() {
        let text = "// Hunt for a made-up agent\nDeviceProcessEvents\n| where FileName =~ \"zz-agent.exe\"\n";
        let source = load_text(Path::new("agent.kql"), text, SourceFormat::Kql).unwrap();
        assert_eq!(source.query, text);
        assert_eq!(source.rule_id, None);
        assert_eq!(source.name, None);
        let at = text.find("FileName").unwrap();
        assert_eq!(source.origin.position(at), Position { line: 3, column: 9 });
    }

    #[test]
    fn empty_file_has_no_query() {
        let err = load_text(Path::new("e.kql"), " \n\n", SourceFormat::Kql).unwrap_err();
        assert_eq!(err.code(), "QH002");
        assert_eq!(err.to_string(), "e.kql: no query found: the file is empty");
    }
}
