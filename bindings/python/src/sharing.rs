//! One object used from several Python threads.
//!
//! Read-only methods release the GIL while they compute (a report over a million
//! items), holding a shared borrow of the object. A method that changes the object
//! needs an exclusive borrow; pyo3's own check would then raise
//! `RuntimeError: Already borrowed` in the second thread. These methods wait instead,
//! with the GIL released, until the readers are done, as a lock would; Ctrl-C still
//! interrupts the wait.

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
