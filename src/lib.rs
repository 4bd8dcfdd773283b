//! owngraph: who owns and who controls a rights holder, answered with exact arithmetic and a
//! proof a reviewer can follow (Rules of the software registers, Decree 1236: p. 5 "а",
//! p. 42 "а", p. 5¹ "а", p. 10 "б").
//!
//! Layers, each depending only on those before it:
//! [`input`] → [`model`] → [`analysis`] → [`law`] → [`report`] → `cli`.

#![warn(missing_docs)]

pub mod analysis;
pub mod fraction;
pub mod incremental;
pub mod input;
pub mod law;
pub mod model;
pub mod report;
pub mod synth;

pub use fraction::{Fraction, Share};
