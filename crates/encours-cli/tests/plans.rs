//! `encours plan` and the report's payment-plan section, run as a user runs them.

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
    let dir = std::env::temp_dir().join(format!("encours-plans-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn the_main_job_proposes_tracks_and_dunns_a_plan() {
    let o = encours(&["report", "--sample"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    for line in [
        "\nPayment plan proposed to Francois Chaudronnerie EURL (C000265) on 2026-11-22\n",
        "\n  plan PLAN-DEMO-1: 14 items, principal 33,115.92 EUR, interest 290.57, fees 0.00, total 33,406.49\n",
        "\n  down  2026-11-22               8,278.98      0.00  0.00  8,278.98  bill of exchange  ",
        // 31 January 2027 is a Sunday: the bill falls due on Monday 1 February.
        "\n     2  2027-02-01  2027-01-31   4,118.81     69.11  0.00  4,187.92  bill of exchange  F0003042 4,118.81\n",
        "\n     6  2027-05-31               4,174.00     13.91  0.00  4,187.91  bill of exchange  F0005455 4,174.00\n",
        "\n  tracked on 2027-02-09: in arrears; paid 12,466.90, outstanding 20,939.59, overdue 4,187.92\n",
        "\n  alert: instalment 2 due 2027-02-01 is 8 days late: 4,187.92 outstanding\n",
        "\n    call by phone_call: 4,118.81 claimed on F0003042 (its part of the missed instalment; 5,319.04 open)\n",
        "\n    13 items left out: under payment plan PLAN-DEMO-1 (in arrears, nothing of theirs past due)\n",
    ] {
        assert!(text.contains(line), "{line} in {text}");
    }
}

#[test]
fn plan_command_proposes_and_tracks_from_json_files() {
    let terms = temp(
        "terms.json",
        r#"{"down_payment": {"amount": "1000.00"}, "instalments": 3, "frequency": "weekly",
            "first_date": "2026-11-30", "fees": "25.00", "fee_on": "spread"}"#,
    );
    let payments = temp(
        "payments.json",
        r#"[{"date": "2026-11-22", "amount": {"amount": "1000.00", "currency": "EUR"}}]"#,
    );
    let o = encours(&[
        "plan",
        "--sample",
        "--customer",
        "C000265",
        "--terms",
        terms.to_str().unwrap(),
        "--track-as-of",
        "2026-12-10",
        "--payments",
        payments.to_str().unwrap(),
        "--json",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["plan"]["fees"]["amount"], "25.00");
    assert_eq!(v["plan"]["instalments"][0]["amount"]["amount"], "1000.00");
    assert_eq!(v["plan"]["instalments"][1]["due_date"], "2026-11-30");
    assert_eq!(v["plan"]["instalments"][2]["due_date"], "2026-12-07");
    assert_eq!(v["tracking"]["status"], "in_arrears");
    assert_eq!(v["tracking"]["instalments"][1]["status"], "late");
    assert_eq!(v["eligibility"]["eligible"], false);
    assert_eq!(
        v["eligibility"]["refusals"][0]["code"],
        "down_payment_below_minimum"
    );
}

#[test]
fn plan_command_errors_name_the_field() {
    let unknown = temp(
        "unknown.json",
        r#"{"instalments": 3, "frequncy": "weekly"}"#,
    );
    let o = encours(&[
        "plan",
        "--sample",
        "--customer",
        "C000265",
        "--terms",
        unknown.to_str().unwrap(),
    ]);
    assert!(!o.status.success());
    assert!(
        stderr(&o).contains("unknown field `frequncy`"),
        "{}",
        stderr(&o)
    );
    let zero = temp(
        "zero.json",
        r#"{"instalments": 0, "first_date": "2026-12-31"}"#,
    );
    let o = encours(&[
        "plan",
        "--sample",
        "--customer",
        "C000265",
        "--terms",
        zero.to_str().unwrap(),
    ]);
    assert_eq!(
        stderr(&o),
        "encours: invalid instalments: 0 (expected at least 1)\n"
    );
    let o = encours(&["plan", "--sample", "--customer", "C999"]);
    assert_eq!(
        stderr(&o),
        "encours: unknown customer \"C999\" in customer_id\n"
    );
}
