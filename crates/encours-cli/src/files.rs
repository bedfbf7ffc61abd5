//! Reading and writing the command's files.
//!
//! A file the command writes (the dunning history, a sample ledger) goes to a
//! temporary file in the same folder, is fsynced, then renamed over the target, and
//! the folder is fsynced: a full disk, a file-size limit or a crash leaves either the
//! old file or the new one, never half of one (issue #9: a truncated history made
//! every later run fail).
//!
//! A file the command reads may start with a UTF-8 byte-order mark (Windows editors
//! and Excel write one): it is skipped, for every file, as the C and Python layers
//! skip it in JSON they are given.

use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use crate::input::CliError;

/// The UTF-8 byte-order mark.
const BOM: char = '\u{feff}';

/// Text without a leading byte-order mark.
pub fn without_bom(text: String) -> String {
    match text.strip_prefix(BOM) {
        Some(rest) => rest.to_owned(),
        None => text,
    }
}

/// A whole text file, without its byte-order mark if it has one.
pub fn read_text(path: &Path) -> Result<String, CliError> {
    std::fs::read_to_string(path)
        .map(without_bom)
        .map_err(|source| CliError::Io {
            path: path.to_owned(),
            source,
        })
}

/// Write `path` atomically with what `fill` writes: a temporary file in the same
/// folder, fsynced, renamed over `path`, then the folder fsynced. On any failure the
/// temporary file is removed and `path` is left as it was.
pub fn write_atomically(
    path: &Path,
    fill: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> std::io::Result<()> {
    let folder = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let mut temp = tempfile::Builder::new()
        .prefix(".encours-")
        .suffix(".tmp")
        .tempfile_in(&folder)?;
    {
        let mut w = BufWriter::new(temp.as_file_mut());
        fill(&mut w)?;
        w.flush()?;
    }
    temp.as_file().sync_all()?;
    temp.persist(path).map_err(|e| e.error)?;
    // The rename is durable once the folder's entry is on disk.
    std::fs::File::open(&folder)?.sync_all()
}

/// Make a file-size limit (`ulimit -f`) a write error (EFBIG) rather than the
/// SIGXFSZ signal, which would kill the command before it can say what was not
/// written.
pub fn report_file_size_limits() {
    // SAFETY: setting a standard signal's disposition to "ignore" at start-up, before
    // any thread exists, has no memory-safety requirement.
    unsafe {
        libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_byte_order_mark_is_skipped() {
        assert_eq!(without_bom("\u{feff}{}".into()), "{}");
        assert_eq!(without_bom("{}".into()), "{}");
        // Only one, at the start.
        assert_eq!(without_bom("\u{feff}\u{feff}1".into()), "\u{feff}1");
    }

    #[test]
    fn a_failed_write_leaves_the_old_file_and_no_temporary() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("history.json");
        std::fs::write(&path, "old").unwrap();
        let err = write_atomically(&path, |w: &mut dyn Write| {
            w.write_all(b"half")?;
            Err(std::io::Error::other("disk full"))
        })
        .unwrap_err();
        assert_eq!(err.to_string(), "disk full");
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "old");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
        write_atomically(&path, |w: &mut dyn Write| w.write_all(b"new")).unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "new");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}
