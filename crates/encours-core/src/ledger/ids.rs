//! Ids interned once into dense positions.
//!
//! A column of ids keeps integer ids as integers (hashed as integers, never written
//! out as text to be hashed) and text ids in one contiguous arena; a small
//! open-addressing table maps an id to its position. The table holds positions only
//! (4 bytes a slot, at most half full), so a million ids cost about 8 bytes of index
//! each on top of the ids themselves.

use std::fmt;
use std::hash::BuildHasher;

/// An id as read from a column: an integer or text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IdRef<'a> {
    /// An integer id (as it came from an integer column).
    Int(i64),
    /// A text id.
    Str(&'a str),
}

impl fmt::Display for IdRef<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            IdRef::Int(n) => write!(f, "{n}"),
            IdRef::Str(s) => f.write_str(s),
        }
    }
}

impl<'a> IdRef<'a> {
    /// The integer a text id is written as, when it is an integer in canonical form
    /// (no sign but `-`, no leading zero, no space): `"42"` but not `"042"`.
    pub fn canonical_int(text: &str) -> Option<i64> {
        let n: i64 = text.parse().ok()?;
        let digits = text.strip_prefix('-').unwrap_or(text);
        let canonical = !digits.is_empty()
            && !text.starts_with('+')
            && (digits == "0" && !text.starts_with('-') || !digits.starts_with('0'));
        canonical.then_some(n)
    }
}

/// Text ids in one buffer with their end offsets.
#[derive(Debug, Clone, Default)]
pub(crate) struct TextArena {
    bytes: String,
    ends: Vec<u32>,
}

impl TextArena {
    pub(crate) fn len(&self) -> usize {
        self.ends.len()
    }

    pub(crate) fn get(&self, ix: usize) -> Option<&str> {
        let end = *self.ends.get(ix)? as usize;
        let start = match ix.checked_sub(1) {
            Some(p) => *self.ends.get(p)? as usize,
            None => 0,
        };
        self.bytes.get(start..end)
    }

    /// Append; `false` when the arena would pass 4 GiB of text.
    pub(crate) fn push(&mut self, s: &str) -> bool {
        let Ok(end) = u32::try_from(self.bytes.len() + s.len()) else {
            return false;
        };
        self.bytes.push_str(s);
        self.ends.push(end);
        true
    }

    pub(crate) fn reserve(&mut self, n: usize) {
        self.ends.reserve(n);
    }

    pub(crate) fn heap_bytes(&self) -> usize {
        self.bytes.capacity() + self.ends.capacity() * 4
    }
}

/// Open addressing, linear probing; a slot holds position + 1 (0 is empty).
#[derive(Debug, Clone, Default)]
struct Table {
    slots: Vec<u32>,
    len: usize,
}

impl Table {
    fn mask(&self) -> usize {
        self.slots.len().wrapping_sub(1)
    }

    /// The first slot probed for a hash: the top bits of a Fibonacci multiply, so
    /// sequential integer ids (invoice numbers) spread over the table whatever the
    /// low bits of their hash look like.
    fn start(&self, hash: u64) -> usize {
        let bits = self.slots.len().trailing_zeros();
        if bits == 0 {
            return 0;
        }
        (hash.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (64 - bits)) as usize
    }

    /// The position whose key `eq` accepts, probing from `hash`.
    fn find(&self, hash: u64, eq: impl Fn(usize) -> bool) -> Option<usize> {
        if self.slots.is_empty() {
            return None;
        }
        let mask = self.mask();
        let mut at = self.start(hash);
        loop {
            let slot = *self.slots.get(at)?;
            if slot == 0 {
                return None;
            }
            let pos = (slot - 1) as usize;
            if eq(pos) {
                return Some(pos);
            }
            at = (at + 1) & mask;
        }
    }

    /// Insert a position known to be absent.
    fn insert(&mut self, hash: u64, pos: u32) {
        let mask = self.mask();
        let mut at = self.start(hash);
        while let Some(slot) = self.slots.get_mut(at) {
            if *slot == 0 {
                *slot = pos + 1;
                self.len += 1;
                return;
            }
            at = (at + 1) & mask;
        }
    }
}

/// A column of unique ids with its index.
#[derive(Debug, Clone)]
pub(crate) struct IdColumn {
    /// Integer ids, when every id came as an integer.
    ints: Option<Vec<i64>>,
    /// Text ids (all of them when `ints` is None; for customers, also the text of
    /// integer ids, so reports can borrow a customer's id as text).
    text: TextArena,
    keep_text: bool,
    /// Integer ids numbered in sequence from the first (`first + position`, as ERPs
    /// number invoices and payments): found by subtraction, with no index at all
    /// until an id breaks the sequence.
    dense: bool,
    table: Table,
    hasher: foldhash::fast::RandomState,
}

impl Default for IdColumn {
    fn default() -> Self {
        IdColumn::new(false)
    }
}

