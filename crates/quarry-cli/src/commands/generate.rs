//! `quarry gen`: synthetic Defender telemetry with planted RMM activity.

use anyhow::Context;
use quarry_gen::{GenOptions, PlantSpec, Table};

use crate::Outcome;
use crate::args::GenArgs;

const DAY_NS: i64 = 86_400 * 1_000_000_000;

/// Runs `quarry gen`.
pub fn run(args: GenArgs) -> anyhow::Result<Outcome> {
    let plant = match &args.plant {
        Some(path) => PlantSpec::load(path)?,
        None => PlantSpec::default(),
    };
    let options = GenOptions {
        out: args.out.clone(),
        events: args.events,
        devices: args.devices,
        seed: args.seed,
        start: args.start.unwrap_or(args.end - 14 * DAY_NS),
        end: args.end,
        format: args.format.into(),
        plant,
        tools: quarry_hunt::catalog::builtin().tools().to_vec(),
        threads: args.threads,
    };
    let started = std::time::Instant::now();
    let summary = quarry_gen::generate(&options).with_context(|| format!("quarry gen into {}", args.out.display()))?;
    if !args.quiet {
        let total: u64 = summary.rows.iter().sum();
        let secs = started.elapsed().as_secs_f64();
        eprintln!(
            "quarry gen: {total} rows in {} files under {} ({:.0} rows/s)",
            summary.files.len(),
            args.out.display(),
            total as f64 / secs.max(1e-9)
        );
        for table in Table::ALL {
            eprintln!("  {:<27} {:>12}", table.name(), summary.rows[table.index()]);
        }
        eprintln!(
            "  planted: {} tools on {} devices; {} decoy-only devices; ground truth in {}",
            summary.planted_tools,
            summary.planted_devices,
            summary.decoy_devices,
            summary.ground_truth.display()
        );
        eprintln!("  hunt it: quarry hunt --data {} --now {}", args.out.display(), quarry_gen::time::iso(options.end));
    }
    Ok(Outcome::Clean)
}
