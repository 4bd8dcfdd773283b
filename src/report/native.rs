//! The native JSON format written back (docs/DOMAIN.md, "Parties" and "Relations"): what `convert`
//! produces from BODS or EGRUL, readable by every command. Fractions are exact (`"1/3"`), notes
//! of the importers are kept in `note`, records set aside in `quarantined` (ids and reasons).

use serde_json::{Map, Value, json};

use crate::model::{Graph, Interest, Party, Relation};

fn note(notes: &[String]) -> Option<Value> {
    match notes {
        [] => None,
        [one] => Some(Value::String(one.clone())),
        many => Some(Value::Array(many.iter().cloned().map(Value::String).collect())),
    }
}

fn put(m: &mut Map<String, Value>, key: &str, v: Option<Value>) {
    if let Some(v) = v {
        m.insert(key.to_string(), v);
    }
}

fn party(p: &Party) -> Value {
    let mut m = Map::new();
    m.insert("id".into(), json!(p.id));
    m.insert("kind".into(), json!(p.kind.as_str()));
    if p.name != p.id {
        m.insert("name".into(), json!(p.name));
    }
    put(&mut m, "country", p.country.map(|c| json!(c.as_str())));
    if !p.citizenship.is_empty() {
        m.insert("citizenship".into(), json!(p.citizenship.iter().map(|c| c.as_str()).collect::<Vec<_>>()));
    }
    if p.is_stateless() {
        m.insert("stateless".into(), Value::Bool(true));
    }
    put(&mut m, "citizenship_source", p.citizenship_source().map(|s| json!(s)));
    put(&mut m, "inn", p.inn().map(|s| json!(s)));
    put(&mut m, "ogrn", p.ogrn().map(|s| json!(s)));
    put(&mut m, "document", p.document().map(|s| json!(s)));
    put(&mut m, "address", p.address().map(|s| json!(s)));
    if let Some(d) = p.declared() {
        let mut dm = Map::new();
        put(&mut dm, "ru", d.ru.map(Value::Bool));
        put(&mut dm, "eaeu", d.eaeu.map(Value::Bool));
        dm.insert("reason".into(), json!(d.reason));
        m.insert("declared".into(), Value::Object(dm));
    }
    put(&mut m, "note", note(p.notes()));
    Value::Object(m)
}

fn relation(g: &Graph, r: &Relation) -> Value {
    let mut m = Map::new();
    m.insert("type".into(), json!(r.relation_type().as_str()));
    m.insert("from".into(), json!(g.party(r.from).id));
    m.insert("to".into(), json!(g.party(r.to).id));
    match &r.interest() {
        Interest::Shares { capital, votes } => {
            m.insert("capital".into(), json!(capital.to_string()));
            if votes != capital {
                m.insert("votes".into(), json!(votes.to_string()));
            }
        }
        Interest::VoteDisposal { votes, basis, of } => {
            m.insert("votes".into(), json!(votes.to_string()));
            m.insert("basis".into(), json!(basis.as_str()));
            put(&mut m, "of", of.map(|o| json!(g.party(o).id)));
        }
        Interest::Appoints { sole_executive, executive_board, board } => {
            if *sole_executive {
                m.insert("sole_executive".into(), Value::Bool(true));
            }
            if !executive_board.value().is_zero() {
                m.insert("executive_board".into(), json!(executive_board.to_string()));
            }
            if !board.value().is_zero() {
                m.insert("board".into(), json!(board.to_string()));
            }
            if !*sole_executive && executive_board.value().is_zero() && board.value().is_zero() {
                m.insert("sole_executive".into(), Value::Bool(false));
            }
        }
        Interest::Governs { share } => {
            m.insert("share".into(), json!(share.to_string()));
        }
        Interest::DecisionRights | Interest::ManagementCompany | Interest::Influence => {}
    }
    put(&mut m, "since", r.since.map(|d| json!(d.to_string())));
    put(&mut m, "until", r.until.map(|d| json!(d.to_string())));
    put(&mut m, "source", r.source().map(|s| json!(s)));
    put(&mut m, "id", r.id().map(|s| json!(s)));
    put(&mut m, "note", note(r.notes()));
    Value::Object(m)
}

/// The graph in the native format, pretty printed, ending with a newline.
pub fn to_string(g: &Graph, description: &str) -> String {
    let mut doc = json!({
        "description": description,
        "parties": g.parties().iter().map(party).collect::<Vec<_>>(),
        "relations": g.relations().iter().map(|r| relation(g, r)).collect::<Vec<_>>(),
    });
    if !g.quarantined().is_empty()
        && let Value::Object(m) = &mut doc
    {
        let q: Vec<Value> =
            g.quarantined().iter().map(|q| json!({"id": g.party(q.party).id, "reasons": q.reasons})).collect();
        m.insert("quarantined".into(), Value::Array(q));
    }
    let mut s = serde_json::to_string_pretty(&doc).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    s.push('\n');
    s
}
