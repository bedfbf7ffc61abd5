//! Building blocks of the columnar store: CSR indexes, sparse side tables, day
//! numbers.

use std::collections::HashMap;

use chrono::NaiveDate;

/// Day numbers are days since 1970-01-01 (Arrow's `date32`), so dates go out to Arrow
/// as a copy of the column.
pub(crate) const CE_TO_EPOCH: i32 = 719_163;

/// The day number of a date. Every `NaiveDate` fits (chrono's range is ±262,142
/// years, about ±96 million days).
pub(crate) fn day(d: NaiveDate) -> i32 {
    chrono::Datelike::num_days_from_ce(&d) - CE_TO_EPOCH
}

/// The date of a day number (clamped to chrono's range, which every stored day is in).
pub(crate) fn date(day: i32) -> NaiveDate {
    NaiveDate::from_num_days_from_ce_opt(day.saturating_add(CE_TO_EPOCH)).unwrap_or(if day < 0 {
        NaiveDate::MIN
    } else {
        NaiveDate::MAX
    })
}

/// First and last day a stored date may have: years 1 to 9999, the range every
/// Arrow, SQL and ISO 8601 consumer reads.
pub(crate) const FIRST_DAY: i32 = -719_162;
pub(crate) const LAST_DAY: i32 = 2_932_896;

/// "No date" in a column of day numbers.
pub(crate) const NO_DAY: i32 = i32::MIN;

/// Lists by group in compressed sparse rows, built in one pass over a column of
/// group numbers; what is added after the build goes to a per-group side list.
#[derive(Debug, Clone, Default)]
pub(crate) struct Csr {
    /// `offsets[g]..offsets[g + 1]` is group `g`'s part of `list`.
    offsets: Vec<u32>,
    list: Vec<u32>,
    extra: HashMap<u32, Vec<u32>, foldhash::fast::RandomState>,
}

impl Csr {
    /// Group the positions `0..groups_of.len()` by `groups_of[pos]` (values at or past
    /// `groups` are left out), each group in increasing position.
    pub(crate) fn build(groups: usize, groups_of: impl Iterator<Item = u32> + Clone) -> Csr {
        Csr::build_pairs(groups, groups_of.enumerate().map(|(p, g)| (g, p as u32)))
    }

    /// Group `(group, value)` pairs, each group keeping the pairs' order.
    pub(crate) fn build_pairs(
        groups: usize,
        pairs: impl Iterator<Item = (u32, u32)> + Clone,
    ) -> Csr {
        let mut offsets = vec![0u32; groups + 1];
        for (g, _) in pairs.clone() {
            if let Some(o) = offsets.get_mut(g as usize + 1) {
                *o += 1;
            }
        }
        let mut run = 0u32;
        for o in offsets.iter_mut() {
            run += *o;
            *o = run;
        }
        let mut list = vec![0u32; run as usize];
        let mut next: Vec<u32> = offsets.clone();
        for (g, value) in pairs {
            if let Some(n) = next.get_mut(g as usize)
                && let Some(slot) = list.get_mut(*n as usize)
            {
                *slot = value;
                *n += 1;
            }
        }
        Csr {
            offsets,
            list,
            extra: HashMap::default(),
        }
    }

    /// Add `value` at the end of group `g`.
    pub(crate) fn push(&mut self, g: u32, value: u32) {
        self.extra.entry(g).or_default().push(value);
    }

    /// Group `g`'s values, in order.
    pub(crate) fn get(&self, g: u32) -> (&[u32], &[u32]) {
        let g = g as usize;
        let base = match (self.offsets.get(g), self.offsets.get(g + 1)) {
            (Some(s), Some(e)) => self.list.get(*s as usize..*e as usize).unwrap_or_default(),
            _ => &[],
        };
        let extra = self.extra.get(&(g as u32)).map_or(&[][..], Vec::as_slice);
        (base, extra)
    }

    pub(crate) fn heap_bytes(&self) -> usize {
        self.offsets.capacity() * 4
            + self.list.capacity() * 4
            + self
                .extra
                .values()
                .map(|v| v.capacity() * 4 + 32)
                .sum::<usize>()
    }
}

/// Values for a few positions of a column (references, disputes, blocks), sorted by
/// position: records are only appended, so pushes keep the order.
#[derive(Debug, Clone)]
pub(crate) struct Sparse<T> {
    entries: Vec<(u32, T)>,
}

impl<T> Default for Sparse<T> {
    fn default() -> Self {
        Sparse {
            entries: Vec::new(),
        }
    }
}

impl<T> Sparse<T> {
    pub(crate) fn get(&self, pos: u32) -> Option<&T> {
        if self.entries.is_empty() {
            return None;
        }
        self.entries
            .binary_search_by_key(&pos, |(p, _)| *p)
            .ok()
            .and_then(|i| self.entries.get(i))
            .map(|(_, v)| v)
    }

    /// Set the value of the last position (positions are pushed in order).
    pub(crate) fn push(&mut self, pos: u32, value: T) {
        self.entries.push((pos, value));
    }

    pub(crate) fn len(&self) -> usize {
        self.entries.len()
    }

    pub(crate) fn capacity(&self) -> usize {
        self.entries.capacity()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csr_groups_in_order() {
        let mut c = Csr::build(3, [2u32, 0, 2, 1, 0].into_iter());
        assert_eq!(c.get(0), (&[1u32, 4][..], &[][..]));
        assert_eq!(c.get(2), (&[0u32, 2][..], &[][..]));
        c.push(2, 9);
        assert_eq!(c.get(2), (&[0u32, 2][..], &[9u32][..]));
        assert_eq!(c.get(7), (&[][..], &[][..]));
    }

    #[test]
    fn days() {
        let d = NaiveDate::from_ymd_opt(1970, 1, 1).unwrap();
        assert_eq!(day(d), 0);
        assert_eq!(day(NaiveDate::from_ymd_opt(1, 1, 1).unwrap()), FIRST_DAY);
        assert_eq!(
            day(NaiveDate::from_ymd_opt(9999, 12, 31).unwrap()),
            LAST_DAY
        );
        assert_eq!(date(day(NaiveDate::MAX)), NaiveDate::MAX);
        assert_eq!(date(day(NaiveDate::MIN)), NaiveDate::MIN);
    }
}
