//! What the diagrams and the report may never do, on the worked examples and on a 60- and a
//! 350-party pyramid: prune the largest holders, a controller or a disclosed holder; leave a
//! controller unmarked in `data-roles`; show an internal id or an English word in Russian
//! output; put a long fraction in a title or a badge.

use std::path::{Path, PathBuf};

use owngraph::synth::{PyramidParams, pyramid};
use serde_json::Value;

mod common;
use common::{check_json, owngraph};

const DATE: &str = "2026-01-01";

/// The longest fraction a title, label or badge may show (`owngraph::report::words`).
const SHORT: usize = owngraph::report::words::SHORT_FRACTION;

fn examples() -> Vec<PathBuf> {
    (1..=12).map(|n| PathBuf::from(format!("fixtures/example-{n:02}.json"))).collect()
}

/// The 60- and 350-node structures of the issue (`synth pyramid`).
fn pyramids(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for (name, parties, relations, ancestors, cycles) in [("p60", 80, 160, 40, 3), ("p300", 400, 900, 250, 5)] {
        let g = pyramid(PyramidParams { parties, relations, ancestors, cycles, ..PyramidParams::default() });
        let path = dir.join(format!("{name}.json"));
        std::fs::write(&path, g.to_json()).unwrap();
        out.push(path);
    }
    out
}

fn run(args: &[&str], input: &Path, out: &Path) -> String {
    owngraph()
        .arg(args[0])
        .arg(input)
        .args(["--target", "T", "--as-of", DATE, "-o"])
        .arg(out)
        .args(&args[1..])
        .assert()
        .success();
    std::fs::read_to_string(out).unwrap()
}

/// Node names of a DOT text.
fn dot_nodes(dot: &str) -> Vec<String> {
    dot.lines()
        .filter_map(|l| {
            let l = l.trim_start().strip_prefix('"')?;
            let end = l.find("\"[")?;
            Some(l[..end].replace("\\\"", "\""))
        })
        .collect()
}

/// Who must stay on every picture: the largest holders (the first eight with at least a
/// tenth of the largest share), every disclosed holder, every controller.
fn must_stay(check: &Value) -> Vec<String> {
    let mut ids = Vec::new();
    for regime in ["ru", "eaeu"] {
        let r = &check["regimes"][regime];
        let holders = r["holders"].as_array().cloned().unwrap_or_default();
        let top = holders.first().and_then(|h| h["share"]["percent"].as_str()).and_then(|p| p.parse::<f64>().ok());
        for h in holders.iter().take(8) {
            let p: f64 = h["share"]["percent"].as_str().unwrap().parse().unwrap();
            if let (Some(id), Some(top)) = (h["id"].as_str(), top)
                && p >= top / 10.0 * 0.999_999
            {
                ids.push(id.to_string());
            }
        }
        for d in r["disclosure"].as_array().cloned().unwrap_or_default() {
            ids.push(d["id"].as_str().unwrap().to_string());
        }
    }
    for c in check["regimes"]["pak"]["controllers"].as_array().cloned().unwrap_or_default() {
        ids.push(c["id"].as_str().unwrap().to_string());
    }
    ids.sort();
    ids.dedup();
    ids
}

#[test]
fn the_largest_holders_controllers_and_disclosed_holders_are_never_pruned() {
    let dir = tempfile::tempdir().unwrap();
    let mut inputs = examples();
    inputs.extend(pyramids(dir.path()));
    for input in &inputs {
        let check = check_json(input, "T", &[]);
        let keep = must_stay(&check);
        for view in
            [&[][..], &["--min-share", "25%"][..], &["--depth", "1"][..], &["--min-share", "50%", "--depth", "1"][..]]
        {
            let mut args = vec!["render"];
            args.extend_from_slice(view);
            let dot = run(&args, input, &dir.path().join("d.dot"));
            let nodes = dot_nodes(&dot);
            for id in &keep {
                assert!(nodes.contains(id), "{}: {id} pruned with {view:?}", input.display());
            }
        }
    }
}

#[test]
fn large_structures_fit_the_caps_by_default_and_say_what_they_hide() {
    let dir = tempfile::tempdir().unwrap();
    for input in pyramids(dir.path()) {
        let dot = run(&["render"], &input, &dir.path().join("d.dot"));
        let nodes = dot_nodes(&dot).into_iter().filter(|n| n != "owngraph:legend").count();
        let edges = dot.matches(" -> ").count() - 1;
        // The parties that must stay may exceed the caps; the rest may not.
        let keep = must_stay(&check_json(&input, "T", &[])).len();
        assert!(nodes <= 60 + keep, "{}: {nodes} nodes", input.display());
        assert!(edges <= 200, "{}: {edges} edges", input.display());
        assert!(dot.contains("не показаны"), "{}: the picture says what it hides", input.display());
        assert!(dot.contains("--min-share 0"), "and how to show it");
    }
}

