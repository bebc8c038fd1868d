//! Telemetry readers (Defender and Sentinel exports, Sysmon EVTX) and the Parquet store.
//! Not implemented yet: see issue 5.
