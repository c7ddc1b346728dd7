//! shirube-vuln.
