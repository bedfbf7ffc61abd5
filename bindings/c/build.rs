//! Writes include/encours.h from the crate's sources with cbindgen, with the version
//! macros taken from Cargo.toml. The header is committed; the C tests regenerate it and
//! fail when it differs, so a changed API cannot ship with a stale header.

use std::env;
use std::path::PathBuf;

fn main() {
    let dir = PathBuf::from(env::var("CARGO_MANIFEST_DIR").unwrap_or_else(|_| ".".into()));
    println!("cargo:rerun-if-changed=src");
    println!("cargo:rerun-if-changed=cbindgen.toml");
    println!("cargo:rerun-if-changed=build.rs");

    let mut config = match cbindgen::Config::from_file(dir.join("cbindgen.toml")) {
        Ok(c) => c,
        Err(e) => panic!("cannot read cbindgen.toml: {e}"),
    };
    let version = |key: &str| env::var(key).unwrap_or_else(|_| "0".into());
    config.after_includes = Some(format!(
        "\n/* The version of the library this header was generated from. */\n\
         #define ENCOURS_VERSION \"{}\"\n\
         #define ENCOURS_VERSION_MAJOR {}\n\
         #define ENCOURS_VERSION_MINOR {}\n\
         #define ENCOURS_VERSION_PATCH {}\n",
        version("CARGO_PKG_VERSION"),
        version("CARGO_PKG_VERSION_MAJOR"),
        version("CARGO_PKG_VERSION_MINOR"),
        version("CARGO_PKG_VERSION_PATCH"),
    ));
    let bindings = match cbindgen::Builder::new()
        .with_crate(&dir)
        .with_config(config)
        .generate()
    {
        Ok(b) => b,
        Err(e) => panic!("cbindgen failed: {e}"),
    };
    // write_to_file leaves the file alone when nothing changed, so builds stay incremental.
    bindings.write_to_file(dir.join("include").join("encours.h"));
}