/// `data-roles` of the node of `party` in an SVG.
fn roles_of(svg: &str, party: &str) -> Option<String> {
    let doc = roxmltree::Document::parse(svg).expect("well-formed SVG");
    doc.descendants()
        .find(|n| n.attribute("data-party") == Some(party) && n.attribute("class") == Some("node"))
        .and_then(|n| n.attribute("data-roles"))
        .map(str::to_string)
}

#[test]
fn data_roles_mark_the_controllers_of_the_worked_examples() {
    let dir = tempfile::tempdir().unwrap();
    let layouts: &[&str] =
        if owngraph::report::dot::find_dot().is_some() { &["embedded", "dot"] } else { &["embedded"] };
    let mut marked = 0;
    for input in examples() {
        let check = check_json(&input, "T", &[]);
        for layout in layouts {
            let svg = run(&["render", "--layout", layout], &input, &dir.path().join("d.svg"));
            for c in check["regimes"]["pak"]["controllers"].as_array().unwrap() {
                let id = c["id"].as_str().unwrap();
                let roles =
                    roles_of(&svg, id).unwrap_or_else(|| panic!("{}: no node {id} ({layout})", input.display()));
                let want = if c["foreign"] == Value::Bool(true) { "foreign-controller" } else { "controller" };
                assert!(roles.split(' ').any(|r| r == want), "{}: {id} has roles {roles} ({layout})", input.display());
                marked += 1;
            }
            // Every node and edge carries its data.
            let doc = roxmltree::Document::parse(&svg).unwrap();
            for n in doc.descendants().filter(|n| n.attribute("class") == Some("node")) {
                assert!(n.attribute("data-party").is_some() && n.attribute("data-roles").is_some());
            }
            let edges = doc.descendants().filter(|n| n.attribute("class") == Some("edge")).count();
            let with_data = doc.descendants().filter(|n| n.attribute("data-relation").is_some()).count();
            assert!(edges > 0 && with_data == edges, "{}: {with_data} of {edges} edges ({layout})", input.display());
        }
    }
    // Examples 2, 4, 6, 7, 8, 12 have controllers.
    assert!(marked >= 6, "{marked}");
    // Example 7: F is a foreign controller by indicator 1.
    let svg =
        run(&["render", "--layout", "embedded"], Path::new("fixtures/example-07.json"), &dir.path().join("e7.svg"));
    assert!(
        svg.contains("data-party=\"F\" data-roles=\"foreign-controller foreign intermediate\" data-indicators=\"1\""),
        "{svg}"
    );
}

/// The text a person sees in an HTML page or an SVG: no tags, styles, scripts or comments.
fn visible_text(markup: &str) -> String {
    let mut s = markup.to_string();
    for (open, close) in [("<style", "</style>"), ("<script", "</script>"), ("<!--", "-->")] {
        while let Some(a) = s.find(open) {
            let Some(b) = s[a..].find(close) else { break };
            s.replace_range(a..a + b + close.len(), " ");
        }
    }
    let mut out = String::new();
    let mut in_tag = false;
    for c in s.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                out.push(' ');
            }
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.replace("&quot;", "\"").replace("&#39;", "'").replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
}

/// English words and internal ids that must not reach a Russian reader.
const NOT_RUSSIAN: [&str; 24] = [
    "russian",
    "foreign",
    "computed",
    "declared",
    "capital",
    "votes",
    "undisclosed",
    "holder",
    "holders",
    "share",
    "counts",
    "policy",
    "layout",
    "legend",
    "unknown",
    "interval",
    "eligible",
    "yes",
    "no",
    "the",
    "of",
    "and",
    "indicator",
    "via",
];

fn assert_russian(text: &str, what: &str) {
    for bad in ["ИНН/INN", "ОГРН/OGRN", "undisclosed:", "?votes", "votes:", "не известно"] {
        assert!(!text.contains(bad), "{what}: \"{bad}\" in\n{text}");
    }
    for word in text.split(|c: char| !c.is_alphanumeric() && c != '_') {
        let w = word.to_lowercase();
        assert!(!NOT_RUSSIAN.contains(&w.as_str()), "{what}: English word \"{word}\" in\n{text}");
    }
}

