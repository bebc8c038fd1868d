use std::time::Instant;
fn main() {
    let path = std::env::args().nth(1).unwrap();
    let tables = quarry_data::discover(std::path::Path::new(&path)).unwrap();
    let t0 = Instant::now();
    let t =
        quarry_data::read_table(&tables[0], kql_semantics::SchemaCatalog::defender_ref(), &Default::default()).unwrap();
    let el = t0.elapsed();
    let bytes = std::fs::metadata(&path).unwrap().len();
    println!(
        "{} rows, {} cols, {} rejected, {:?}, {:.0} MB/s",
        t.rows,
        t.schema.fields().len(),
        t.rejected_count,
        el,
        bytes as f64 / 1e6 / el.as_secs_f64()
    );
}
