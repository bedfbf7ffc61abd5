//! Deterministic synthetic ledgers (under construction).
