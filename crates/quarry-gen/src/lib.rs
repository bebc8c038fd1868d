//! Synthetic Defender XDR telemetry for trying and benchmarking Quarry without real data.
