//! The regimes owngraph tests and the policies where the law admits more than one reading
//! (docs/DOMAIN.md, "Policies"). Every report states the policies it used.

use serde::Serialize;

use crate::analysis::Measure;

/// A question of the Rules of Decree 1236.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, PartialOrd, Ord)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
#[serde(rename_all = "snake_case")]
pub enum Regime {
    /// The Russian register: p. 5 "а" (also p. 11 "б" of Decree 1936).
    Ru,
    /// The Eurasian register: p. 42 "а".
    Eaeu,
    /// Hardware-software complexes: p. 5¹ "а", no foreign control.
    Pak,
}

impl Regime {
    /// The spelling used in options and JSON.
    pub fn as_str(&self) -> &'static str {
        match self {
            Regime::Ru => "ru",
            Regime::Eaeu => "eaeu",
            Regime::Pak => "pak",
        }
    }

    /// The rule point tested.
    pub fn rule(&self) -> &'static str {
        match self {
            Regime::Ru => "p. 5 \"а\"",
            Regime::Eaeu => "p. 42 \"а\"",
            Regime::Pak => "p. 5¹ \"а\"",
        }
    }

    /// The rule point that says what the application must disclose.
    pub fn disclosure_rule(&self) -> &'static str {
        match self {
            Regime::Ru => "p. 10 \"б\"",
            Regime::Eaeu => "p. 47 \"б\"",
            Regime::Pak => "",
        }
    }
}

/// P1: is a person with Russian and another citizenship a Russian citizen?
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Default)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
#[serde(rename_all = "snake_case")]
pub enum DualCitizens {
    /// Yes: the literal reading, Federal Law 62-FZ art. 6 (default).
    #[default]
    Russian,
    /// No: a foreign investor as Federal Law 57-FZ art. 3 has it.
    Foreign,
}

/// P3: where a nonprofit's status "без преобладающего иностранного участия" comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Default)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
#[serde(rename_all = "snake_case")]
pub enum NonprofitStatus {
    /// Computed from `governs` and control (default); a declaration in the input is reported
    /// when it differs, not used.
    #[default]
    Computed,
    /// A declaration in the input wins wherever there is one.
    Declared,
}

/// P4: what a direct share is measured on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Default)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
#[serde(rename_all = "snake_case")]
pub enum ParticipationBase {
    /// The charter capital (default).
    #[default]
    Capital,
    /// The votes: voting shares of a joint-stock company (Tax Code art. 105.2 p. 2).
    Votes,
}

impl ParticipationBase {
    /// The measure the participation solver uses.
    pub fn measure(&self) -> Measure {
        match self {
            ParticipationBase::Capital => Measure::Capital,
            ParticipationBase::Votes => Measure::Votes,
        }
    }
}

/// The policies of one analysis.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Default)]
pub struct Policies {
    /// P1.
    pub dual_citizens: DualCitizens,
    /// P2: separate foreign persons are one group.
    pub aggregate_foreign: bool,
    /// P3.
    pub nonprofit_status: NonprofitStatus,
    /// P4.
    pub participation_base: ParticipationBase,
}
