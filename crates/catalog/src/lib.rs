//! shirube-catalog.
