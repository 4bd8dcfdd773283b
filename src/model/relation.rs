//! Relations between parties (docs/DOMAIN.md, "Relations"), each an interest of the holder in the
//! held entity, typed from a closed list as in the Beneficial Ownership Data Standard:
//! shares (p. 5 "а": participation), vote disposal, decision rights, appointment and management
//! company (the four indicators of p. 5¹ "а"), and the forming of a nonprofit's supreme body.

use super::InvalidValue;
use chrono::NaiveDate;
use serde::Serialize;

use super::party::{Origin, PartyIdx};
use crate::fraction::{CompactShare, Share};

/// Index of a relation in its [`Graph`](super::Graph).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct RelationIdx(u32);

impl RelationIdx {
    /// The relation at position `i`.
    pub fn new(i: usize) -> RelationIdx {
        RelationIdx(i as u32)
    }

    /// Its position, for indexing per-relation arrays.
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// On what basis a party disposes of votes it does not own (p. 5¹ "а", first indicator).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DisposalBasis {
    /// Договор доверительного управления имуществом.
    TrustManagement,
    /// Договор простого товарищества.
    SimplePartnership,
    /// Договор поручения.
    Agency,
    /// Залог: a pledgee votes only under such a relation (docs/DOMAIN.md, "Policies").
    Pledge,
    /// Другие сделки или иные основания.
    Other,
}

impl DisposalBasis {
    /// Every basis.
    pub const ALL: [DisposalBasis; 5] = [
        DisposalBasis::TrustManagement,
        DisposalBasis::SimplePartnership,
        DisposalBasis::Agency,
        DisposalBasis::Pledge,
        DisposalBasis::Other,
    ];

    /// The input spelling.
    pub fn as_str(&self) -> &'static str {
        match self {
            DisposalBasis::TrustManagement => "trust_management",
            DisposalBasis::SimplePartnership => "simple_partnership",
            DisposalBasis::Agency => "agency",
            DisposalBasis::Pledge => "pledge",
            DisposalBasis::Other => "other",
        }
    }

    /// Parses the input spelling.
    pub fn parse(text: &str) -> Result<DisposalBasis, InvalidValue> {
        DisposalBasis::ALL.iter().copied().find(|b| b.as_str() == text).ok_or_else(|| {
            let all: Vec<&str> = DisposalBasis::ALL.iter().map(|b| b.as_str()).collect();
            InvalidValue(format!("unknown basis \"{text}\" (expected one of: {})", all.join(", ")))
        })
    }
}

/// The interest a relation gives its holder in the held entity.
#[derive(Clone, Debug, PartialEq)]
pub enum Interest {
    /// Ownership of a fraction of the charter capital and of the votes (default: the same).
    Shares {
        /// Fraction of the charter capital.
        capital: Share,
        /// Fraction of all votes; equals `capital` unless the input says otherwise.
        votes: Share,
    },
    /// Disposal of votes owned by someone else (trust management, partnership, agency, pledge).
    VoteDisposal {
        /// Fraction of all votes disposed of.
        votes: Share,
        /// The contract or ground.
        basis: DisposalBasis,
        /// The owner whose votes these are; `None` when not said.
        of: Option<PartyIdx>,
    },
    /// The right to determine the entity's decisions by contract or otherwise (indicator 2).
    DecisionRights,
    /// Appointment rights over the executive bodies and the board (indicator 3).
    Appoints {
        /// Appoints the sole executive body.
        sole_executive: bool,
        /// Fraction of the collegial executive body it appoints.
        executive_board: Share,
        /// Fraction of the board (supervisory board) it can elect.
        board: Share,
    },
    /// Acts as the entity's management company (indicator 4).
    ManagementCompany,
    /// Influence or control whose extent is not stated (BODS `otherInfluenceOrControl` and the
    /// like): it proves no indicator of p. 5¹ "а", but it could be the right to determine
    /// decisions, so control is undetermined when it would give a foreign person control.
    Influence,
    /// Forms a fraction of a nonprofit's supreme governing body (p. 5 "а").
    Governs {
        /// Fraction of the supreme body.
        share: Share,
    },
}

/// The relation types, as spelled in the input.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RelationType {
    /// [`Interest::Shares`].
    Shares,
    /// [`Interest::VoteDisposal`].
    VoteDisposal,
    /// [`Interest::DecisionRights`].
    DecisionRights,
    /// [`Interest::Appoints`].
    Appoints,
    /// [`Interest::ManagementCompany`].
    ManagementCompany,
    /// [`Interest::Influence`].
    Influence,
    /// [`Interest::Governs`].
    Governs,
}

