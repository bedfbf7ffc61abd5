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
    assert!(text.contains("\n  customers    300  "), "{text}");
    assert!(text.contains("\n  invoices   6,000  "), "{text}");
    for section in [
        "\nOpen amounts\n",
        "\nAging of open debits, by days overdue\n  currency       not due        1-30      31-60      61-90     91-180        >180         total\n",
        "\nCollection metrics\n  currency    DSO  count-back DSO  best possible DSO    ADD  CEI %  days beyond terms  payment index\n",
        "\nTop 10 overdue customers in EUR (",
        "\nTop 10 overdue customers in USD (",
        "\nPareto: the fewest customers and items holding 80.0 % of the open debits\n",
    ] {
        assert!(text.contains(section), "{section} in {text}");
    }
    // Each section has a row per currency.
    assert_eq!(text.matches("\n  EUR ").count(), 4, "{text}");
}

#[test]
fn text_and_json_agree() {
    let text = stdout(&encours(&["report", "--sample"]));
    let json: serde_json::Value =
        serde_json::from_slice(&encours(&["report", "--sample", "--json"]).stdout).unwrap();
    let eur = json["portfolio"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["currency"] == "EUR")
        .unwrap();
    let dso = eur["figures"]["dso"]["dso"]["value"].as_str().unwrap();
    let first = &json["top_overdue"][0]["customers"][0];
    assert_eq!(first["rank"], 1);
    let id = first["row"]["key"].as_str().unwrap();
    // The top customer's line carries its id and the DSO appears in the metrics row.
    assert!(text.contains(&format!("   1  {id}  ")), "{id} in {text}");
    let metrics_row = text
        .lines()
        .skip_while(|l| !l.starts_with("Collection metrics"))
        .find(|l| l.starts_with("  EUR "))
        .unwrap();
    assert!(
        metrics_row.contains(&format!(" {dso} ")),
        "{dso} in {metrics_row}"
    );
    // Ranked by overdue amount, largest first.
    let overdue: Vec<f64> = json["top_overdue"][0]["customers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["overdue"]["amount"].as_str().unwrap().parse().unwrap())
        .collect();
    assert_eq!(overdue.len(), 10);
    assert!(overdue.windows(2).all(|w| w[0] >= w[1]), "{overdue:?}");
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
    assert_eq!(
        v["labels"],
        serde_json::json!(["not_due", "1-30", "31-60", "61-90", "91-180", ">180"])
    );
    let currencies: Vec<&str> = v["portfolio"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["currency"].as_str().unwrap())
        .collect();
    assert_eq!(currencies, ["EUR", "GBP", "USD"]);
    // Amounts are strings.
    assert!(v["portfolio"][0]["figures"]["aging"]["total"]["amount"].is_string());
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
    assert_eq!(v["in_base"]["conversion"]["base"], "EUR");
    assert_eq!(v["in_base"]["portfolio"]["currency"], "EUR");
    // One ranking and one Pareto set, in EUR.
    assert_eq!(v["top_overdue"].as_array().unwrap().len(), 1);
    assert_eq!(v["top_overdue"][0]["currency"], "EUR");
    assert_eq!(v["pareto_customers"].as_array().unwrap().len(), 1);
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
    assert_eq!(text.matches("\n  all in EUR ").count(), 3, "{text}");
    assert!(text.contains("Converted into EUR at 1 GBP = 1.14 EUR, 1 USD = 0.86 EUR"));
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

#[test]
fn the_demo_dunning_plan_is_for_the_sample_only() {
    let text = stdout(&encours(&["report", "--sample"]));
    assert!(
        text.contains("\nDunning plan for 2026-11-22 (Sunday)\n"),
        "{text}"
    );
    let path = temp("no-dunning.json");
    let o = encours(&[
        "sample",
        "--customers",
        "10",
        "--invoices",
        "100",
        "--out",
        path.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = encours(&["report", "--ledger", path.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(
        text.contains("\nAging of open debits, by days overdue\n"),
        "{text}"
    );
    assert!(!text.contains("Dunning plan"), "{text}");
}

/// C1 (French calendar, French law) owes F1, 1,000.00 EUR due 2024-01-01; C2 owes F2.
fn dunning_fixture() -> (PathBuf, PathBuf) {
    let ledger = temp("dunning-ledger.json");
    std::fs::write(
        &ledger,
        r#"{"customers":[{"id":"C1","name":"Dupont SA","currency":"EUR","country":"FR","calendar":"ACME"},
                         {"id":"C2","name":"Martin SARL","currency":"EUR"}],
            "items":[{"id":"F1","customer_id":"C1","kind":"invoice","issue_date":"2023-12-01",
                      "due_date":"2024-01-01","amount":{"amount":"1000.00","currency":"EUR"}},
                     {"id":"F2","customer_id":"C2","kind":"invoice","issue_date":"2023-12-01",
                      "due_date":"2024-01-01","amount":{"amount":"80.00","currency":"EUR"}}]}"#,
    )
    .unwrap();
    let config = temp("dunning-config.toml");
    std::fs::write(
        &config,
        r#"default_scenario = "s"
interest_rule = { rate = { kind = "reference_plus_margin", table = "ACME base rate", margin = "2" } }

[[scenarios]]
id = "s"

[[scenarios.steps]]
id = "notice"
offset_days = 60
channel = "formal_notice"
template = "formal_notice"
charge_interest = true
"#,
    )
    .unwrap();
    (ledger, config)
}

#[test]
fn dunning_with_the_callers_rates_calendars_promises_and_templates() {
    let (ledger, config) = dunning_fixture();
    let (ledger, config) = (ledger.to_str().unwrap(), config.to_str().unwrap());
    // 2024-03-01 is a holiday of the caller's "ACME" calendar: C1's trigger (due + 60)
    // rolls to Monday 2024-03-04.
    let calendars = temp("calendars.json");
    std::fs::write(
        &calendars,
        r#"[{"name":"ACME","extra_holidays":[{"date":"2024-03-01","name":"Inventory day"}]}]"#,
    )
    .unwrap();
    // Reference 3 % + 2 points = 5 % a year, actual/365: 1000 x 0.05 x 63 / 365 =
    // 8.630... -> 8.63 EUR for the 63 days from 2024-01-02 to 2024-03-04.
    let tables = temp("rates.json");
    std::fs::write(
        &tables,
        r#"[{"name":"ACME base rate","source":"test","verified_through":"2024-12-31",
             "points":[{"valid_from":"2023-01-01","rate":"3"}]}]"#,
    )
    .unwrap();
    let promises = temp("promises.json");
    std::fs::write(
        &promises,
        r#"[{"id":"PR-1","customer_id":"C2","amount":{"amount":"80.00","currency":"EUR"},
             "promised_date":"2024-03-05","made_on":"2024-02-20"}]"#,
    )
    .unwrap();
    let templates = temp("templates");
    std::fs::create_dir_all(templates.join("fr")).unwrap();
    std::fs::write(
        templates.join("fr").join("formal_notice.txt"),
        "Subject: Mise en demeure {{ customer_name }}\nIntérêts : {{ total_interest | money }}. {{ payment_instructions }} — {{ sender }}\n",
    )
    .unwrap();
    let base = [
        "dunning",
        "--ledger",
        ledger,
        "--config",
        config,
        "--calendars",
        calendars.to_str().unwrap(),
        "--rate-tables",
        tables.to_str().unwrap(),
        "--promises",
        promises.to_str().unwrap(),
    ];
    let on = |day: &str, extra: &[&str]| {
        let mut args: Vec<&str> = base.to_vec();
        args.extend(["--as-of", day]);
        args.extend(extra);
        encours(&args)
    };
    let o = on("2024-03-01", &["--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let plan: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(plan["actions"].as_array().unwrap().len(), 0, "{plan}");
    assert_eq!(plan["left_out"][0]["item_id"], "F2");
    assert_eq!(plan["left_out"][0]["reason"], "under_promise");
    assert_eq!(plan["left_out"][0]["until"], "2024-03-08");

    let o = on("2024-03-04", &["--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let plan: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(plan["actions"][0]["customer_id"], "C1");
    assert_eq!(
        plan["actions"][0]["total_interest"]["amount"], "8.63",
        "{plan}"
    );

    let o = on(
        "2024-03-04",
        &[
            "--letters",
            "fr",
            "--templates",
            templates.to_str().unwrap(),
            "--sender",
            "Service crédit ACME",
            "--payment-instructions",
            "IBAN FR76 0000",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(
        text.contains("Subject: Mise en demeure Dupont SA\n"),
        "{text}"
    );
    assert!(
        text.contains("Intérêts : 8,63 EUR. IBAN FR76 0000 — Service crédit ACME"),
        "{text}"
    );

    // Without the caller's table the interest cannot be computed: a warning, not 0.
    let o = encours(&[
        "dunning",
        "--ledger",
        ledger,
        "--config",
        config,
        "--calendars",
        calendars.to_str().unwrap(),
        "--as-of",
        "2024-03-04",
        "--json",
    ]);
    let plan: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(
        plan["actions"][0]["warnings"][0]["message"]
            .as_str()
            .unwrap()
            .contains("ACME base rate"),
        "{plan}"
    );
    assert_eq!(plan["actions"][0]["warnings"][0]["code"], "no_interest");
}

#[test]
fn dunning_input_files_are_checked() {
    let (ledger, config) = dunning_fixture();
    let (ledger, config) = (ledger.to_str().unwrap(), config.to_str().unwrap());
    let good = temp("good-calendars.json");
    std::fs::write(&good, r#"[{"name":"ACME"}]"#).unwrap();
    let good = good.to_str().unwrap();
    let bad = temp("bad-calendars.json");
    std::fs::write(&bad, r#"[{"name":"X","weekend":["funday"]}]"#).unwrap();
    let o = encours(&[
        "dunning",
        "--ledger",
        ledger,
        "--config",
        config,
        "--calendars",
        bad.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("bad-calendars.json: "),
        "{}",
        stderr(&o)
    );
    assert!(stderr(&o).contains("funday"), "{}", stderr(&o));

    let bad = temp("bad-rates.json");
    std::fs::write(
        &bad,
        r#"[{"name":"R","points":[{"valid_from":"2024-01-01","rate":"3"},{"valid_from":"2023-01-01","rate":"2"}]}]"#,
    )
    .unwrap();
    let o = encours(&[
        "dunning",
        "--ledger",
        ledger,
        "--config",
        config,
        "--calendars",
        good,
        "--rate-tables",
        bad.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("bad-rates.json: "), "{}", stderr(&o));

    let empty = temp("no-templates");
    std::fs::create_dir_all(&empty).unwrap();
    let o = encours(&[
        "dunning",
        "--ledger",
        ledger,
        "--config",
        config,
        "--calendars",
        good,
        "--letters",
        "en",
        "--templates",
        empty.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("no template found"), "{}", stderr(&o));

    let broken = temp("broken-templates");
    std::fs::create_dir_all(broken.join("en")).unwrap();
    std::fs::write(broken.join("en").join("reminder.txt"), "{% if %}").unwrap();
    let o = encours(&[
        "dunning",
        "--ledger",
        ledger,
        "--config",
        config,
        "--calendars",
        good,
        "--letters",
        "en",
        "--templates",
        broken.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("reminder.txt: invalid template \"reminder\" (en)"),
        "{}",
        stderr(&o)
    );
}

/// Issue 11, defect 1: a misspelt key in a TOML or JSON configuration is refused with
/// its path and the closest known key, not read as a rule with no condition.
#[test]
fn misspelt_configuration_keys_are_refused_with_the_closest_key() {
    let (ledger, _) = dunning_fixture();
    let ledger = ledger.to_str().unwrap();
    let toml = temp("misspelt-config.toml");
    std::fs::write(
        &toml,
        r#"default_scenario = "s"

[[rules]]
id = "smb"
scenario = "s"
segment = ["SMB"]

[[scenarios]]
id = "s"

[[scenarios.steps]]
id = "r"
offset_days = 5
channel = "email"
template = "reminder"
"#,
    )
    .unwrap();
    let o = encours(&[
        "dunning",
        "--ledger",
        ledger,
        "--config",
        toml.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).ends_with(
            "misspelt-config.toml: dunning configuration: unknown key \"segment\" at \"rules[0]\"; did you mean \"segments\"?\n"
        ),
        "{}",
        stderr(&o)
    );
    let json = temp("misspelt-promises.json");
    std::fs::write(
        &json,
        r#"[{"id":"P","customer_id":"C1","amount":{"amount":"1","currency":"EUR"},
             "promised_date":"2024-03-20","made_on":"2024-03-04","made":"2024-03-04"}]"#,
    )
    .unwrap();
    let o = encours(&[
        "dunning",
        "--ledger",
        ledger,
        "--promises",
        json.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains(
            "promises to pay: unknown key \"made\" at \"[0]\"; did you mean \"made_on\"?"
        ),
        "{}",
        stderr(&o)
    );
}
