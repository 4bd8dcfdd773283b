//! The domain model: parties, their relations, and the graph they form as of one date
//! (docs/DOMAIN.md, "Parties" and "Relations"). Every input format builds this; every analysis
//! reads it.

mod citizenships;
mod country;
mod error;
mod graph;
pub(crate) mod grouping;
mod id_index;
mod party;
pub mod quarantine;
mod relation;

pub use citizenships::Citizenships;
pub use country::Country;
pub use error::InvalidValue;
pub use graph::{
    Graph, GraphBuilder, Ids, Problem, Recent, RecordRef, Section, Sink, closed_ownership_loops, relation_label,
};
pub use id_index::MAX_SUGGESTIONS;
pub use party::{DeclaredStatus, Origin, Party, PartyDetails, PartyIdx, PartyKind};
pub use quarantine::Quarantined;
pub use relation::{DisposalBasis, Interest, Relation, RelationIdx, RelationMeta, RelationType};
