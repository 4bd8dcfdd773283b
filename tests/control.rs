//! Foreign control under p. 5¹ "а": every indicator, transitivity, vote disposal, treasury,
//! votes that differ from capital, the undetermined rule, policy P2, and part (b) of a
//! nonprofit's status.

mod common;

use common::{check_graph, foreign_controllers, frac};
use serde_json::{Value, json};

fn person(id: &str, cit: &[&str]) -> Value {
    json!({"id": id, "kind": "person", "citizenship": cit})
}
fn company(id: &str, country: &str) -> Value {
    json!({"id": id, "kind": "company", "country": country})
}
fn shares(from: &str, to: &str, capital: &str) -> Value {
    json!({"type": "shares", "from": from, "to": to, "capital": capital})
}
fn graph(parties: Vec<Value>, relations: Vec<Value>) -> Value {
    json!({"parties": parties, "relations": relations})
}
fn pak(r: &Value) -> &Value {
    &r["regimes"]["pak"]
}
fn indicators_of(r: &Value, id: &str) -> Value {
    pak(r)["controllers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == id)
        .map(|c| c["indicators"].clone())
        .unwrap_or(Value::Null)
}

/// T held 100 % by a Russian citizen, plus one control relation from a foreign person.
fn with_lever(lever: Value) -> Value {
    graph(vec![company("T", "RU"), person("ru", &["RU"]), person("us", &["US"])], vec![shares("ru", "T", "1"), lever])
}

#[test]
fn indicator_2_decision_rights() {
    let r = check_graph(
        &with_lever(json!({"type": "decision_rights", "from": "us", "to": "T"})),
        "T",
        &["--regime", "pak"],
    );
    assert_eq!(pak(&r)["verdict"], "not_eligible");
    assert_eq!(indicators_of(&r, "us"), json!(["decision_rights"]));
}

#[test]
fn indicator_3_sole_executive_board_and_executive_board() {
    let r = check_graph(
        &with_lever(json!({"type": "appoints", "from": "us", "to": "T", "sole_executive": true})),
        "T",
        &[],
    );
    assert_eq!(indicators_of(&r, "us"), json!(["appoints"]));
    let r = check_graph(&with_lever(json!({"type": "appoints", "from": "us", "to": "T", "board": "6/11"})), "T", &[]);
    assert_eq!(pak(&r)["verdict"], "not_eligible");
    // exactly half of the board is not more than half
    let r = check_graph(
        &with_lever(json!({"type": "appoints", "from": "us", "to": "T", "executive_board": "1/2"})),
        "T",
        &[],
    );
    assert_eq!(pak(&r)["verdict"], "eligible");
}

#[test]
fn indicator_4_management_company() {
    let r = check_graph(&with_lever(json!({"type": "management_company", "from": "us", "to": "T"})), "T", &[]);
    assert_eq!(indicators_of(&r, "us"), json!(["management_company"]));
}

#[test]
fn control_passes_down_through_russian_intermediates() {
    // F (CY) → 51 % of R1 → appoints CEO of R2 → 60 % of T
    let g = graph(
        vec![
            company("T", "RU"),
            company("R1", "RU"),
            company("R2", "RU"),
            company("F", "CY"),
            person("a", &["RU"]),
            person("b", &["RU"]),
        ],
        vec![
            shares("F", "R1", "51%"),
            shares("a", "R1", "49%"),
            json!({"type": "appoints", "from": "R1", "to": "R2", "sole_executive": true}),
            shares("b", "R2", "1"),
            shares("R2", "T", "60%"),
            shares("a", "T", "40%"),
        ],
    );
    let r = check_graph(&g, "T", &[]);
    assert_eq!(pak(&r)["verdict"], "not_eligible");
    assert_eq!(foreign_controllers(&r), ["F"]);
    let f = pak(&r)["controllers"].as_array().unwrap().iter().find(|c| c["id"] == "F").unwrap().clone();
    assert_eq!(f["chain"], json!(["F", "R1", "R2", "T"]));
    // participation is untouched: a 40 % + b via R2 60 % = 100 %
    assert_eq!(frac(&r["regimes"]["ru"]["share"]), "1/1");
}

#[test]
fn vote_disposal_without_owner_named_comes_from_the_unlisted_votes() {
    let g = graph(
        vec![company("T", "RU"), person("ru", &["RU"]), company("M", "GB")],
        vec![
            shares("ru", "T", "45%"),
            json!({"type": "vote_disposal", "from": "M", "to": "T", "votes": "51%", "basis": "agency"}),
        ],
    );
    let r = check_graph(&g, "T", &[]);
    assert_eq!(foreign_controllers(&r), ["M"]);
}

#[test]
fn a_pledgee_votes_only_under_a_pledge_disposal() {
    let g = graph(
        vec![company("T", "RU"), person("ru", &["RU"]), company("bank", "DE")],
        vec![
            shares("ru", "T", "1"),
            json!({"type": "vote_disposal", "from": "bank", "to": "T", "votes": "100%", "basis": "pledge", "of": "ru"}),
        ],
    );
    let r = check_graph(&g, "T", &[]);
    assert_eq!(foreign_controllers(&r), ["bank"]);
    assert!(
        pak(&r)["controllers"].as_array().unwrap().iter().all(|c| c["id"] != "ru"),
        "the owner no longer disposes of its votes"
    );
}

#[test]
fn treasury_shares_carry_no_votes() {
    // 46 % of all votes is 46/92 = 1/2 of the votes in circulation: not more than half.
    let base = |foreign: &str, russian: &str| {
        graph(
            vec![company("T", "RU"), person("ru", &["RU"]), person("us", &["US"])],
            vec![shares("us", "T", foreign), shares("ru", "T", russian), shares("T", "T", "8%")],
        )
    };
    assert_eq!(pak(&check_graph(&base("46%", "46%"), "T", &[]))["verdict"], "eligible");
    let r = check_graph(&base("46.01%", "45.99%"), "T", &[]);
    assert_eq!(pak(&r)["verdict"], "not_eligible");
    let count = &pak(&r)["controllers"][0]["steps"][0]["counts"][0];
    assert_eq!(frac(&count["base"]), "23/25");
}

#[test]
fn votes_may_differ_from_capital() {
    // The foreign holder has 30 % of the capital but 60 % of the votes (preferred shares).
    let g = graph(
        vec![company("T", "RU"), person("ru", &["RU"]), person("us", &["US"])],
        vec![
            json!({"type": "shares", "from": "us", "to": "T", "capital": "30%", "votes": "60%"}),
            json!({"type": "shares", "from": "ru", "to": "T", "capital": "70%", "votes": "40%"}),
        ],
    );
    let r = check_graph(&g, "T", &[]);
    assert_eq!(frac(&r["regimes"]["ru"]["share"]), "7/10");
    assert_eq!(foreign_controllers(&r), ["us"]);
    // Policy P4: measured on votes, the Russian share is 40 %.
    let r = check_graph(&g, "T", &["--participation-base", "votes"]);
    assert_eq!(frac(&r["regimes"]["ru"]["share"]), "2/5");
    assert_eq!(r["policies"]["participation_base"], "votes");
}

#[test]
fn undetermined_when_a_company_with_unknown_owners_could_tip_it() {
    // R (RU company, owners unknown) holds 30 %; a foreign person holds 25 %.
    let g = graph(
        vec![company("T", "RU"), company("R", "RU"), person("ru", &["RU"]), person("us", &["US"])],
        vec![shares("R", "T", "30%"), shares("us", "T", "25%"), shares("ru", "T", "45%")],
    );
    let r = check_graph(&g, "T", &[]);
    assert_eq!(pak(&r)["verdict"], "undetermined");
    let p = &pak(&r)["potential_controllers"][0];
    assert_eq!(p["id"], "us");
    assert_eq!(p["unknown_at"], json!(["R"]));
}

#[test]
fn an_undisclosed_foreign_person_alone_can_make_it_undetermined() {
    let g = graph(vec![company("T", "RU"), person("ru", &["RU"])], vec![shares("ru", "T", "49%")]);
    let r = check_graph(&g, "T", &[]);
    assert_eq!(pak(&r)["verdict"], "undetermined");
    assert_eq!(pak(&r)["potential_controllers"][0]["hypothetical"], true);
}

#[test]
fn separate_foreign_persons_do_not_add_up_unless_p2() {
    let g = graph(
        vec![company("T", "RU"), person("ru", &["RU"]), person("us", &["US"]), person("de", &["DE"])],
        vec![shares("us", "T", "30%"), shares("de", "T", "30%"), shares("ru", "T", "40%")],
    );
    let r = check_graph(&g, "T", &[]);
    assert_eq!(pak(&r)["verdict"], "eligible");
    assert_eq!(pak(&r)["warnings"][0]["code"], "warning.foreign_jointly");
    let r = check_graph(&g, "T", &["--aggregate-foreign"]);
    assert_eq!(pak(&r)["verdict"], "not_eligible");
    assert_eq!(r["policies"]["aggregate_foreign"], true);
}

#[test]
fn dual_citizens_are_listed_and_p1_decides() {
    let g = graph(
        vec![company("T", "RU"), person("dual", &["RU", "IL"]), person("ru", &["RU"])],
        vec![shares("dual", "T", "60%"), shares("ru", "T", "40%")],
    );
    let r = check_graph(&g, "T", &[]);
    assert_eq!(r["regimes"]["ru"]["verdict"], "eligible");
    assert_eq!(pak(&r)["verdict"], "eligible");
    assert_eq!(pak(&r)["warnings"][0]["code"], "warning.dual_citizens");
    let r = check_graph(&g, "T", &["--dual-citizens", "foreign"]);
    assert_eq!(frac(&r["regimes"]["ru"]["share"]), "2/5");
    assert_eq!(r["regimes"]["ru"]["verdict"], "not_eligible");
    assert_eq!(pak(&r)["verdict"], "not_eligible");
}

#[test]
fn a_nonprofit_controlled_from_abroad_does_not_qualify() {
    // N's supreme body is formed 100 % by the RF, but a foreign company has decision rights over N.
    let g = graph(
        vec![
            company("T", "RU"),
            json!({"id": "N", "kind": "nonprofit", "country": "RU"}),
            json!({"id": "rf", "kind": "state", "country": "RU"}),
            company("F", "US"),
            person("ru", &["RU"]),
        ],
        vec![
            shares("N", "T", "60%"),
            shares("ru", "T", "40%"),
            json!({"type": "governs", "from": "rf", "to": "N", "share": "1"}),
            json!({"type": "decision_rights", "from": "F", "to": "N"}),
        ],
    );
    let r = check_graph(&g, "T", &[]);
    let ru = &r["regimes"]["ru"];
    assert_eq!(frac(&ru["share"]), "2/5");
    assert_eq!(ru["verdict"], "not_eligible");
    assert!(ru["notes"].as_array().unwrap().iter().any(|n| n["code"] == "note.nonprofit_removed"));
    assert_eq!(foreign_controllers(&r), ["F"]);
}

#[test]
fn a_nonprofit_formed_through_companies() {
    // N's body: 70 % formed by company C, which is 80 % Russian-owned: 56 % qualifying.
    let g = graph(
        vec![
            company("T", "RU"),
            json!({"id": "N", "kind": "nonprofit", "country": "RU"}),
            company("C", "RU"),
            person("ru", &["RU"]),
            person("us", &["US"]),
        ],
        vec![
            shares("N", "T", "1"),
            json!({"type": "governs", "from": "C", "to": "N", "share": "70%"}),
            json!({"type": "governs", "from": "us", "to": "N", "share": "30%"}),
            shares("ru", "C", "80%"),
            shares("us", "C", "20%"),
        ],
    );
    let r = check_graph(&g, "T", &[]);
    let n = &r["regimes"]["ru"]["nonprofits"][0];
    assert_eq!(n["status"], "qualifying");
    assert_eq!(frac(&n["governance"]), "14/25");
    assert_eq!(frac(&r["regimes"]["ru"]["share"]), "1/1");
}

#[test]
fn a_declared_nonprofit_status_is_used_and_said() {
    let g = graph(
        vec![
            company("T", "RU"),
            json!({"id": "N", "kind": "nonprofit", "country": "RU", "declared": {"ru": true, "reason": "устав"}}),
            person("us", &["US"]),
        ],
        vec![shares("N", "T", "51%"), shares("us", "T", "49%")],
    );
    // By default (P3 computed) the declaration is only compared: nothing is known of N's body.
    let r = check_graph(&g, "T", &[]);
    assert_eq!(r["regimes"]["ru"]["verdict"], "undetermined");
    assert!(r["regimes"]["ru"]["notes"].as_array().unwrap().iter().any(|n| n["code"] == "note.declared_differs"));
    let r = check_graph(&g, "T", &["--nonprofit-status", "declared"]);
    assert_eq!(r["regimes"]["ru"]["verdict"], "eligible");
    assert_eq!(r["regimes"]["ru"]["nonprofits"][0]["declared"], true);
}

#[test]
fn a_nonprofit_that_forms_itself_through_its_company_does_not_qualify() {
    // N's supreme body is formed by T, which N owns entirely: nobody outside forms N.
    let g = graph(
        vec![company("T", "RU"), json!({"id": "N", "kind": "nonprofit", "country": "RU"})],
        vec![shares("N", "T", "1"), json!({"type": "governs", "from": "T", "to": "N", "share": "1"})],
    );
    let r = check_graph(&g, "T", &[]);
    assert_eq!(r["regimes"]["ru"]["verdict"], "not_eligible");
    assert_eq!((frac(&r["regimes"]["ru"]["share"]), frac(&r["regimes"]["ru"]["upper"])), ("0/1", "0/1"));
    assert_eq!(r["regimes"]["ru"]["nonprofits"][0]["basis"]["code"], "qual.nonprofit_circular");
}

#[test]
fn a_target_that_is_not_a_company_needs_no_shares() {
    let g = graph(
        vec![
            json!({"id": "N", "kind": "nonprofit", "country": "RU"}),
            json!({"id": "rf", "kind": "state", "country": "RU"}),
            person("kz", &["KZ"]),
        ],
        vec![
            json!({"type": "governs", "from": "rf", "to": "N", "share": "3/5"}),
            json!({"type": "governs", "from": "kz", "to": "N", "share": "2/5"}),
        ],
    );
    let r = check_graph(&g, "N", &[]);
    assert_eq!((r["regimes"]["ru"]["verdict"].as_str(), frac(&r["regimes"]["ru"]["share"])), (Some("eligible"), "1/1"));
    assert_eq!(
        (r["regimes"]["eaeu"]["verdict"].as_str(), frac(&r["regimes"]["eaeu"]["share"])),
        (Some("not_eligible"), "0/1")
    );
    assert_eq!(frac(&r["regimes"]["ru"]["nonprofits"][0]["governance"]), "3/5");
}
