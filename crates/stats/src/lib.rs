//! Shirube's public statistics core: size classes under 中小企業基本法 Art. 2, the fixed
//! table set with its disclosure control, and KPI trajectories. Pure: no I/O, no clock.
#![doc = include_str!("../README.md")]

pub mod sdc;
pub mod selfsufficiency;
pub mod sme;
pub mod trajectory;
