//! Integration tests: the real router over HTTP, on SQLite always and on PostgreSQL when
//! `SHIRUBE_TEST_POSTGRES` holds a URL.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod accounts;
mod assessments;
mod authz;
mod backup;
mod buyers;
mod criterion_form;
mod experts;
mod experts2;
mod industry;
mod intel;
mod intel2;
mod intel3;
mod intel_conformance;
mod openapi;
mod pages;
mod portfolio;
mod public;
mod public2;
mod public3;
mod review;
mod scans;
mod support;
mod trust;
mod workspace;
