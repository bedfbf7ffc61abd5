//! One object used from several Python threads.
//!
//! Read-only methods release the GIL while they compute (a report over a million
//! items), holding a shared borrow of the object. A method that changes the object
//! needs an exclusive borrow; pyo3's own check would then raise
//! `RuntimeError: Already borrowed` in the second thread. These methods wait instead,
//! with the GIL released, until the readers are done, as a lock would; Ctrl-C still
//! interrupts the wait.

use std::sync::{Arc, PoisonError, RwLock};
use std::time::Duration;

use pyo3::PyClass;
use pyo3::prelude::*;
use pyo3::pyclass::boolean_struct::False;

/// An exclusive borrow of `slf`, waiting while other threads read it.
pub fn borrow_mut_waiting<'py, T: PyClass<Frozen = False>>(
    slf: &Bound<'py, T>,
) -> PyResult<PyRefMut<'py, T>> {
    let py = slf.py();
    let mut pause = Duration::from_micros(50);
    loop {
        if let Ok(r) = slf.try_borrow_mut() {
            return Ok(r);
        }
        py.check_signals()?;
        py.detach(|| std::thread::sleep(pause));
        pause = (pause * 2).min(Duration::from_millis(5));
    }
}

/// The state of an object several Python threads use at once (a ledger, a dunning
/// history): readers take a snapshot, writers change it in place.
///
/// A report releases the GIL for seconds. Holding pyo3's borrow all that time, as a
/// `&self` method does, starves a writer in another thread: it only ever gets the GIL
/// back while a report runs, so it never sees the object free (the two thread tests
/// of issue #9 hung on that). Here a reader clones an `Arc` under a lock held for
/// nanoseconds and computes on it with the GIL released; a writer takes the lock and
/// changes the value, copying it first only if a reader is still computing on the old
/// one (copy on write, as `Arc::make_mut` does). Readers see the state as of their
/// call, never a half-made change; neither side waits for the other's computation.
pub struct Shared<T>(RwLock<Arc<T>>);

impl<T> Shared<T> {
    /// Share `value`.
    pub fn new(value: T) -> Self {
        Shared(RwLock::new(Arc::new(value)))
    }

    /// The current state, for reading: later writes do not change it.
    pub fn get(&self) -> Arc<T> {
        // A panic inside `update` is caught by pyo3 and reported; the value it left is
        // still a whole value (the core changes nothing when it refuses an event).
        Arc::clone(&self.0.read().unwrap_or_else(PoisonError::into_inner))
    }
}

impl<T: Clone> Shared<T> {
    /// Change the state; copies it first when a reader still holds the old one.
    pub fn update<R>(&self, change: impl FnOnce(&mut T) -> R) -> R {
        let mut guard = self.0.write().unwrap_or_else(PoisonError::into_inner);
        change(Arc::make_mut(&mut guard))
    }
}

impl<T> Clone for Shared<T> {
    /// Another object starting from the same state; they part on the next write.
    fn clone(&self) -> Self {
        Shared(RwLock::new(self.get()))
    }
}

impl<T: Default> Default for Shared<T> {
    fn default() -> Self {
        Shared::new(T::default())
    }
}

impl<T: PartialEq> PartialEq for Shared<T> {
    fn eq(&self, other: &Self) -> bool {
        *self.get() == *other.get()
    }
}

#[cfg(test)]
mod tests {
    use super::Shared;

    #[test]
    fn a_reader_keeps_the_state_of_its_call_while_a_writer_changes_it() {
        let shared = Shared::new(vec![1, 2, 3]);
        let before = shared.get();
        shared.update(|v| v.push(4));
        assert_eq!(*before, vec![1, 2, 3]);
        assert_eq!(*shared.get(), vec![1, 2, 3, 4]);
        // No reader left: the write happens in place, without a copy.
        let address = std::sync::Arc::as_ptr(&shared.get());
        shared.update(|v| v.push(5));
        assert_eq!(std::sync::Arc::as_ptr(&shared.get()), address);
    }
}