#[test]
fn russian_output_has_no_internal_id_and_no_english_word() {
    let dir = tempfile::tempdir().unwrap();
    let mut inputs = examples();
    inputs.push(PathBuf::from("fixtures/holders-with-details.json"));
    for input in &inputs {
        let target = "T".to_string();
        let out = owngraph().arg("check").arg(input).args(["--target", &target, "--as-of", DATE]).output().unwrap();
        assert!(out.status.success());
        assert_russian(&String::from_utf8_lossy(&out.stdout), &format!("check {}", input.display()));
        for extra in [&[][..], &["--aggregate-foreign", "--dual-citizens", "foreign"][..]] {
            let html_path = dir.path().join("r.html");
            owngraph()
                .arg("report")
                .arg(input)
                .args(["--target", &target, "--as-of", DATE, "--layout", "embedded", "-o"])
                .arg(&html_path)
                .args(extra)
                .assert()
                .success();
            let html = std::fs::read_to_string(&html_path).unwrap();
            // The input file's name is the user's, not ours.
            let text = visible_text(&html).replace(&input.display().to_string(), "");
            assert_russian(&text, &format!("report {}", input.display()));
        }
        let svg_path = dir.path().join("d.svg");
        owngraph()
            .arg("render")
            .arg(input)
            .args(["--target", &target, "--as-of", DATE, "--layout", "embedded", "-o"])
            .arg(&svg_path)
            .assert()
            .success();
        let svg = std::fs::read_to_string(&svg_path).unwrap();
        assert_russian(&visible_text(&svg), &format!("render {}", input.display()));
        // Tooltips are read too.
        assert!(!svg.contains("<title>?") && !svg.contains("undisclosed:"));
    }
}

/// Every `p/q` in `text`.
fn fractions(text: &str) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    for (i, &c) in chars.iter().enumerate() {
        if c != '/' || i == 0 || !chars[i - 1].is_ascii_digit() || !chars.get(i + 1).is_some_and(|d| d.is_ascii_digit())
        {
            continue;
        }
        let a = (0..i).rev().take_while(|&k| chars[k].is_ascii_digit()).last().unwrap_or(i);
        let b = (i + 1..chars.len()).take_while(|&k| chars[k].is_ascii_digit()).last().unwrap_or(i);
        out.push(chars[a..=b].iter().collect());
    }
    out
}

#[test]
fn titles_labels_and_badges_show_no_long_fraction() {
    let dir = tempfile::tempdir().unwrap();
    let mut inputs = examples();
    inputs.extend(pyramids(dir.path()));
    for input in &inputs {
        for lang in ["ru", "en"] {
            let svg = run(&["render", "--layout", "embedded", "--lang", lang], input, &dir.path().join("d.svg"));
            let doc = roxmltree::Document::parse(&svg).unwrap();
            for t in doc.descendants().filter(|n| n.has_tag_name("text") || n.has_tag_name("title")) {
                for f in fractions(t.text().unwrap_or_default()) {
                    assert!(f.chars().count() <= SHORT, "{}: {f} in {:?}", input.display(), t.text());
                }
            }
            let html = run(&["report", "--layout", "embedded", "--lang", lang], input, &dir.path().join("r.html"));
            let a = html.find("<section id=\"verdicts\">").unwrap();
            let b = html[a..].find("</section>").unwrap() + a;
            for f in fractions(&visible_text(&html[a..b])) {
                assert!(f.chars().count() <= SHORT, "{}: {f} in the verdicts", input.display());
            }
        }
    }
}

#[test]
fn a_kazakh_rights_holder_is_coloured_by_the_eurasian_rule() {
    // Example 11: T is a Kazakh company; only p. 42 "а" can apply to it.
    let dir = tempfile::tempdir().unwrap();
    let svg =
        run(&["render", "--layout", "embedded"], Path::new("fixtures/example-11.json"), &dir.path().join("d.svg"));
    let doc = roxmltree::Document::parse(&svg).unwrap();
    let legend =
        doc.descendants().filter(|n| n.has_tag_name("text")).filter_map(|n| n.text()).collect::<Vec<_>>().join("\n");
    assert!(legend.contains("учитывается (п. 42 «а»)"), "{legend}");
    // The Kazakh state and the Belarusian citizen count; the Russian citizen does not.
    let roles = |id: &str| roles_of(&svg, id).unwrap_or_default();
    let check = check_json(Path::new("fixtures/example-11.json"), "T", &[]);
    for h in check["regimes"]["eaeu"]["holders"].as_array().unwrap() {
        let id = h["id"].as_str().unwrap();
        let want = if h["qualifies"] == Value::Bool(true) { "qualifying" } else { "not-qualifying" };
        assert!(roles(id).split(' ').any(|r| r == want), "{id}: {}", roles(id));
    }
}
