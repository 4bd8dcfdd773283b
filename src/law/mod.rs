//! The law: who qualifies under which regime (p. 5 "а", p. 42 "а"), who is foreign and when
//! control is foreign (p. 5¹ "а"), what must be disclosed (p. 10 "б", p. 47 "б"), the policies
//! where the law admits readings, and the words of the answers. It calls the mathematics of
//! [`crate::analysis`] and produces plain values every report renders.

pub mod bods_check;
pub mod check;
pub mod control;
pub mod disclosure;
pub mod disclosure_document;
pub mod engine;
pub mod matching;
pub mod nonprofit;
pub mod participation;
pub mod policy;
pub mod qualify;
pub mod verdict;
pub mod verification;
pub mod wording;

pub use check::{CheckOptions, CheckReport, check};
pub use policy::{DualCitizens, NonprofitStatus, ParticipationBase, Policies, Regime};
pub use verdict::Verdict;
pub use wording::{Lang, Statement};
