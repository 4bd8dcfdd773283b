//! The mathematics of ownership and control, knowing nothing of the law: exact participation
//! through chains and cycles, the chains themselves, and the control fixpoint. The law
//! ([`crate::law`]) decides who qualifies, what is foreign and which thresholds apply.

pub mod batch;
pub mod chains;
pub mod components;
pub mod control;
pub mod interval;
pub mod linear;
pub mod participation;

pub use chains::{Chain, ChainLimits, Chains};
pub use control::{Channel, ControlNetwork, GroupControl, Lever, Node, Right};
pub use participation::{Ancestry, Attribution, ClosedLoop, Measure, Terminal, UltimateShare, attribute};
