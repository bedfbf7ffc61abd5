//! `encours risk`, `encours check-order` and the risk section of the main job, run as
//! a user runs them.

use std::path::PathBuf;
use std::process::{Command, Output};

fn encours(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_encours"))
        .args(args)
        .output()
        .expect("the encours binary runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}

fn temp(name: &str, text: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("encours-risk-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

#[test]
fn the_main_job_shows_classes_utilisation_and_three_orders() {
    let o = encours(&["report", "--sample"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    let section = text
        .split("\nRisk and credit limits as of 2026-11-22")
        .nth(1)
        .expect("a risk section");
    assert!(section.contains("\nRisk classes: A: "), "{section}");
    assert!(section.contains("\nLimit utilisation: "), "{section}");
    for word in ["\n  APPROVE ", "\n  WARN    ", "\n  BLOCK   "] {
        assert!(section.contains(word), "{word} missing in {section}");
    }
    // Each warned or blocked order says why.
    assert!(section.contains("Warn: oldest overdue item"), "{section}");
    assert!(section.contains("Block: exposure"), "{section}");
}

#[test]
fn risk_with_a_toml_scorecard_and_json_output() {
    let card = temp(
        "card.toml",
        r#"
name = "two factors"
[[factors]]
factor = "overdue_share"
weight = "0.6"
missing = "100"
bins = [{ to = "0.1", points = "100" }, { from = "0.1", points = "0" }]
[[factors]]
factor = "payment_index"
weight = "0.4"
missing = "50"
linear = { from = "20", from_points = "0", to = "80", to_points = "100" }
"#,
    );
    let o = encours(&[
        "risk",
        "--sample",
        "--scorecard",
        card.to_str().unwrap(),
        "--json",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["scorecard"], "two factors");
    assert_eq!(v["scores"].as_array().unwrap().len(), 300);
    let bad = temp(
        "bad.toml",
        "[[factors]]\nfactor = \"overdue_share\"\nweight = \"0.5\"\nmissing = \"0\"\nbins = [{ points = \"1\" }]\n",
    );
    let o = encours(&["risk", "--sample", "--scorecard", bad.to_str().unwrap()]);
    assert!(!o.status.success());
    assert!(
        stderr(&o).contains("invalid factors: weights add up to 0.5"),
        "{}",
        stderr(&o)
    );
    let o = encours(&["risk", "--sample", "--customer", "C000001"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("C000001"));
}

#[test]
fn check_order_with_limits_records_and_options() {
    let limits = temp(
        "limits.json",
        r#"{"manual": [{"customer_id": "C000003", "amount": {"amount": "1000.00", "currency": "EUR"}}]}"#,
    );
    let options = temp(
        "check.toml",
        "equal_passes = false\nmax_overdue_days = 15\n",
    );
    let o = encours(&[
        "check-order",
        "--sample",
        "--customer",
        "C000003",
        "--amount",
        "1000.00",
        "--limits",
        limits.to_str().unwrap(),
        "--options",
        options.to_str().unwrap(),
        "--json",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["limit"]["amount"], "1000.00");
    // Exactly at the limit, with `equal_passes = false`: blocked.
    assert_eq!(v["decision"], "block", "{v}");
    let typo = temp("typo.toml", "equal_pases = false\n");
    let o = encours(&[
        "check-order",
        "--sample",
        "--customer",
        "C000003",
        "--amount",
        "1",
        "--options",
        typo.to_str().unwrap(),
    ]);
    assert!(!o.status.success());
    assert!(
        stderr(&o).contains("unknown field `equal_pases`"),
        "{}",
        stderr(&o)
    );
    let o = encours(&[
        "check-order",
        "--sample",
        "--customer",
        "C999999",
        "--amount",
        "1",
    ]);
    assert!(
        stderr(&o).contains("unknown customer \"C999999\""),
        "{}",
        stderr(&o)
    );
    let o = encours(&[
        "check-order",
        "--sample",
        "--customer",
        "C000003",
        "--amount",
        "1.2.3",
    ]);
    assert!(stderr(&o).contains("--amount"), "{}", stderr(&o));
}
