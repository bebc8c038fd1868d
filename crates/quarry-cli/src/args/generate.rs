//! Arguments of `quarry gen`.

use std::path::PathBuf;

use clap::ValueEnum;

/// Arguments of `quarry gen`.
#[derive(Debug, clap::Args)]
pub struct GenArgs {
    /// Folder to write into (created; must be empty if it exists).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,

    /// Rows to write in all, across the seven tables (planted rows included).
    #[arg(long, value_name = "N", default_value_t = 100_000)]
    pub events: u64,

    /// Devices in the fleet.
    #[arg(long, value_name = "D", default_value_t = 50)]
    pub devices: usize,

    /// Seed; the same arguments give byte-identical output.
    #[arg(long, value_name = "S", default_value_t = 1)]
    pub seed: u64,

    /// First instant of the data (UTC), e.g. 2024-05-01T00:00:00Z [default: --end minus 14 days].
    #[arg(long, value_name = "TIME", value_parser = parse_time)]
    pub start: Option<i64>,

    /// End of the data (UTC, exclusive); hunt with `--now` set to it.
    #[arg(long, value_name = "TIME", value_parser = parse_time, default_value = "2024-06-01T00:00:00Z")]
    pub end: i64,

    /// Layout: Parquet by table and day (store), NDJSON per table, or the Defender
    /// streaming-API Storage layout.
    #[arg(long, value_enum, default_value_t = GenFormat::Store, value_name = "FORMAT")]
    pub format: GenFormat,

    /// What to plant: a JSON file (see `quarry gen --help` and the README); default: 5% of
    /// devices get 1-3 tools from the built-in catalogue.
    #[arg(long, value_name = "FILE")]
    pub plant: Option<PathBuf>,

    /// Tables generated at once, one per thread (0: one per core). The output is the same
    /// whatever the number.
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub threads: usize,

    /// Print nothing but errors.
    #[arg(short, long)]
    pub quiet: bool,
}

/// Spellings of `quarry gen --format`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum GenFormat {
    /// Parquet per table and day: `<Table>/day=YYYY-MM-DD/part-00000.parquet`.
    Store,
    /// One NDJSON file per table: `<Table>.json`.
    Ndjson,
    /// `insights-logs-advancedhunting-<table>/tenantId=<id>/y=/m=/d=/h=/m=00/PT1H.json`.
    Streaming,
}

fn parse_time(text: &str) -> Result<i64, String> {
    kql_engine::plan::literal::parse_datetime(text)
        .ok_or_else(|| format!("`{text}` is not a datetime; write it like 2024-05-01T12:00:00Z"))
}

impl From<GenFormat> for quarry_gen::Format {
    fn from(format: GenFormat) -> Self {
        match format {
            GenFormat::Store => quarry_gen::Format::Store,
            GenFormat::Ndjson => quarry_gen::Format::Ndjson,
            GenFormat::Streaming => quarry_gen::Format::Streaming,
        }
    }
}
