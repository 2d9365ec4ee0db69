//! The developer command line of the workspace, `cargo xtask COMMAND`:
//!
//! - `regenerate`: generate the crate's service modules from the Discovery documents and
//!   write them ([`generate`]);
//! - `verify`: check that the checked-in service modules are exactly what the generator
//!   makes now ([`generate`]);
//! - `ci`: run every check CI runs, a table of steps ([`ci`], with [`package`]);
//! - `fetch`: download the saved Discovery documents again and save those that are newer
//!   ([`fetch`], with [`manifest`]);
//! - `changes`: tell what new documents would change for the generated crate, writing
//!   nothing ([`fetch`], with [`changes`]);
//! - `bench`: run the benches ([`mod@bench`]).
//!
//! This file only declares the commands and dispatches to their modules.

use clap::{Parser, Subcommand};
use codegen::files::Mode;

mod bench;
mod changes;
mod ci;
mod fetch;
mod generate;
mod manifest;
mod package;
mod util;

#[derive(Parser)]
#[command(
    name = "cargo xtask",
    about = "Developer tasks of the google-operations workspace"
)]
struct Cli {
    #[command(subcommand)]
    command: Task,
}

#[derive(Subcommand)]
enum Task {
    /// Generate the crate's service modules from the Discovery documents and write them.
    Regenerate(generate::Folders),
    /// Check that the checked-in service modules are exactly what the generator makes now.
    Verify(generate::Folders),
    /// Run every check CI runs: fmt, clippy, verify, tests, docs.
    Ci,
    /// Download the saved Discovery documents again and save those that are newer.
    Fetch(fetch::FetchArgs),
    /// Tell what new documents would change for the generated crate; nothing is written.
    Changes(fetch::ChangesArgs),
    /// Run the criterion benches of regeneration, decoding and requests (not part of `ci`;
    /// `--weight` adds clean builds, minutes; `--fleet` runs the wait program's fleet bench
    /// instead, minutes).
    Bench(bench::BenchArgs),
}

fn main() {
    let cli = Cli::parse();
    let result = match cli.command {
        Task::Regenerate(f) => generate::run(&f, Mode::Write),
        Task::Verify(f) => generate::run(&f, Mode::Check),
        Task::Ci => ci::run(),
        Task::Fetch(a) => fetch::fetch(&a),
        Task::Changes(a) => fetch::changes(&a),
        Task::Bench(a) => bench::run(&util::root(), &a),
    };
    if let Err(e) = result {
        eprintln!("error: {e:#}");
        std::process::exit(1);
    }
}
