//! Stage-by-stage benchmark of the whole `report` pipeline.
//!
//! ```sh
//! cargo bench --bench pipeline            # S, M, L, LV15 and LV, each in its own process
//! cargo bench --bench pipeline -- L       # one size
//! cargo bench --bench pipeline -- DIR     # any dataset folder
//! ```
//!
//! Sizes: S is `data/sample`; M (10,000 partners, 500,000 installs, 12 regions) and L
//! (50,000 partners, 2,000,000 installs, 16 regions) are generated once by the sample
//! generator into `target/bench-data/`; LV is L with `--variety 1`, partners far less
//! alike (many more distinct skill profiles per region, fewer interchangeable partners),
//! and LV15 is L with `--variety 0.15`, the variety at which the build before the
//! cost-scaling solver paired as slowly as issue 17's dataset from another generator
//! (0.5 s; benches/RESULTS.md). Each size runs in a fresh process so that the
//! reported peak memory (the process's high-water mark after its first run) belongs to
//! that size alone. Wall times are the best of `UC_BENCH_RUNS` runs (default 3). This
//! measures; it asserts nothing.

use std::path::{Path, PathBuf};

// The binary's allocator, so that the figures are the binary's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::time::Instant;

use uc_readiness::config::Config;
use uc_readiness::ingest;
use uc_readiness::pipeline::{self, HistorySource, Inputs, Scope, Watch, peak_memory_mb, stage};
use uc_readiness::report::history::{self, History};
use uc_readiness::report::output::OutputDir;
use uc_readiness::report::{self, Formats, model, render};
use uc_readiness::sample::{SampleSpec, write};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn dataset(size: &str) -> PathBuf {
    let spec = match size {
        "S" => return root().join("data/sample"),
        "M" => (10_000, 500_000, 12, 0.0),
        "L" => (50_000, 2_000_000, 16, 0.0),
        "LV15" => (50_000, 2_000_000, 16, 0.15),
        "LV" => (50_000, 2_000_000, 16, 1.0),
        dir => return PathBuf::from(dir),
    };
    let dir = root().join("target/bench-data").join(size);
    if !dir.join("readiness.toml").exists() {
        eprintln!("generating {size} into {}", dir.display());
        let spec = SampleSpec {
            partners: spec.0,
            installs: spec.1,
            regions: spec.2,
            seed: 1,
            dirty: 0.001,
            variety: spec.3,
        };
        write(&spec, &dir).expect("sample generation");
    }
    dir
}

/// Records each stage's wall time.
#[derive(Default)]
struct Laps {
    started: Option<Instant>,
    times: Vec<(&'static str, f64)>,
}

impl Watch for Laps {
    fn start(&mut self, _: &'static str) {
        self.started = Some(Instant::now());
    }

    fn done(&mut self, stage: &'static str) {
        let t = self.started.take().expect("started");
        self.times.push((stage, t.elapsed().as_secs_f64() * 1e3));
    }
}

/// One full run, through the same library calls as the `report` command; returns the
/// wall time of each stage in ms.
fn run_once(dir: &Path, out: &Path) -> Vec<(&'static str, f64)> {
    let config = Config::load(&dir.join("readiness.toml")).expect("config");
    let as_of = config
        .report
        .as_of
        .expect("the dataset fixes its as-of date");
    let mut laps = Laps::default();
    let ingested = stage(&mut laps, "ingest+validate", || {
        ingest::load(dir, &config, as_of)
    })
    .expect("ingest");
    let templates = render::Templates::load(None).expect("templates");
    let (out_dir, _) = OutputDir::lock(out).expect("output folder");
    let history = HistorySource::Read(History::load(out_dir.path(), as_of));
    let staging = out_dir.stage(&as_of.to_string()).expect("staging folder");
    let inputs = Inputs {
        scope: Scope::all(&ingested.dataset),
        ingested,
        config,
        config_sha256: String::new(),
        as_of,
        history,
    };
    let run = pipeline::run(inputs, &mut laps).expect("pipeline");
    let formats = Formats {
        html: true,
        md: true,
        csv: true,
        json: true,
        parquet: false,
    };
    stage(&mut laps, "model+render+csv", || {
        let m = model::build(&run, None);
        report::write_run(&templates, &run, &m, &staging.path(), formats).expect("outputs");
        staging
            .put_history(&history::snapshot_files(&m.snapshot).expect("snapshot"))
            .expect("snapshot");
    });
    stage(&mut laps, "commit", || staging.commit().expect("commit"));
    laps.times
}

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    let sizes: Vec<String> = if args.is_empty() {
        ["S", "M", "L", "LV15", "LV"].map(String::from).to_vec()
    } else {
        args
    };
    if sizes.len() > 1 {
        // One process per size, so each peak-memory figure is its own.
        let exe = std::env::current_exe().expect("own path");
        for s in &sizes {
            let status = std::process::Command::new(&exe)
                .arg(s)
                .status()
                .expect("run a size");
            assert!(status.success(), "size {s} failed");
        }
        return;
    }
    let size = &sizes[0];
    let dir = dataset(size);
    let runs: usize = std::env::var("UC_BENCH_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(3);
    let out = tempfile::tempdir().expect("temp dir");
    let mut best: Vec<(&str, f64)> = Vec::new();
    let mut best_total = f64::INFINITY;
    let mut first_peak = f64::NAN;
    for i in 0..runs.max(1) {
        let times = run_once(&dir, out.path());
        if i == 0 {
            first_peak = peak_memory_mb().unwrap_or(f64::NAN);
        }
        let total: f64 = times.iter().map(|t| t.1).sum();
        if total < best_total {
            best_total = total;
            best = times;
        }
    }
    println!(
        "\n{size}: {} (best of {runs}, {} threads)",
        dir.display(),
        rayon::current_num_threads()
    );
    for (stage, ms) in &best {
        println!("  {stage:<16} {ms:>9.1} ms");
    }
    println!("  {:<16} {best_total:>9.1} ms", "total");
    // The first run's high-water mark is what one `report` costs; later runs in the same
    // process can only add the allocator's retained memory to it.
    println!("  {:<16} {:>9.1} MB", "peak memory", first_peak);
}
