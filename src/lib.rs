/*!
uc-readiness: interoperability readiness of a UC vendor's partners, optimal pairs of
infrastructure and telephony partners per region, the install base they cover and the
gaps that remain.

The pipeline runs one way through its stages, each a module taking the previous stage's
typed output: [`config`] → [`ingest`] (with validation) → score → pair → coverage → plan → report.
The binary (`main.rs`) only parses the command line and calls [`commands::run`].
*/

pub mod cli;
pub mod commands;
pub mod config;
pub mod coverage;
pub mod explain;
pub mod format;
pub mod ingest;
pub mod pair;
pub mod pipeline;
pub mod plan;
pub mod report;
pub mod sample;
pub mod score;
pub mod settings;
