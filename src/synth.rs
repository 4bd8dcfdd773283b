//! Synthetic ownership graphs for benchmarks and tests: deterministic for a seed, written in the
//! native JSON format. Not part of the law; it only produces inputs of a known shape.

use std::fmt::Write;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// A party of a synthetic graph.
#[derive(Clone, Debug)]
pub struct SynthParty {
    /// Id.
    pub id: String,
    /// Kind as spelled in the input.
    pub kind: &'static str,
    /// Country, for states, companies and nonprofits.
    pub country: Option<&'static str>,
    /// Citizenships, for persons.
    pub citizenship: Vec<&'static str>,
}

/// A relation of a synthetic graph; fractions as text (`"12.5%"`, `"1/3"`).
#[derive(Clone, Debug)]
pub struct SynthRelation {
    /// Relation type.
    pub kind: &'static str,
    /// Holder (party position).
    pub from: usize,
    /// Held (party position).
    pub to: usize,
    /// Extra fields as `(name, JSON value text)`.
    pub fields: Vec<(&'static str, String)>,
}

/// A synthetic graph.
#[derive(Clone, Debug, Default)]
pub struct SynthGraph {
    /// Parties.
    pub parties: Vec<SynthParty>,
    /// Relations.
    pub relations: Vec<SynthRelation>,
}

impl SynthGraph {
    fn party(
        &mut self,
        id: String,
        kind: &'static str,
        country: Option<&'static str>,
        citizenship: Vec<&'static str>,
    ) -> usize {
        self.parties.push(SynthParty { id, kind, country, citizenship });
        self.parties.len() - 1
    }

    fn shares(&mut self, from: usize, to: usize, capital: String) {
        self.relations.push(SynthRelation {
            kind: "shares",
            from,
            to,
            fields: vec![("capital", format!("\"{capital}\""))],
        });
    }

