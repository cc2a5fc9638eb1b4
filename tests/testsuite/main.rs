//! Integration tests, one binary: one module per feature, fixtures in `tests/fixtures/`.

mod changes;
mod cli;
mod commit;
mod config;
mod coverage;
mod engagements;
mod explain;
mod fatal;
mod formats;
mod golden;
mod implementations;
mod oracle;
mod pairing;
mod rejections;
mod reports;
mod robustness;
mod sample;
mod scoring;
mod support;
