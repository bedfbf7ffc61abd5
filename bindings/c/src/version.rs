//! Library version, for checking at run time that the header matches the library.

use std::ffi::c_char;

/// The ABI version: raised whenever a change breaks programs compiled against an
/// earlier header (a changed struct layout or signature). Compare with
/// `encours_abi_version()` at start-up to detect a mismatched shared library.
pub const ENCOURS_ABI_VERSION: u32 = 1;

/// The library's version (`"0.1.0"`), the crate version from Cargo.toml; equal to the
/// header's `ENCOURS_VERSION` when header and library match. Static string: do not
/// free. Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn encours_version() -> *const c_char {
    ffi_boundary! { value;
        concat!(env!("CARGO_PKG_VERSION"), "\0").as_ptr().cast::<c_char>()
    }
}

/// The ABI version the library was built with (`ENCOURS_ABI_VERSION` of its header).
/// Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn encours_abi_version() -> u32 {
    ffi_boundary! { value;
        ENCOURS_ABI_VERSION
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::CStr;

    #[test]
    fn version_is_the_crate_version_and_the_header_macros() {
        let v = unsafe { CStr::from_ptr(encours_version()) }
            .to_str()
            .unwrap();
        assert_eq!(v, env!("CARGO_PKG_VERSION"));
        let header = include_str!("../include/encours.h");
        let define = |name: &str| {
            header
                .lines()
                .find_map(|l| l.strip_prefix(&format!("#define {name} ")))
                .unwrap_or_else(|| panic!("{name} missing from encours.h"))
                .trim()
                .to_owned()
        };
        assert_eq!(define("ENCOURS_VERSION"), format!("\"{v}\""));
        assert_eq!(
            define("ENCOURS_VERSION_MAJOR"),
            env!("CARGO_PKG_VERSION_MAJOR")
        );
        assert_eq!(
            define("ENCOURS_VERSION_MINOR"),
            env!("CARGO_PKG_VERSION_MINOR")
        );
        assert_eq!(
            define("ENCOURS_VERSION_PATCH"),
            env!("CARGO_PKG_VERSION_PATCH")
        );
        assert_eq!(
            define("ENCOURS_ABI_VERSION"),
            ENCOURS_ABI_VERSION.to_string()
        );
        assert_eq!(encours_abi_version(), ENCOURS_ABI_VERSION);
    }
}
