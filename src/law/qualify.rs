//! Who qualifies under each regime, and who is foreign (docs/DOMAIN.md, table of parties):
//! p. 5 "а" lists the Russian Federation, its regions and municipalities, Russian citizens and
//! Russian nonprofits without predominant foreign participation; p. 42 "а" lists the member
//! states of the EAEU other than Russia (p. 2), their citizens and such nonprofits; p. 5¹ "а"
//! names the foreign persons whose control disqualifies.

use serde::Serialize;

use super::policy::{DualCitizens, Policies, Regime};
use super::wording::{Param, Statement};
use crate::model::{Country, Party, PartyKind};

/// Whether a holder counts towards the regime's share.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Counts.
    Qualifying,
    /// Does not count.
    NotQualifying,
    /// Not known from the input: counts only in the upper bound.
    Unknown,
}

impl Status {
    /// The JSON spelling.
    pub fn as_str(&self) -> &'static str {
        match self {
            Status::Qualifying => "qualifying",
            Status::NotQualifying => "not_qualifying",
            Status::Unknown => "unknown",
        }
    }

    /// `Some(true)` / `Some(false)` / `None`.
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Status::Qualifying => Some(true),
            Status::NotQualifying => Some(false),
            Status::Unknown => None,
        }
    }
}

/// A holder's status with the words that justify it.
#[derive(Clone, Debug, Serialize)]
pub struct Classification {
    /// Counts or not.
    pub status: Status,
    /// Why.
    pub basis: Statement,
}

impl Classification {
    fn new(status: Status, basis: Statement) -> Classification {
        Classification { status, basis }
    }
}

/// Whether a party is foreign for the control test.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Foreignness {
    /// A foreign state, organization, structure or person.
    Foreign,
    /// Not foreign.
    Domestic,
    /// An undisclosed party: may be either.
    Unknown,
}

fn codes(cs: &[Country]) -> String {
    cs.iter().map(Country::as_str).collect::<Vec<_>>().join(", ")
}

fn is_home(c: &Country, regime: Regime) -> bool {
    match regime {
        Regime::Ru | Regime::Pak => c.is_russia(),
        // For the Eurasian register a controller from Russia or another member state is not a
        // "foreign person" (the Rules speak of the Union as a whole).
        Regime::Eaeu => c.is_russia() || c.is_eaeu_member(),
    }
}

/// Is `party` foreign for the control test of `regime`? For `pak` and `ru`: anyone not of
/// Russia (p. 5¹ "а"); a person is foreign without Russian citizenship, or under policy P1
/// `foreign` when they hold another one too. For `eaeu`: anyone not of Russia or another member
/// state (P1 `foreign` again not counting the Russian citizenship of a dual citizen).
pub fn foreignness(party: &Party, regime: Regime, policies: &Policies) -> Foreignness {
    match party.kind {
        PartyKind::Region | PartyKind::Municipality => Foreignness::Domestic,
        PartyKind::InternationalOrg | PartyKind::ForeignStructure => Foreignness::Foreign,
        PartyKind::Unknown => Foreignness::Unknown,
        PartyKind::State | PartyKind::Company | PartyKind::Nonprofit => match party.country {
            Some(c) if is_home(&c, regime) => Foreignness::Domestic,
            _ => Foreignness::Foreign,
        },
        PartyKind::Person => {
            // Policy P1 `foreign`: a Russian citizen with another citizenship is not Russian.
            let drop_russia = policies.dual_citizens == DualCitizens::Foreign && party.is_dual_citizen();
            let home = party.citizenship.iter().filter(|c| !(drop_russia && c.is_russia())).any(|c| is_home(c, regime));
            if home { Foreignness::Domestic } else { Foreignness::Foreign }
        }
    }
}

/// Why a holder that is not a company or a nonprofit counts or not: the law's decision, without
/// its words (see [`Basis::statement`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Basis {
    /// An undisclosed holder.
    UnknownHolder,
    /// An international organization.
    InternationalOrg,
    /// A foreign structure without a legal entity.
    ForeignStructure,
    /// The Russian Federation.
    RussianFederation,
    /// A foreign state.
    ForeignState,
    /// An EAEU member state other than Russia.
    EaeuState,
    /// Russia under p. 42 "а" (p. 2 excludes it).
    RussiaNotMember,
    /// A region of the Russian Federation.
    Region,
    /// A municipality.
    Municipality,
    /// A Russian region or municipality under p. 42 "а".
    RussianPublicNotMember,
    /// A Russian citizen.
    RussianCitizen,
    /// A Russian citizen with another citizenship, counted as Russian (P1 russian).
    RussianDualCitizen,
    /// A dual citizen not counted (P1 foreign).
    DualCitizenForeign,
    /// A foreign citizen.
    ForeignCitizen,
    /// A Russian citizen under p. 42 "а".
    RussianCitizenNotMember,
    /// A citizen of an EAEU member state.
    EaeuCitizen,
    /// A stateless person: no citizenship, so not Russian, not of a member state, foreign.
    Stateless,
}

