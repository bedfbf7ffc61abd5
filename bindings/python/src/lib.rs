//! Python package over encours-core (under construction).
