//! shirube-assess.