fn hash_int(h: &foldhash::fast::RandomState, n: i64) -> u64 {
    h.hash_one(n)
}

fn hash_str(h: &foldhash::fast::RandomState, s: &str) -> u64 {
    h.hash_one(s)
}

impl IdColumn {
    /// An empty column; `keep_text` keeps the text of integer ids too.
    pub(crate) fn new(keep_text: bool) -> IdColumn {
        IdColumn {
            ints: None,
            text: TextArena::default(),
            keep_text,
            dense: false,
            table: Table::default(),
            hasher: foldhash::fast::RandomState::default(),
        }
    }

    pub(crate) fn len(&self) -> usize {
        match &self.ints {
            Some(v) => v.len(),
            None => self.text.len(),
        }
    }

    /// The ids, when they are integers.
    pub(crate) fn ints(&self) -> Option<&[i64]> {
        self.ints.as_deref()
    }

    /// Whether ids are integers.
    pub(crate) fn is_int(&self) -> bool {
        self.ints.is_some()
    }

    pub(crate) fn get(&self, ix: usize) -> Option<IdRef<'_>> {
        match &self.ints {
            Some(v) => v.get(ix).map(|n| IdRef::Int(*n)),
            None => self.text.get(ix).map(IdRef::Str),
        }
    }

    /// The id as text, when it is stored as text.
    pub(crate) fn text(&self, ix: usize) -> Option<&str> {
        self.text.get(ix)
    }

    fn key_hash(&self, ix: usize) -> u64 {
        match &self.ints {
            Some(v) => hash_int(&self.hasher, v.get(ix).copied().unwrap_or_default()),
            None => hash_str(&self.hasher, self.text.get(ix).unwrap_or_default()),
        }
    }

    /// Position of an id.
    pub(crate) fn find(&self, id: IdRef<'_>) -> Option<usize> {
        match (&self.ints, id) {
            (Some(v), IdRef::Int(n)) if self.dense => {
                let k = usize::try_from(n.checked_sub(*v.first()?)?).ok()?;
                (k < v.len()).then_some(k)
            }
            (Some(v), IdRef::Int(n)) => self
                .table
                .find(hash_int(&self.hasher, n), |p| v.get(p) == Some(&n)),
            (Some(_), IdRef::Str(s)) => self.find(IdRef::Int(IdRef::canonical_int(s)?)),
            (None, IdRef::Str(s)) => self
                .table
                .find(hash_str(&self.hasher, s), |p| self.text.get(p) == Some(s)),
            (None, IdRef::Int(n)) => {
                let buf = itoa_buf(n);
                self.find(IdRef::Str(buf.as_str()))
            }
        }
    }

    pub(crate) fn reserve(&mut self, n: usize) {
        if let Some(v) = &mut self.ints {
            v.reserve(n);
        }
        self.text.reserve(n);
        self.grow_for(self.len() + n);
    }

    fn grow_for(&mut self, n: usize) {
        if self.dense {
            return;
        }
        let want = (n.max(8) * 2).next_power_of_two();
        if want <= self.table.slots.len() {
            return;
        }
        self.table = Table {
            slots: vec![0; want],
            len: 0,
        };
        for p in 0..self.len() {
            let h = self.key_hash(p);
            self.table.insert(h, p as u32);
        }
    }

    #[cfg(test)]
    /// Append an id; `Err(true)` when it is already there, `Err(false)` when the
    /// column is full (2^32 − 1 ids or 4 GiB of text).
    pub(crate) fn push(&mut self, id: IdRef<'_>) -> Result<usize, bool> {
        if self.find(id).is_some() {
            return Err(true);
        }
        self.push_new(id).ok_or(false)
    }

    /// Append an id the caller found absent; `None` when the column is full.
    pub(crate) fn push_new(&mut self, id: IdRef<'_>) -> Option<usize> {
        let pos = self.len();
        let Ok(pos32) = u32::try_from(pos) else {
            return None;
        };
        if pos32 == u32::MAX {
            return None;
        }
        // The first id decides the column's kind; a text id that is not an integer
        // turns an integer column into text.
        if pos == 0 && self.ints.is_none() && self.text.len() == 0 {
            if let IdRef::Int(_) = id {
                self.ints = Some(Vec::new());
                self.dense = true;
            }
        }
        // An integer out of sequence ends the dense numbering: index every id so far.
        if self.dense {
            let next = self
                .ints
                .as_ref()
                .and_then(|v| v.first().map(|f| f.checked_add(pos as i64)));
            let in_sequence = match (next, id) {
                (None, IdRef::Int(_)) => true,
                (Some(Some(want)), IdRef::Int(n)) => n == want,
                (Some(Some(want)), IdRef::Str(s)) => IdRef::canonical_int(s) == Some(want),
                _ => false,
            };
            if !in_sequence {
                self.dense = false;
                self.grow_for(pos.max(1));
            }
        }
        let id = match (&self.ints, id) {
            (Some(_), IdRef::Str(s)) => match IdRef::canonical_int(s) {
                Some(n) => IdRef::Int(n),
                None => {
                    self.make_text();
                    id
                }
            },
            _ => id,
        };
        // Grow before the new key is stored: growing re-seats the stored keys.
        self.grow_for(pos + 1);
        match (&mut self.ints, id) {
            (Some(v), IdRef::Int(n)) => {
                if self.keep_text && !self.text.push(&n.to_string()) {
                    return None;
                }
                v.push(n);
            }
            (_, IdRef::Str(s)) => {
                if !self.text.push(s) {
                    return None;
                }
            }
            (None, IdRef::Int(n)) => {
                if !self.text.push(&n.to_string()) {
                    return None;
                }
            }
        }
        if !self.dense {
            let h = self.key_hash(pos);
            self.table.insert(h, pos32);
        }
        Some(pos)
    }

    /// Turn an integer column into text (a text id arrived that is no integer).
    fn make_text(&mut self) {
        let Some(ints) = self.ints.take() else { return };
        self.dense = false;
        if !self.keep_text {
            let mut t = TextArena::default();
            t.reserve(ints.len());
            for n in &ints {
                t.push(&n.to_string());
            }
            self.text = t;
        }
        let n = self.len();
        self.table = Table::default();
        self.grow_for(n);
    }

    pub(crate) fn heap_bytes(&self) -> usize {
        self.ints.as_ref().map_or(0, |v| v.capacity() * 8)
            + self.text.heap_bytes()
            + self.table.slots.capacity() * 4
    }
}

