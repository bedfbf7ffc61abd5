//! The `encours` command, run as a user runs it.

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

fn temp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("encours-cli-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

#[test]
fn report_on_the_sample() {
    let o = encours(&["report", "--sample"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(text.starts_with(
        "encours: portfolio summary as of 2026-11-22 (the sample's extraction date)\n"
    ));
    assert!(text.contains("ledger: built-in sample (seed 42, 300 customers, 6000 invoices)"));
    assert!(text.contains("\n  customers      300  "), "{text}");
    assert!(text.contains("\n  invoices     6,000  "), "{text}");
    for currency in ["EUR", "USD", "GBP"] {
        assert!(
            text.contains(&format!("\n  {currency} ")),
            "{currency} row in {text}"
        );
    }
}

#[test]
fn json_report_is_the_same_figures() {
    let o = encours(&["report", "--sample", "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["as_of"], "2026-11-22");
    assert_eq!(v["as_of_origin"], "sample_date");
    assert_eq!(v["overview"]["customers"], 300);
    assert_eq!(v["overview"]["invoices"], 6000);
    // Amounts are strings, per currency.
    assert!(v["overview"]["open"]["EUR"].is_string());
    assert!(v.get("in_base").is_none());
}

#[test]
fn sample_file_round_trips_through_report() {
    let path = temp("small.json");
    let o = encours(&[
        "sample",
        "--seed",
        "7",
        "--customers",
        "20",
        "--invoices",
        "200",
        "--as-of",
        "2025-06-30",
        "--out",
        path.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = encours(&["report", "--ledger", path.to_str().unwrap(), "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    // Without --as-of, a file is reported as of its latest date.
    let file: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let latest = file["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["issue_date"].as_str().unwrap())
        .chain(
            file["payments"]
                .as_array()
                .unwrap()
                .iter()
                .map(|p| p["date"].as_str().unwrap()),
        )
        .max()
        .unwrap()
        .to_owned();
    assert!(latest.as_str() <= "2025-06-30" && latest.as_str() > "2025-06-01");
    assert_eq!(v["as_of"], latest.as_str());
    assert_eq!(v["as_of_origin"], "latest_in_ledger");
    assert_eq!(v["overview"]["customers"], 20);
    assert_eq!(v["overview"]["invoices"], 200);

    // Earlier: fewer invoices existed.
    let o = encours(&[
        "report",
        "--ledger",
        path.to_str().unwrap(),
        "--as-of",
        "2025-01-31",
        "--json",
    ]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["as_of_origin"], "given");
    let earlier = v["overview"]["invoices"].as_u64().unwrap();
    assert!(earlier > 0 && earlier < 200, "{earlier}");
}

#[test]
fn conversion_into_a_base_currency() {
    let o = encours(&[
        "report",
        "--sample",
        "--base",
        "EUR",
        "--fx",
        "USD:EUR=0.86",
        "--fx",
        "GBP:EUR=1.14",
        "--json",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["in_base"]["currency"], "EUR");
    assert_eq!(v["in_base"]["open"]["currency"], "EUR");
    let text = stdout(&encours(&[
        "report",
        "--sample",
        "--base",
        "EUR",
        "--fx",
        "USD:EUR=0.86",
        "--fx",
        "GBP:EUR=1.14",
    ]));
    assert!(text.contains("\n  all in EUR "), "{text}");
}

#[test]
fn errors_name_the_argument_or_file() {
    let o = encours(&[
        "report",
        "--sample",
        "--base",
        "EUR",
        "--fx",
        "USD:EUR=0.86",
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        stderr(&o),
        "encours: no exchange rate from GBP to EUR: add --fx GBP:EUR=RATE\n"
    );

    let o = encours(&["report", "--sample", "--base", "EUX"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).starts_with("encours: --base: unknown currency code \"EUX\""));

    let o = encours(&["report", "--sample", "--fx", "USD-EUR=0.9", "--base", "EUR"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("expected FROM:TO=RATE such as USD:EUR=0.92"));

    // --fx without --base, and no ledger at all: usage errors.
    assert_eq!(
        encours(&["report", "--sample", "--fx", "USD:EUR=1"])
            .status
            .code(),
        Some(2)
    );
    assert_eq!(encours(&["report"]).status.code(), Some(2));
    assert_eq!(
        encours(&["report", "--sample", "--ledger", "x.json"])
            .status
            .code(),
        Some(2)
    );

    let o = encours(&["report", "--ledger", "/nonexistent/ledger.json"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).starts_with("encours: /nonexistent/ledger.json: "));

    let bad = temp("bad.json");
    std::fs::write(
        &bad,
        r#"{"customers":[{"id":"C1","name":"A","currency":"EUR"}],
            "items":[{"id":"F1","customer_id":"C9","kind":"invoice","issue_date":"2024-01-01",
                      "due_date":"2024-01-31","amount":{"amount":"10.00","currency":"EUR"}}]}"#,
    )
    .unwrap();
    let o = encours(&["report", "--ledger", bad.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(
        err.contains("not a valid ledger: unknown customer \"C9\" referenced by item \"F1\""),
        "{err}"
    );
}