    /// The graph in the native JSON format.
    pub fn to_json(&self) -> String {
        let mut s = String::with_capacity(self.parties.len() * 80 + self.relations.len() * 90);
        s.push_str("{\"parties\": [\n");
        for (i, p) in self.parties.iter().enumerate() {
            let _ = write!(s, "{{\"id\": \"{}\", \"kind\": \"{}\"", p.id, p.kind);
            if let Some(c) = p.country {
                let _ = write!(s, ", \"country\": \"{c}\"");
            }
            if !p.citizenship.is_empty() {
                let list: Vec<String> = p.citizenship.iter().map(|c| format!("\"{c}\"")).collect();
                let _ = write!(s, ", \"citizenship\": [{}]", list.join(", "));
            }
            s.push('}');
            s.push_str(if i + 1 < self.parties.len() { ",\n" } else { "\n" });
        }
        s.push_str("],\n\"relations\": [\n");
        for (i, r) in self.relations.iter().enumerate() {
            let _ = write!(
                s,
                "{{\"type\": \"{}\", \"from\": \"{}\", \"to\": \"{}\"",
                r.kind, self.parties[r.from].id, self.parties[r.to].id
            );
            for (k, v) in &r.fields {
                let _ = write!(s, ", \"{k}\": {v}");
            }
            s.push('}');
            s.push_str(if i + 1 < self.relations.len() { ",\n" } else { "\n" });
        }
        s.push_str("]}\n");
        s
    }
}

/// The shape of [`pyramid`].
#[derive(Clone, Copy, Debug)]
pub struct PyramidParams {
    /// Parties in all.
    pub parties: usize,
    /// Relations in all (approximately).
    pub relations: usize,
    /// Company ancestors of the target `T`.
    pub ancestors: usize,
    /// Levels of the pyramid above `T`.
    pub levels: usize,
    /// Cross-holdings (each closes an ownership cycle) among the ancestors.
    pub cycles: usize,
    /// Random seed.
    pub seed: u64,
}

impl Default for PyramidParams {
    fn default() -> Self {
        PyramidParams { parties: 100_000, relations: 300_000, ancestors: 10_000, levels: 12, cycles: 20, seed: 1236 }
    }
}

/// Splits the whole into `n` random parts written as percents with two decimals, leaving an
/// undisclosed remainder now and then, and now and then as exact thirds or sevenths.
fn split(rng: &mut ChaCha8Rng, n: usize) -> Vec<String> {
    if n == 3 && rng.random_bool(0.05) {
        return vec!["1/3".into(), "1/3".into(), "1/3".into()];
    }
    if n == 2 && rng.random_bool(0.05) {
        return vec!["3/7".into(), "4/7".into()];
    }
    let total: u32 = if rng.random_bool(0.1) { rng.random_range(5_000..10_000) } else { 10_000 };
    let weights: Vec<u32> = (0..n).map(|_| rng.random_range(1..100)).collect();
    let sum: u32 = weights.iter().sum();
    let mut parts: Vec<u32> = weights.iter().map(|w| w * total / sum).collect();
    let used: u32 = parts.iter().sum();
    parts[0] += total - used;
    parts.into_iter().map(|bp| format!("{}.{:02}%", bp / 100, bp % 100)).collect()
}

/// Basis points of a `"12.34%"` capital field.
fn percent_of(fields: &[(&'static str, String)]) -> Option<u32> {
    let v = &fields.iter().find(|(k, _)| *k == "capital")?.1;
    let (int, frac) = v.trim_matches('"').strip_suffix('%')?.split_once('.')?;
    Some(int.parse::<u32>().ok()? * 100 + frac.parse::<u32>().ok()?)
}

const FOREIGN: [&str; 6] = ["CY", "NL", "AE", "GB", "US", "DE"];

/// A target `T` with a pyramid of company ancestors (cross-holdings, treasury shares, vote
/// disposals and appointments included), the rest of the parties being unrelated small
/// companies and their owners.
pub fn pyramid(p: PyramidParams) -> SynthGraph {
    let mut rng = ChaCha8Rng::seed_from_u64(p.seed);
    let mut g = SynthGraph::default();
    let persons = (p.parties / 3).max(10);
    let person_ids: Vec<usize> = (0..persons)
        .map(|i| {
            let cit: Vec<&'static str> = match rng.random_range(0..100) {
                0..=84 => vec!["RU"],
                85..=89 => vec!["RU", "IL"],
                90..=94 => vec!["KZ"],
                _ => vec![FOREIGN[i % FOREIGN.len()]],
            };
            g.party(format!("P{i}"), "person", None, cit)
        })
        .collect();
    // Levels of the pyramid: sizes growing geometrically from the target.
    let mut levels: Vec<Vec<usize>> = vec![vec![g.party("T".into(), "company", Some("RU"), vec![])]];
    let mut remaining = p.ancestors.saturating_sub(1);
    let ratio = (remaining.max(2) as f64).powf(1.0 / p.levels.max(1) as f64);
    for k in 1..=p.levels {
        let want = if k == p.levels { remaining } else { (ratio.powi(k as i32).round() as usize).min(remaining) };
        let level: Vec<usize> = (0..want)
            .map(|i| {
                let foreign = rng.random_bool(0.05);
                let country = if foreign { FOREIGN[i % FOREIGN.len()] } else { "RU" };
                g.party(format!("C{k}_{i}"), "company", Some(country), vec![])
            })
            .collect();
        remaining -= level.len();
        levels.push(level);
    }
    let levels: Vec<Vec<usize>> = levels.into_iter().filter(|l| !l.is_empty()).collect();
    for k in 0..levels.len() {
        let above = levels.get(k + 1);
        let holders_of: Vec<Vec<usize>> = levels[k]
            .iter()
            .map(|_| {
                let mut hs = Vec::new();
                if let Some(above) = above {
                    for _ in 0..rng.random_range(1..=3) {
                        hs.push(above[rng.random_range(0..above.len())]);
                    }
                }
                for _ in 0..rng.random_range(if above.is_some() { 0..=1 } else { 1..=3 }) {
                    hs.push(person_ids[rng.random_range(0..person_ids.len())]);
                }
                hs.sort_unstable();
                hs.dedup();
                hs
            })
            .collect();
        // Every company of the level above holds something in this level.
        let mut holders_of = holders_of;
        if let Some(above) = above {
            for (i, &c) in above.iter().enumerate() {
                let j = i % levels[k].len();
                if !holders_of[j].contains(&c) {
                    holders_of[j].push(c);
                }
            }
        }
        for (i, &v) in levels[k].iter().enumerate() {
            let hs = &holders_of[i];
            let treasury = rng.random_bool(0.01);
            let n = hs.len() + usize::from(treasury);
            let parts = split(&mut rng, n);
            for (h, part) in hs.iter().zip(&parts) {
                g.shares(*h, v, part.clone());
            }
            if treasury {
                g.shares(v, v, parts[n - 1].clone());
            }
        }
    }
    // Cross-holdings: a company holds a little of one of its ancestors two levels up.
    for _ in 0..p.cycles {
        let k = rng.random_range(0..levels.len().saturating_sub(2).max(1));
        if k + 2 >= levels.len() {
            break;
        }
        let from = levels[k][rng.random_range(0..levels[k].len())];
        let to = levels[k + 2][rng.random_range(0..levels[k + 2].len())];
        // Take the stake out of a holder of `to` with at least 1 %.
        let donor = g.relations.iter_mut().find(|r| {
            r.kind == "shares" && r.to == to && r.from != to && percent_of(&r.fields).is_some_and(|bp| bp >= 100)
        });
        if let Some(r) = donor {
            let bp = percent_of(&r.fields).unwrap_or(0) - 50;
            r.fields = vec![("capital", format!("\"{}.{:02}%\"", bp / 100, bp % 100))];
            g.shares(from, to, "0.5%".into());
        }
    }
    // Control levers on some pyramid companies.
    for level in levels.iter().skip(1) {
        for &c in level {
            if !rng.random_bool(0.02) {
                continue;
            }
            let who = person_ids[rng.random_range(0..person_ids.len())];
            g.relations.push(SynthRelation {
                kind: "appoints",
                from: who,
                to: c,
                fields: vec![("board", "\"1/3\"".into())],
            });
        }
    }
    // Unrelated small companies owned by one to three persons, up to the sizes asked for.
    let mut i = 0;
    while g.parties.len() < p.parties && g.relations.len() < p.relations {
        let c = g.party(format!("S{i}"), "company", Some("RU"), vec![]);
        let n = rng.random_range(1..=3);
        let parts = split(&mut rng, n);
        for part in parts {
            let h = person_ids[rng.random_range(0..person_ids.len())];
            g.shares(h, c, part);
        }
        i += 1;
    }
    while g.parties.len() < p.parties {
        let n = g.parties.len();
        g.party(format!("X{n}"), "person", None, vec!["RU"]);
    }
    // Small companies holding each other, to reach the relation count.
    let smalls: Vec<usize> = (0..g.parties.len()).filter(|&x| g.parties[x].id.starts_with('S')).collect();
    while g.relations.len() < p.relations && smalls.len() > 1 {
        let (a, b) = (smalls[rng.random_range(0..smalls.len())], smalls[rng.random_range(0..smalls.len())]);
        if a != b {
            g.relations.push(SynthRelation { kind: "decision_rights", from: a, to: b, fields: vec![] });
        }
    }
    g
}

/// The shape of [`national`].
#[derive(Clone, Copy, Debug)]
pub struct NationalParams {
    /// Companies in all.
    pub companies: usize,
    /// Random seed.
    pub seed: u64,
}

impl Default for NationalParams {
    fn default() -> Self {
        NationalParams { companies: 1_000_000, seed: 1236 }
    }
}

const HOLDING_HAVENS: [&str; 3] = ["CY", "NL", "AE"];

/// A graph shaped like a national company register: mostly small companies owned by one to
/// four citizens; holding pyramids several levels deep; foreign holding companies (CY, NL, AE)
/// at the top of some; cross-holdings and treasury shares; free float in public companies;
/// trust management and control contracts; state, regional and municipal companies; some
/// nonprofits. About three relations per company.
pub fn national(p: NationalParams) -> SynthGraph {
    let mut rng = ChaCha8Rng::seed_from_u64(p.seed);
    let mut g = SynthGraph::default();
    let n = p.companies.max(10);
    let rf = g.party("RF".into(), "state", Some("RU"), vec![]);
    let kz = g.party("KZ".into(), "state", Some("KZ"), vec![]);
    let regions: Vec<usize> = (0..85).map(|i| g.party(format!("R{i}"), "region", None, vec![])).collect();
    let municipalities: Vec<usize> =
        (0..(n / 1000).max(5)).map(|i| g.party(format!("M{i}"), "municipality", None, vec![])).collect();
    let persons: Vec<usize> = (0..n * 6 / 5)
        .map(|i| {
            let cit: Vec<&'static str> = match rng.random_range(0..1000) {
                0..=929 => vec!["RU"],
                930..=949 => vec!["RU", ["IL", "DE", "US", "CY"][i % 4]],
                950..=969 => vec![["KZ", "BY", "AM", "KG"][i % 4]],
                _ => vec![FOREIGN[i % FOREIGN.len()]],
            };
            g.party(format!("P{i}"), "person", None, cit)
        })
        .collect();
    let nonprofits: Vec<usize> =
        (0..n / 100).map(|i| g.party(format!("N{i}"), "nonprofit", Some("RU"), vec![])).collect();
    for &np in &nonprofits {
        match rng.random_range(0..10) {
            0..=3 => g.relations.push(SynthRelation {
                kind: "governs",
                from: rf,
                to: np,
                fields: vec![("share", "\"1\"".into())],
            }),
            4..=5 => {
                let r = regions[rng.random_range(0..regions.len())];
                g.relations.push(SynthRelation {
                    kind: "governs",
                    from: r,
                    to: np,
                    fields: vec![("share", "\"60%\"".into())],
                });
                let who = persons[rng.random_range(0..persons.len())];
                g.relations.push(SynthRelation {
                    kind: "governs",
                    from: who,
                    to: np,
                    fields: vec![("share", "\"40%\"".into())],
                });
            }
            6..=8 => {
                for part in split(&mut rng, 3) {
                    let who = persons[rng.random_range(0..persons.len())];
                    g.relations.push(SynthRelation {
                        kind: "governs",
                        from: who,
                        to: np,
                        fields: vec![("share", format!("\"{part}\""))],
                    });
                }
            }
            _ => {} // nothing known about its founders
        }
    }
    let first_company = g.parties.len();
    let companies: Vec<usize> = (0..n)
        .map(|i| {
            let country = if rng.random_bool(0.02) { HOLDING_HAVENS[i % 3] } else { "RU" };
            g.party(format!("C{i}"), "company", Some(country), vec![])
        })
        .collect();
    let person = |rng: &mut ChaCha8Rng| persons[rng.random_range(0..persons.len())];
    for (i, &c) in companies.iter().enumerate() {
        let country = g.parties[c].country;
        if country != Some("RU") {
            // A foreign holding company: owners undisclosed, or foreign persons.
            if rng.random_bool(0.3) {
                let parts = split(&mut rng, 2);
                for part in parts {
                    let h = persons[(rng.random_range(0..persons.len()) / 20) * 20 + 19];
                    g.shares(h, c, part);
                }
            }
            continue;
        }
        let roll = rng.random_range(0..1000);
        let mut holders: Vec<usize> = Vec::new();
        match roll {
            // Subsidiaries: one to three companies created before, maybe a person.
            0..=199 if i > 10 => {
                for _ in 0..rng.random_range(1..=3) {
                    let j = if rng.random_bool(0.5) {
                        rng.random_range(i.saturating_sub(50)..i)
                    } else {
                        rng.random_range(0..i)
                    };
                    holders.push(companies[j]);
                }
                if rng.random_bool(0.4) {
                    holders.push(person(&mut rng));
                }
            }
            // Public companies: a free float and named holders.
            200..=209 => {
                let float = g.party(format!("F{i}"), "unknown", None, vec![]);
                holders.push(float);
                for _ in 0..rng.random_range(5..=15) {
                    holders.push(person(&mut rng));
                }
            }
            // State, regional and municipal companies.
            210..=219 => {
                holders.push(match roll % 3 {
                    0 => rf,
                    1 => regions[rng.random_range(0..regions.len())],
                    _ => municipalities[rng.random_range(0..municipalities.len())],
                });
                if rng.random_bool(0.3) {
                    holders.push(person(&mut rng));
                }
            }
            220..=224 => holders.push(nonprofits[rng.random_range(0..nonprofits.len().max(1))]),
            225 => holders.push(kz),
            _ => {
                for _ in 0..rng.random_range(1..=5) {
                    holders.push(person(&mut rng));
                }
            }
        }
        holders.sort_unstable();
        holders.dedup();
        holders.retain(|&h| h != c);
        let treasury = rng.random_bool(0.005);
        let k = holders.len() + usize::from(treasury);
        if k == 0 {
            continue;
        }
        let parts = split(&mut rng, k);
        for (h, part) in holders.iter().zip(&parts) {
            g.shares(*h, c, part.clone());
        }
        if treasury {
            g.shares(c, c, parts[k - 1].clone());
        }
        // Trust management of the first holder's votes, control contracts.
        if rng.random_bool(0.005) && g.parties[holders[0]].kind == "person" {
            let manager = companies[rng.random_range(0..companies.len())];
            if manager != c {
                g.relations.push(SynthRelation {
                    kind: "vote_disposal",
                    from: manager,
                    to: c,
                    fields: vec![
                        ("votes", format!("\"{}\"", parts[0])),
                        ("basis", "\"trust_management\"".into()),
                        ("of", format!("\"{}\"", g.parties[holders[0]].id)),
                    ],
                });
            }
        }
        if rng.random_bool(0.003) {
            let who = companies[rng.random_range(0..companies.len())];
            if who != c {
                let kind = ["decision_rights", "management_company", "appoints"][rng.random_range(0..3)];
                let fields = if kind == "appoints" { vec![("sole_executive", "true".into())] } else { vec![] };
                g.relations.push(SynthRelation { kind, from: who, to: c, fields });
            }
        }
    }
    // Cross-holdings: a company takes a small stake in one of its company holders, out of a
    // person's stake there.
    let shares_by_target: Vec<(usize, usize)> = g
        .relations
        .iter()
        .enumerate()
        .filter(|(_, r)| {
            r.kind == "shares" && r.to >= first_company && g.parties[r.from].kind == "company" && r.from != r.to
        })
        .map(|(i, r)| (i, r.to))
        .collect();
    let disposed: std::collections::HashSet<(usize, usize)> = g
        .relations
        .iter()
        .filter(|r| r.kind == "vote_disposal")
        .filter_map(|r| {
            let of = r
                .fields
                .iter()
                .find(|(k, _)| *k == "of")?
                .1
                .trim_matches('"')
                .trim_start_matches('P')
                .parse::<usize>()
                .ok()?;
            Some((persons.get(of).copied()?, r.to))
        })
        .collect();
    let mut donor_of: std::collections::HashMap<usize, usize> = std::collections::HashMap::new();
    for (i, r) in g.relations.iter().enumerate() {
        if r.kind == "shares"
            && r.from != r.to
            && !disposed.contains(&(r.from, r.to))
            && percent_of(&r.fields).is_some_and(|bp| bp >= 100)
        {
            donor_of.entry(r.to).or_insert(i);
        }
    }
    for k in 0..(n / 1000).min(shares_by_target.len()) {
        let (ri, held) = shares_by_target[(k * 7919) % shares_by_target.len()];
        let holder = g.relations[ri].from;
        if let Some(r) = donor_of.remove(&holder).map(|d| &mut g.relations[d]) {
            let bp = percent_of(&r.fields).unwrap_or(0) - 50;
            r.fields = vec![("capital", format!("\"{}.{:02}%\"", bp / 100, bp % 100))];
            g.shares(held, holder, "0.5%".into());
        }
    }
    g
}

impl SynthGraph {
    /// Writes `parties.csv` and `relations.csv` into `dir`.
    pub fn write_csv(&self, dir: &std::path::Path) -> std::io::Result<()> {
        std::fs::create_dir_all(dir)?;
        let mut w = csv::Writer::from_path(dir.join("parties.csv"))?;
        w.write_record(["id", "kind", "name", "country", "citizenship"])?;
        for p in &self.parties {
            w.write_record([p.id.as_str(), p.kind, p.id.as_str(), p.country.unwrap_or(""), &p.citizenship.join(";")])?;
        }
        w.flush()?;
        let mut w = csv::Writer::from_path(dir.join("relations.csv"))?;
        let cols = ["type", "from", "to", "capital", "votes", "basis", "of", "sole_executive", "share"];
        w.write_record(cols)?;
        for r in &self.relations {
            let mut row: Vec<String> =
                vec![r.kind.to_string(), self.parties[r.from].id.clone(), self.parties[r.to].id.clone()];
            for c in &cols[3..] {
                let v = r
                    .fields
                    .iter()
                    .find(|(k, _)| k == c)
                    .map(|(_, v)| v.trim_matches('"').to_string())
                    .unwrap_or_default();
                row.push(v);
            }
            w.write_record(&row)?;
        }
        w.flush()?;
        Ok(())
    }
}
