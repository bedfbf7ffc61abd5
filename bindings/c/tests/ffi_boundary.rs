//! Every `extern "C"` function of the C layer has exactly one `ffi_boundary!` as its
//! whole body, so no panic can unwind into C and every failure sets the last error.

use std::fs;
use std::path::Path;

/// The text of each `extern "C" fn` body in `source`, with the function's name.
fn extern_bodies(source: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut rest = source;
    while let Some(at) = rest.find("extern \"C\" fn ") {
        let after = &rest[at + "extern \"C\" fn ".len()..];
        let name: String = after
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        // The body starts at the first `{` after the parameter list closes.
        let mut depth = 0i32;
        let mut body_start = None;
        for (i, c) in after.char_indices() {
            match c {
                '(' => depth += 1,
                ')' => depth -= 1,
                '{' if depth == 0 => {
                    body_start = Some(i + 1);
                    break;
                }
                _ => {}
            }
        }
        let start = body_start.expect("a body after the signature");
        // Match braces to the end of the body (string literals in bodies are balanced).
        let mut depth = 1i32;
        let mut end = start;
        for (i, c) in after[start..].char_indices() {
            match c {
                '{' => depth += 1,
                '}' => {
                    depth -= 1;
                    if depth == 0 {
                        end = start + i;
                        break;
                    }
                }
                _ => {}
            }
        }
        out.push((name, after[start..end].to_owned()));
        rest = &after[end..];
    }
    out
}

#[test]
fn every_extern_c_function_is_wrapped_in_the_panic_boundary() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut seen = 0;
    let mut missing = Vec::new();
    for entry in fs::read_dir(&src).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let text = fs::read_to_string(&path).unwrap();
        let exported = text.matches("#[unsafe(no_mangle)]").count();
        let bodies = extern_bodies(&text);
        assert_eq!(
            exported,
            bodies.len(),
            "{}: every #[unsafe(no_mangle)] item must be an extern \"C\" fn",
            path.display()
        );
        for (name, body) in bodies {
            seen += 1;
            let body = body.trim();
            let wrapped = body.starts_with("ffi_boundary! {") && body.ends_with('}');
            // Nothing may follow the macro: its closing brace ends the body.
            let single = wrapped && body.matches("ffi_boundary!").count() == 1;
            if !single {
                missing.push(format!("{}: {name}", path.display()));
            }
        }
    }
    assert!(
        seen >= 40,
        "only {seen} extern \"C\" functions found: is the scan broken?"
    );
    assert!(
        missing.is_empty(),
        "functions without ffi_boundary!: {missing:#?}"
    );
}

#[test]
fn the_scan_catches_a_missing_boundary() {
    let bad = "pub unsafe extern \"C\" fn f(x: *const u8) -> u32 { let y = 1; y }\n\
               pub extern \"C\" fn g() -> u32 { ffi_boundary! { value; 1 } }";
    let bodies = extern_bodies(bad);
    assert_eq!(bodies.len(), 2);
    assert_eq!(bodies[0].0, "f");
    assert!(!bodies[0].1.trim().starts_with("ffi_boundary!"));
    assert!(bodies[1].1.trim().starts_with("ffi_boundary! {"));
}
