//! Generate a large sample ledger, time the steps and show the memory they take:
//!
//! ```sh
//! cargo run --release --example scale -- 1000000 100000
//! /usr/bin/time -v target/release/examples/scale 1000000 100000
//! ```
//!
//! Arguments: invoices (default 1,000,000), customers (default 100,000), seed (42).
//! Resident memory is read from `/proc/self/status` (Linux); elsewhere it is left out.

use std::time::Instant;

use encours::ledger::{ItemKind, Ledger};
use encours::money::MultiCurrency;
use encours_sample::{SampleConfig, generate};

/// Current and peak resident set size in MiB, from /proc (Linux only).
fn rss() -> String {
    let Ok(status) = std::fs::read_to_string("/proc/self/status") else {
        return String::new();
    };
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|kb| kb.parse::<u64>().ok())
            .map_or(0, |kb| kb / 1024)
    };
    format!(
        " [rss {} MiB, peak {} MiB]",
        field("VmRSS:"),
        field("VmHWM:")
    )
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let mut config = SampleConfig::default();
    if let Some(n) = args.next() {
        config.invoices = n.parse()?;
    }
    if let Some(n) = args.next() {
        config.customers = n.parse()?;
    }
    if let Some(n) = args.next() {
        config.seed = n.parse()?;
    }
    let t = Instant::now();
    let ledger = generate(&config)?;
    println!(
        "generate: {} customers, {} items, {} payments, {} applications in {:.2?}{}",
        ledger.customers().len(),
        ledger.items().len(),
        ledger.payments().len(),
        ledger.applications().len(),
        t.elapsed(),
        rss()
    );

    // Rebuild from the parts: what loading a ledger from an ERP costs once the
    // records are in memory.
    let data = ledger.data().clone();
    drop(ledger);
    let t = Instant::now();
    let ledger = Ledger::new(data.customers, data.items, data.payments, data.applications)?;
    println!(
        "Ledger::new (validation and indexes): {:.2?}{}",
        t.elapsed(),
        rss()
    );

    let t = Instant::now();
    let mut open = MultiCurrency::new();
    let mut open_items = 0usize;
    for (ix, item) in ledger.items().iter().enumerate() {
        if item.kind != ItemKind::Invoice {
            continue;
        }
        if let Some(state) = ledger.item_state(ix, config.as_of)
            && state.open.is_positive()
        {
            open_items += 1;
            open.add(&state.open)?;
        }
    }
    println!(
        "as-of open-amount pass: {open_items} open invoices in {:.2?}{}",
        t.elapsed(),
        rss()
    );
    for m in open.iter() {
        println!("  open {m}");
    }
    Ok(())
}