/// An integer written in a small stack buffer, for looking an integer up among text
/// ids without allocating.
struct ItoaBuf {
    buf: [u8; 20],
    start: usize,
}

impl ItoaBuf {
    fn as_str(&self) -> &str {
        std::str::from_utf8(self.buf.get(self.start..).unwrap_or_default()).unwrap_or_default()
    }
}

fn itoa_buf(n: i64) -> ItoaBuf {
    let mut buf = [0u8; 20];
    let mut at = buf.len();
    let neg = n < 0;
    let mut v = n.unsigned_abs();
    loop {
        at -= 1;
        if let Some(b) = buf.get_mut(at) {
            *b = b'0' + (v % 10) as u8;
        }
        v /= 10;
        if v == 0 {
            break;
        }
    }
    if neg {
        // i64::MIN has 19 digits: there is room for the sign.
        at -= 1;
        if let Some(b) = buf.get_mut(at) {
            *b = b'-';
        }
    }
    ItoaBuf { buf, start: at }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ints_and_text() {
        let mut c = IdColumn::new(false);
        assert_eq!(c.push(IdRef::Int(42)), Ok(0));
        assert_eq!(c.push(IdRef::Str("7")), Ok(1));
        assert_eq!(c.push(IdRef::Int(42)), Err(true));
        assert!(c.is_int());
        assert_eq!(c.find(IdRef::Str("42")), Some(0));
        assert_eq!(c.find(IdRef::Str("042")), None);
        assert_eq!(c.push(IdRef::Str("F-1")), Ok(2));
        assert!(!c.is_int());
        assert_eq!(c.find(IdRef::Int(7)), Some(1));
        assert_eq!(c.find(IdRef::Str("F-1")), Some(2));
        for n in 0..1000 {
            assert!(c.push(IdRef::Int(n * 7919 + 100)).is_ok());
        }
        assert_eq!(c.find(IdRef::Int(999 * 7919 + 100)), Some(1002));
        assert_eq!(itoa_buf(i64::MIN).as_str(), "-9223372036854775808");
        assert_eq!(IdRef::canonical_int("-0"), None);
        // Numbered in sequence: found by subtraction until the sequence breaks.
        let mut d = IdColumn::new(false);
        for n in 100..200 {
            assert_eq!(d.push(IdRef::Int(n)), Ok((n - 100) as usize));
        }
        assert!(d.dense && d.table.slots.is_empty());
        assert_eq!(d.find(IdRef::Int(150)), Some(50));
        assert_eq!(d.find(IdRef::Int(99)), None);
        assert_eq!(d.find(IdRef::Int(200)), None);
        assert_eq!(d.find(IdRef::Str("101")), Some(1));
        assert_eq!(d.push(IdRef::Int(150)), Err(true));
        assert_eq!(d.push(IdRef::Int(7)), Ok(100));
        assert!(!d.dense);
        assert_eq!(d.find(IdRef::Int(150)), Some(50));
        assert_eq!(d.find(IdRef::Int(7)), Some(100));
        assert_eq!(d.push(IdRef::Str("X")), Ok(101));
        assert_eq!(d.find(IdRef::Int(199)), Some(99));
        assert_eq!(IdRef::canonical_int("0"), Some(0));
        assert_eq!(IdRef::canonical_int("+1"), None);
    }
}
