//! shirube-server.