impl RelationType {
    /// Every type.
    pub const ALL: [RelationType; 7] = [
        RelationType::Shares,
        RelationType::VoteDisposal,
        RelationType::DecisionRights,
        RelationType::Appoints,
        RelationType::ManagementCompany,
        RelationType::Influence,
        RelationType::Governs,
    ];

    /// The input spelling.
    pub fn as_str(&self) -> &'static str {
        match self {
            RelationType::Shares => "shares",
            RelationType::VoteDisposal => "vote_disposal",
            RelationType::DecisionRights => "decision_rights",
            RelationType::Appoints => "appoints",
            RelationType::ManagementCompany => "management_company",
            RelationType::Influence => "influence",
            RelationType::Governs => "governs",
        }
    }

    /// Parses the input spelling.
    pub fn parse(text: &str) -> Result<RelationType, InvalidValue> {
        RelationType::ALL.iter().copied().find(|t| t.as_str() == text).ok_or_else(|| {
            let all: Vec<&str> = RelationType::ALL.iter().map(|t| t.as_str()).collect();
            InvalidValue(format!("unknown relation type \"{text}\" (expected one of: {})", all.join(", ")))
        })
    }

    /// The fields a relation of this type may carry besides the common ones.
    pub fn fields(&self) -> &'static [&'static str] {
        match self {
            RelationType::Shares => &["capital", "votes"],
            RelationType::VoteDisposal => &["votes", "basis", "of"],
            RelationType::DecisionRights | RelationType::ManagementCompany | RelationType::Influence => &[],
            RelationType::Appoints => &["sole_executive", "executive_board", "board"],
            RelationType::Governs => &["share"],
        }
    }
}

impl Interest {
    /// The type of this interest.
    pub fn relation_type(&self) -> RelationType {
        match self {
            Interest::Shares { .. } => RelationType::Shares,
            Interest::VoteDisposal { .. } => RelationType::VoteDisposal,
            Interest::DecisionRights => RelationType::DecisionRights,
            Interest::Appoints { .. } => RelationType::Appoints,
            Interest::ManagementCompany => RelationType::ManagementCompany,
            Interest::Influence => RelationType::Influence,
            Interest::Governs { .. } => RelationType::Governs,
        }
    }
}

/// One relation, holder → held.
///
/// 48 bytes: the interest is kept in line when it is a plain shareholding (votes equal to the
/// capital) or a governing share with terms of 32 bits, or carries no share at all, which is
/// almost every relation of a register; any other interest is boxed. [`Relation::interest`]
/// gives it back whole either way.
#[derive(Clone, Debug)]
pub struct Relation {
    /// The holder.
    pub from: PartyIdx,
    /// The held entity.
    pub to: PartyIdx,
    /// What the holder has.
    held: Held,
    /// First day in force.
    pub since: Option<NaiveDate>,
    /// The day it ended: in force strictly before this date.
    pub until: Option<NaiveDate>,
    /// Rarely given details, kept out of line so that millions of relations stay small.
    pub meta: Option<Box<RelationMeta>>,
    /// Where the record is in its input.
    pub origin: Origin,
}

/// An interest as a relation keeps it (16 bytes where an [`Interest`] takes 40).
#[derive(Clone, Debug)]
enum Held {
    /// [`Interest::Shares`] with the votes equal to the capital.
    Shares(CompactShare),
    /// [`Interest::Governs`].
    Governs(CompactShare),
    /// [`Interest::DecisionRights`].
    DecisionRights,
    /// [`Interest::ManagementCompany`].
    ManagementCompany,
    /// [`Interest::Influence`].
    Influence,
    /// Any other interest, or a share with wider terms.
    Other(Box<Interest>),
}

impl Held {
    fn of(interest: Interest) -> Held {
        let compact = match &interest {
            Interest::Shares { capital, votes } if capital == votes => CompactShare::of(capital).map(Held::Shares),
            Interest::Governs { share } => CompactShare::of(share).map(Held::Governs),
            Interest::DecisionRights => Some(Held::DecisionRights),
            Interest::ManagementCompany => Some(Held::ManagementCompany),
            Interest::Influence => Some(Held::Influence),
            _ => None,
        };
        compact.unwrap_or_else(|| Held::Other(Box::new(interest)))
    }
}

