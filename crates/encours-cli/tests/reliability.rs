//! The command's reliability findings of issue #9, run as a user runs them: the
//! history and every other file written atomically (tested under a real file-size
//! limit, `ulimit -f`), counts and spans bounded, a UTF-8 byte-order mark accepted
//! in every file read.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::Duration;

const BIN: &str = env!("CARGO_BIN_EXE_encours");

/// Run the command, killing it (and failing) past `limit`: before its bound,
/// `--replay-days 4294967295` planned for weeks.
fn run_within(mut cmd: Command, limit: Duration) -> Output {
    let child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the encours binary runs");
    let pid = child.id();
    // Read the pipes while waiting, in a thread, so a large output never blocks it.
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || tx.send(child.wait_with_output()));
    match rx.recv_timeout(limit) {
        Ok(output) => output.unwrap(),
        Err(_) => {
            let _ = Command::new("kill").arg("-9").arg(pid.to_string()).status();
            panic!("{cmd:?} still running after {limit:?}");
        }
    }
}

fn encours(args: &[&str]) -> Output {
    let mut cmd = Command::new(BIN);
    cmd.args(args);
    run_within(cmd, Duration::from_secs(120))
}

/// The command under a file-size limit of `blocks` (the shell's `ulimit -f`).
fn encours_with_file_limit(blocks: u32, args: &[&str]) -> Output {
    let mut cmd = Command::new("sh");
    cmd.arg("-c")
        .arg(format!("ulimit -f {blocks} && exec \"$0\" \"$@\""))
        .arg(BIN)
        .args(args);
    run_within(cmd, Duration::from_secs(120))
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn folder(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "encours-cli-reliability-{}-{name}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn entries(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

// ------------------------------------------------------------------ 4. atomic writes

#[test]
fn a_history_that_cannot_be_written_is_left_intact_and_said_so() {
    let dir = folder("history");
    let history = dir.join("history.json");
    let h = history.to_str().unwrap();
    let first = encours(&[
        "dunning",
        "--sample",
        "--as-of",
        "2026-10-01",
        "--history",
        h,
        "--record",
    ]);
    assert!(first.status.success(), "{}", stderr(&first));
    let before = std::fs::read(&history).unwrap();
    assert!(before.len() > 4096, "{} bytes", before.len());

    // Issue #9: under a file-size limit the plain write left truncated JSON, and every
    // later run failed. The limit (a few blocks) is below the history's size.
    let o = encours_with_file_limit(
        4,
        &[
            "dunning",
            "--sample",
            "--as-of",
            "2026-11-22",
            "--history",
            h,
            "--record",
        ],
    );
    assert!(!o.status.success());
    let err = stderr(&o);
    assert!(
        err.starts_with(&format!(
            "encours: {h}: the history could not be written (File too large (os error 27)): the "
        )),
        "{err}"
    );
    assert!(
        err.ends_with(
            " action(s) above were NOT recorded, and the previous history is left as it was\n"
        ),
        "{err}"
    );
    // The plan was printed; the history is byte for byte the old one, no temporary
    // file is left behind, and the next run reads it.
    assert!(
        stdout(&o).starts_with("Dunning plan for 2026-11-22"),
        "{}",
        stdout(&o)
    );
    assert_eq!(std::fs::read(&history).unwrap(), before);
    assert_eq!(entries(&dir), ["history.json"]);
    let again = encours(&[
        "dunning",
        "--sample",
        "--as-of",
        "2026-11-22",
        "--history",
        h,
        "--record",
    ]);
    assert!(again.status.success(), "{}", stderr(&again));
    assert!(std::fs::read(&history).unwrap().len() > before.len());
    assert_eq!(entries(&dir), ["history.json"]);
}

#[test]
fn a_sample_that_cannot_be_written_leaves_the_old_file() {
    let dir = folder("sample");
    let out = dir.join("ledger.json");
    let o = out.to_str().unwrap();
    let first = encours(&["sample", "--customers", "3", "--invoices", "10", "--out", o]);
    assert!(first.status.success(), "{}", stderr(&first));
    let before = std::fs::read(&out).unwrap();
    let big = encours_with_file_limit(
        8,
        &[
            "sample",
            "--customers",
            "50",
            "--invoices",
            "2000",
            "--out",
            o,
        ],
    );
    assert!(!big.status.success());
    assert_eq!(
        stderr(&big),
        format!("encours: {o}: File too large (os error 27)\n")
    );
    assert_eq!(std::fs::read(&out).unwrap(), before);
    assert_eq!(entries(&dir), ["ledger.json"]);
}

// ------------------------------------------------------------------ 9. bounded counts

#[test]
fn replay_days_past_ten_years_are_refused_at_once() {
    // Issue #9: `--replay-days 4294967295` planned for weeks.
    let o = encours(&["dunning", "--sample", "--replay-days", "4294967295"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).starts_with(
            "error: invalid value '4294967295' for '--replay-days <DAYS>': 4294967295 is not in 0..=3660\n"
        ),
        "{}",
        stderr(&o)
    );
    let o = encours(&["dunning", "--sample", "--replay-days", "3661"]);
    assert!(
        stderr(&o).contains("3661 is not in 0..=3660"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn every_count_the_command_takes_has_a_bound() {
    for (args, message) in [
        (
            &["sample", "--invoices", "10000001"][..],
            "10000001 is not in 0..=10000000",
        ),
        (
            &["sample", "--customers", "1000001"][..],
            "1000001 is not in 1..=1000000",
        ),
        (
            &["sample", "--customers", "0"][..],
            "0 is not in 1..=1000000",
        ),
        (
            &["sample", "--history-days", "36601"][..],
            "36601 is not in 1..=36600",
        ),
        (
            &["report", "--sample", "--top", "100001"][..],
            "100001 is not in 0..=100000",
        ),
        (
            &["dunning", "--sample", "--detail", "18446744073709551615"][..],
            "18446744073709551615 is not in 0..=100000",
        ),
    ] {
        let o = encours(args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert!(stderr(&o).contains(message), "{args:?}: {}", stderr(&o));
    }
}

// ------------------------------------------------------------------ 10. byte-order mark

fn with_bom(path: &Path) -> PathBuf {
    let text = std::fs::read(path).unwrap();
    let out = path.with_extension(format!(
        "bom.{}",
        path.extension().unwrap().to_str().unwrap()
    ));
    let mut bytes = b"\xef\xbb\xbf".to_vec();
    bytes.extend(text);
    std::fs::write(&out, bytes).unwrap();
    out
}

#[test]
fn a_byte_order_mark_is_accepted_in_every_file_read() {
    let dir = folder("bom");
    let ledger = dir.join("ledger.json");
    let l = ledger.to_str().unwrap();
    assert!(
        encours(&[
            "sample",
            "--customers",
            "20",
            "--invoices",
            "300",
            "--out",
            l
        ])
        .status
        .success()
    );
    // The ledger, by file and on standard input.
    let plain = encours(&["report", "--ledger", l, "--json"]);
    assert!(plain.status.success(), "{}", stderr(&plain));
    let bom = with_bom(&ledger);
    let o = encours(&["report", "--ledger", bom.to_str().unwrap(), "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let strip_origin = |o: &Output| {
        let mut v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        v.as_object_mut().unwrap().remove("source");
        v
    };
    assert_eq!(strip_origin(&o), strip_origin(&plain));
    let piped = {
        let mut cmd = Command::new(BIN);
        cmd.args(["report", "--ledger", "-", "--json"])
            .stdin(std::fs::File::open(&bom).unwrap());
        run_within(cmd, Duration::from_secs(60))
    };
    assert!(piped.status.success(), "{}", stderr(&piped));
    assert_eq!(strip_origin(&piped), strip_origin(&plain));

    // A configuration (JSON and TOML), a history, promises.
    let config = Path::new(env!("CARGO_MANIFEST_DIR")).join("config/dunning.json");
    let config_json = dir.join("dunning.json");
    std::fs::copy(&config, &config_json).unwrap();
    let config_toml = dir.join("dunning.toml");
    std::fs::write(
        &config_toml,
        "default_scenario = \"s\"\n\n[[scenarios]]\nid = \"s\"\n\n[[scenarios.steps]]\n\
         id = \"reminder\"\noffset_days = 5\nchannel = \"email\"\ntemplate = \"reminder\"\n",
    )
    .unwrap();
    let history = dir.join("history.json");
    let h = history.to_str().unwrap();
    let recorded = encours(&[
        "dunning",
        "--ledger",
        l,
        "--as-of",
        "2026-10-01",
        "--history",
        h,
        "--record",
    ]);
    assert!(recorded.status.success(), "{}", stderr(&recorded));
    let promises = dir.join("promises.json");
    std::fs::write(&promises, "[]").unwrap();
    let run = |config: &Path, history: &Path, promises: &Path| {
        encours(&[
            "dunning",
            "--ledger",
            l,
            "--as-of",
            "2026-11-22",
            "--config",
            config.to_str().unwrap(),
            "--history",
            history.to_str().unwrap(),
            "--promises",
            promises.to_str().unwrap(),
            "--json",
        ])
    };
    for (config, variants) in [
        (
            &config_json,
            vec![
                run(&with_bom(&config_json), &history, &promises),
                run(&config_json, &with_bom(&history), &promises),
                run(&config_json, &history, &with_bom(&promises)),
            ],
        ),
        (
            &config_toml,
            vec![run(&with_bom(&config_toml), &history, &promises)],
        ),
    ] {
        let plain = run(config, &history, &promises);
        assert!(plain.status.success(), "{}", stderr(&plain));
        assert!(stdout(&plain).contains("\"actions\""), "{}", stdout(&plain));
        for o in variants {
            assert!(o.status.success(), "{}", stderr(&o));
            assert_eq!(o.stdout, plain.stdout);
        }
    }
}
