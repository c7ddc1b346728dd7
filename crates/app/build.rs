//! Rebuilds the crate when a translation changes: `static_loader!` embeds `locales/` at
//! compile time but does not tell cargo, so an edited `.ftl` alone would leave stale texts.

fn main() {
    println!("cargo:rerun-if-changed=locales");
}