/// Details of a relation most inputs do not give.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RelationMeta {
    /// The document that says so.
    pub source: Option<String>,
    /// An id given by the input.
    pub id: Option<String>,
    /// Remarks carried from the input (an importer's warnings, unmapped interests).
    pub notes: Vec<String>,
}

impl Relation {
    /// A relation in force at all times, with no source.
    pub fn new(from: PartyIdx, to: PartyIdx, interest: Interest) -> Relation {
        Relation { from, to, held: Held::of(interest), since: None, until: None, meta: None, origin: Origin::default() }
    }

    /// What the holder has.
    pub fn interest(&self) -> Interest {
        match &self.held {
            Held::Shares(s) => {
                let capital = s.share();
                Interest::Shares { votes: capital.clone(), capital }
            }
            Held::Governs(s) => Interest::Governs { share: s.share() },
            Held::DecisionRights => Interest::DecisionRights,
            Held::ManagementCompany => Interest::ManagementCompany,
            Held::Influence => Interest::Influence,
            Held::Other(i) => (**i).clone(),
        }
    }

    /// The type of the interest, without building it.
    pub fn relation_type(&self) -> RelationType {
        match &self.held {
            Held::Shares(_) => RelationType::Shares,
            Held::Governs(_) => RelationType::Governs,
            Held::DecisionRights => RelationType::DecisionRights,
            Held::ManagementCompany => RelationType::ManagementCompany,
            Held::Influence => RelationType::Influence,
            Held::Other(i) => i.relation_type(),
        }
    }

    /// Replaces the interest.
    pub fn set_interest(&mut self, interest: Interest) {
        self.held = Held::of(interest);
    }

    /// The document that says so, if given.
    pub fn source(&self) -> Option<&str> {
        self.meta.as_ref().and_then(|m| m.source.as_deref())
    }

    /// The input's id of this relation, if given.
    pub fn id(&self) -> Option<&str> {
        self.meta.as_ref().and_then(|m| m.id.as_deref())
    }

    /// The details, created empty on first use.
    pub fn meta_mut(&mut self) -> &mut RelationMeta {
        self.meta.get_or_insert_with(Default::default)
    }

    /// Remarks carried from the input.
    pub fn notes(&self) -> &[String] {
        self.meta.as_ref().map(|m| m.notes.as_slice()).unwrap_or(&[])
    }

    /// In force on `date`: `since <= date < until`.
    pub fn in_force(&self, date: NaiveDate) -> bool {
        self.since.is_none_or(|s| s <= date) && self.until.is_none_or(|u| date < u)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fraction::Fraction;

    fn share(text: &str) -> Share {
        Share::parse(text).unwrap()
    }

    #[test]
    fn a_relation_is_forty_eight_bytes() {
        assert_eq!(std::mem::size_of::<Relation>(), 48);
    }

    /// Every interest comes back as it was set, whether kept in line or boxed.
    #[test]
    fn every_interest_comes_back_as_given() {
        let wide = share("1/4294967296");
        let interests = [
            Interest::Shares { capital: share("1/3"), votes: share("1/3") },
            Interest::Shares { capital: share("1/3"), votes: share("1/2") },
            Interest::Shares { capital: wide.clone(), votes: wide.clone() },
            Interest::Shares { capital: share("33.333333333333333333333%"), votes: share("1/2") },
            Interest::VoteDisposal { votes: share("0.51"), basis: DisposalBasis::Pledge, of: Some(PartyIdx::new(7)) },
            Interest::DecisionRights,
            Interest::Appoints { sole_executive: true, executive_board: share("0"), board: share("3/5") },
            Interest::ManagementCompany,
            Interest::Influence,
            Interest::Governs { share: share("1") },
            Interest::Governs { share: wide },
        ];
        for i in interests {
            let mut r = Relation::new(PartyIdx::new(0), PartyIdx::new(1), Interest::Influence);
            r.set_interest(i.clone());
            assert_eq!(r.interest(), i);
            assert_eq!(r.relation_type(), i.relation_type());
            assert_eq!(Relation::new(PartyIdx::new(0), PartyIdx::new(1), i.clone()).interest(), i);
        }
        let r = Relation::new(PartyIdx::new(0), PartyIdx::new(1), Interest::Governs { share: share("2/3") });
        assert!(matches!(r.interest(), Interest::Governs { share } if *share.value() == Fraction::new(2, 3)));
    }
}