impl Basis {
    /// Counts, does not count, or unknown.
    pub fn status(self) -> Status {
        use Basis::*;
        match self {
            UnknownHolder => Status::Unknown,
            RussianFederation | EaeuState | Region | Municipality | RussianCitizen | RussianDualCitizen
            | EaeuCitizen => Status::Qualifying,
            _ => Status::NotQualifying,
        }
    }

    /// The words of the basis for `party`.
    pub fn statement(self, party: &Party) -> Statement {
        use Basis::*;
        let country = || Param::text(party.country.map(|c| c.as_str().to_string()).unwrap_or_default());
        let cit = || Param::text(codes(&party.citizenship));
        let st = Statement::new;
        // A person's basis quotes where the citizenship comes from, when the input says.
        let source = || match party.citizenship_source() {
            Some(src) => Param::Statement(Box::new(st("qual.citizenship_source").with("source", Param::text(src)))),
            None => Param::text(""),
        };
        let person = |s: Statement| s.with("source", source());
        match self {
            UnknownHolder => st("qual.unknown_holder"),
            InternationalOrg => st("qual.international_org"),
            ForeignStructure => st("qual.foreign_structure"),
            RussianFederation => st("qual.russian_federation"),
            ForeignState => st("qual.foreign_state").with("country", country()),
            EaeuState => st("qual.eaeu_state").with("country", country()),
            RussiaNotMember => st("qual.russia_not_member"),
            Region => st("qual.region"),
            Municipality => st("qual.municipality"),
            RussianPublicNotMember => st("qual.russian_public_not_member"),
            RussianCitizen => person(st("qual.russian_citizen")),
            RussianDualCitizen => person(st("qual.russian_dual_citizen").with("citizenship", cit())),
            DualCitizenForeign => person(st("qual.dual_citizen_foreign").with("citizenship", cit())),
            ForeignCitizen => person(st("qual.foreign_citizen").with("citizenship", cit())),
            RussianCitizenNotMember => person(st("qual.russian_citizen_not_member")),
            EaeuCitizen => {
                let member: Vec<Country> = party.citizenship.iter().copied().filter(Country::is_eaeu_member).collect();
                person(st("qual.eaeu_citizen").with("citizenship", Param::text(codes(&member))))
            }
            Stateless => person(st("qual.stateless")),
        }
    }
}

/// Decides whether a holder that is not a company or a nonprofit counts under `regime` (p. 5
/// "а", p. 42 "а"); `None` for companies and nonprofits (those need computation).
pub fn judge(party: &Party, regime: Regime, policies: &Policies) -> Option<Basis> {
    use Basis::*;
    Some(match (regime, party.kind) {
        (_, PartyKind::Company | PartyKind::Nonprofit) => return None,
        (_, PartyKind::Unknown) => UnknownHolder,
        (_, PartyKind::InternationalOrg) => InternationalOrg,
        (_, PartyKind::ForeignStructure) => ForeignStructure,
        (Regime::Ru | Regime::Pak, PartyKind::State) => match party.country {
            Some(c) if c.is_russia() => RussianFederation,
            _ => ForeignState,
        },
        (Regime::Eaeu, PartyKind::State) => match party.country {
            Some(c) if c.is_eaeu_member() => EaeuState,
            Some(c) if c.is_russia() => RussiaNotMember,
            _ => ForeignState,
        },
        (Regime::Ru | Regime::Pak, PartyKind::Region) => Region,
        (Regime::Ru | Regime::Pak, PartyKind::Municipality) => Municipality,
        (Regime::Eaeu, PartyKind::Region | PartyKind::Municipality) => RussianPublicNotMember,
        (_, PartyKind::Person) if party.is_stateless() => Stateless,
        (Regime::Ru | Regime::Pak, PartyKind::Person) => {
            if !party.is_russian_citizen() {
                ForeignCitizen
            } else if party.is_dual_citizen() {
                match policies.dual_citizens {
                    DualCitizens::Russian => RussianDualCitizen,
                    DualCitizens::Foreign => DualCitizenForeign,
                }
            } else {
                RussianCitizen
            }
        }
        (Regime::Eaeu, PartyKind::Person) => {
            // P1 is about Russian citizens, who do not count here anyway: a citizen of a member
            // state counts whatever else they hold.
            if party.citizenship.iter().any(Country::is_eaeu_member) {
                EaeuCitizen
            } else if party.is_russian_citizen() {
                RussianCitizenNotMember
            } else {
                ForeignCitizen
            }
        }
    })
}

/// Classifies a holder that is not a company or a nonprofit (those need computation), with the
/// words of its basis. Returns `None` for companies and nonprofits.
pub fn classify_direct(party: &Party, regime: Regime, policies: &Policies) -> Option<Classification> {
    judge(party, regime, policies).map(|b| Classification::new(b.status(), b.statement(party)))
}

/// For the note of p. 2: would this holder count if Russia were a member state? True for the
/// Russian Federation, its regions and municipalities and Russian citizens.
pub fn russian_public_or_citizen(party: &Party, policies: &Policies) -> bool {
    judge(party, Regime::Ru, policies).is_some_and(|b| b.status() == Status::Qualifying)
}
