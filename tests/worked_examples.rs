//! The twelve worked examples of docs/DOMAIN.md, with their exact answers: every `ru` share, upper
//! bound, verdict and disclosure, the `eaeu` answers the table gives, and the `pak` column.

mod common;

use common::{check_json, disclosed, fixture, foreign_controllers, frac};

struct Expected {
    ru: (&'static str, &'static str, &'static str),
    disclosure: &'static [&'static str],
    pak: &'static str,
    foreign: &'static [&'static str],
}

fn example(n: u32) -> serde_json::Value {
    check_json(&fixture(&format!("example-{n:02}.json")), "T", &[])
}

fn assert_example(n: u32, e: Expected) {
    let r = example(n);
    let ru = &r["regimes"]["ru"];
    assert_eq!((frac(&ru["share"]), frac(&ru["upper"]), ru["verdict"].as_str().unwrap()), e.ru, "example {n} ru");
    if !e.disclosure.is_empty() {
        assert_eq!(disclosed(ru), e.disclosure, "example {n} disclosure");
    }
    assert_eq!(r["regimes"]["pak"]["verdict"], e.pak, "example {n} pak");
    assert_eq!(foreign_controllers(&r), e.foreign, "example {n} foreign controllers");
    // The ultimate holders of a target always sum to exactly 1.
    let sum = ru["holders"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| owngraph::Fraction::parse(frac(&h["share"])).unwrap())
        .fold(owngraph::Fraction::zero(), |a, b| a + b);
    assert_eq!(sum, owngraph::Fraction::one(), "example {n} holders sum");
}

#[test]
fn example_01_chains_through_a_foreign_company() {
    assert_example(
        1,
        Expected {
            ru: ("33/40", "33/40", "eligible"),
            disclosure: &["ivanov", "sidorov", "petrov"],
            pak: "eligible",
            foreign: &[],
        },
    );
}

#[test]
fn example_02_half_is_not_more_than_half_and_the_ceo_is_appointed_abroad() {
    assert_example(
        2,
        Expected { ru: ("1/2", "1/2", "not_eligible"), disclosure: &[], pak: "not_eligible", foreign: &["muller"] },
    );
    let r = example(2);
    let c = &r["regimes"]["pak"]["controllers"][0];
    assert_eq!(c["indicators"], serde_json::json!(["appoints"]));
}

#[test]
fn example_03_thirds_and_the_eurasian_register() {
    assert_example(
        3,
        Expected { ru: ("2/3", "2/3", "eligible"), disclosure: &["a", "b"], pak: "eligible", foreign: &[] },
    );
    let r = example(3);
    assert_eq!(frac(&r["regimes"]["eaeu"]["share"]), "1/3");
    assert_eq!(r["regimes"]["eaeu"]["verdict"], "not_eligible");
}

#[test]
fn example_04_cross_holding_is_a_geometric_series() {
    assert_example(4, Expected { ru: ("3/4", "3/4", "eligible"), disclosure: &["p"], pak: "eligible", foreign: &[] });
    let r = example(4);
    let holders = r["regimes"]["ru"]["holders"].as_array().unwrap();
    let p = holders.iter().find(|h| h["id"] == "p").unwrap();
    assert_eq!((frac(&p["share"]), frac(&p["direct"]), frac(&p["indirect"])), ("3/4", "3/5", "3/20"));
    let q = holders.iter().find(|h| h["id"] == "q").unwrap();
    assert_eq!(frac(&q["share"]), "1/4");
    let controllers = r["regimes"]["pak"]["controllers"].as_array().unwrap();
    assert!(controllers.iter().any(|c| c["id"] == "p" && c["foreign"] == false));
}

#[test]
fn example_05_treasury_shares() {
    assert_example(5, Expected { ru: ("1/2", "1/2", "not_eligible"), disclosure: &[], pak: "eligible", foreign: &[] });
}

#[test]
fn example_06_passes_participation_fails_control() {
    assert_example(
        6,
        Expected { ru: ("7399/10000", "1/1", "eligible"), disclosure: &[], pak: "not_eligible", foreign: &["F"] },
    );
    let r = example(6);
    let f = r["regimes"]["pak"]["controllers"].as_array().unwrap().iter().find(|c| c["id"] == "F").unwrap().clone();
    assert_eq!(f["chain"], serde_json::json!(["F", "R", "T"]));
    assert_eq!(f["indicators"], serde_json::json!(["votes"]));
}

#[test]
fn example_07_own_votes_plus_votes_through_a_controlled_company() {
    assert_example(
        7,
        Expected { ru: ("11/20", "1/1", "eligible"), disclosure: &[], pak: "not_eligible", foreign: &["F"] },
    );
    let r = example(7);
    let f = r["regimes"]["pak"]["controllers"].as_array().unwrap().iter().find(|c| c["id"] == "F").unwrap().clone();
    let last = f["steps"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(frac(&last["counts"][0]["sum"]), "11/20");
}

#[test]
fn example_08_trust_management() {
    assert_example(
        8,
        Expected { ru: ("3/5", "3/5", "eligible"), disclosure: &["p"], pak: "not_eligible", foreign: &["M"] },
    );
}

#[test]
fn example_09_free_float_decides() {
    assert_example(
        9,
        Expected { ru: ("9/20", "13/20", "undetermined"), disclosure: &[], pak: "undetermined", foreign: &[] },
    );
    let r = example(9);
    assert_eq!(r["regimes"]["ru"]["deciding"], serde_json::json!([{"id": "float", "kind": "unknown"}]));
    let potential: Vec<&str> = r["regimes"]["pak"]["potential_controllers"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|p| p["id"].as_str())
        .collect();
    assert_eq!(potential, ["doe"]);
}

#[test]
fn example_10_disclosure_tops_up_past_half() {
    assert_example(
        10,
        Expected {
            ru: ("27/50", "1/1", "eligible"),
            disclosure: &["A", "B", "C", "D", "E", "F"],
            pak: "eligible",
            foreign: &[],
        },
    );
    let r = example(10);
    assert_eq!(frac(&r["regimes"]["ru"]["disclosure_rule"]["total"]), "13/25");
    assert_eq!(r["regimes"]["ru"]["disclosure_rule"]["branch"], "top_up_to_exceed_half");
}

#[test]
fn example_11_a_kazakh_company() {
    assert_example(
        11,
        Expected { ru: ("9/20", "9/20", "not_eligible"), disclosure: &[], pak: "not_eligible", foreign: &[] },
    );
    let r = example(11);
    assert_eq!(r["regimes"]["ru"]["reason_code"], "participation.not_russian");
    assert_eq!(frac(&r["regimes"]["eaeu"]["share"]), "11/20");
    assert_eq!(r["regimes"]["eaeu"]["verdict"], "eligible");
    assert_eq!(disclosed(&r["regimes"]["eaeu"]), ["kz", "by"]);
    assert_eq!(r["regimes"]["pak"]["reason_code"], "control.not_russian_entity");
}

#[test]
fn example_12_a_nonprofit_formed_by_the_state() {
    assert_example(12, Expected { ru: ("3/5", "1/1", "eligible"), disclosure: &["N"], pak: "eligible", foreign: &[] });
    let r = example(12);
    let n = &r["regimes"]["ru"]["nonprofits"][0];
    assert_eq!((n["id"].as_str(), n["status"].as_str()), (Some("N"), Some("qualifying")));
    let ids: Vec<&str> =
        r["regimes"]["pak"]["controllers"].as_array().unwrap().iter().map(|c| c["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["N", "rf"]);
}
