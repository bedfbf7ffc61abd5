//! C library over encours-core (under construction).
