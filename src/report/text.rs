//! The text report of `owngraph check`: what a person reads in a minute, in Russian by default
//! and in the terms of the Rules: the verdict per regime with the rule point, the share as a
//! percent and an exact fraction, the interval and the undisclosed holders that decide it, the
//! ultimate holders with their chains, the disclosure, control with its proof, the policies.

use std::fmt::Write;

use super::words::short_share;
use crate::fraction::Fraction;
use crate::law::check::CheckReport;
use crate::law::control::{ControlAssessment, chain_text_with, describe_step_with};
use crate::law::participation::{DisclosedHolder, HolderShare, ParticipationAssessment, describe_chain_with};
use crate::law::policy::{DualCitizens, NonprofitStatus, ParticipationBase, Policies};
use crate::law::qualify::Status;
use crate::law::wording::{Lang, Statement, kind_code, percent, term};

/// Picks the Russian or the English words.
pub fn w(lang: Lang, ru: &'static str, en: &'static str) -> &'static str {
    match lang {
        Lang::Ru => ru,
        Lang::En => en,
    }
}

/// A share as `82,5 % (33/40)`.
pub fn share(f: &Fraction, lang: Lang) -> String {
    format!("{} ({})", percent(f, lang), f)
}

/// A rule point as the language writes it: `п. 5 «а»` in Russian, `p. 5 "а"` in English.
pub fn rule_point(rule: &str, lang: Lang) -> String {
    match lang {
        Lang::En => rule.to_string(),
        Lang::Ru => {
            let mut out = String::with_capacity(rule.len() + 4);
            let mut open = true;
            for c in rule.replace("p. ", "п. ").chars() {
                if c == '"' {
                    out.push(if open { '«' } else { '»' });
                    open = !open;
                } else {
                    out.push(c);
                }
            }
            out
        }
    }
}

/// The details p. 4 "е" asks for of a disclosed holder, each as `label value`.
pub fn disclosure_details(h: &DisclosedHolder, lang: Lang) -> Vec<String> {
    let mut details = Vec::new();
    for (label, v) in [
        (w(lang, "ИНН", "INN"), &h.inn),
        (w(lang, "ОГРН", "OGRN"), &h.ogrn),
        (w(lang, "документ", "document"), &h.document),
        (w(lang, "адрес", "address"), &h.address),
    ] {
        if let Some(v) = v {
            details.push(format!("{label} {v}"));
        }
    }
    details
}

/// Columns aligned on their widths (in characters, so Cyrillic lines up).
pub struct Table {
    rows: Vec<Vec<String>>,
}

impl Table {
    /// A table with a header row.
    pub fn new(header: &[&str]) -> Table {
        Table { rows: vec![header.iter().map(|s| s.to_string()).collect()] }
    }

    /// Adds a row.
    pub fn row(&mut self, cells: Vec<String>) {
        self.rows.push(cells);
    }

    /// Renders with `indent` spaces before each line.
    pub fn render(&self, indent: usize) -> String {
        let cols = self.rows.iter().map(Vec::len).max().unwrap_or(0);
        let widths: Vec<usize> = (0..cols)
            .map(|c| self.rows.iter().filter_map(|r| r.get(c)).map(|s| s.chars().count()).max().unwrap_or(0))
            .collect();
        let mut out = String::new();
        for r in &self.rows {
            let mut line = " ".repeat(indent);
            for (c, cell) in r.iter().enumerate() {
                line.push_str(cell);
                if c + 1 < r.len() {
                    line.push_str(&" ".repeat(widths[c] - cell.chars().count() + 2));
                }
            }
            out.push_str(line.trim_end());
            out.push('\n');
        }
        out
    }
}

/// A holder's status in words: counts, does not count, unknown.
pub fn status_word(s: Status, lang: Lang) -> &'static str {
    match s {
        Status::Qualifying => w(lang, "учитывается", "counts"),
        Status::NotQualifying => w(lang, "не учитывается", "does not count"),
        Status::Unknown => w(lang, "не установлен", "unknown"),
    }
}

fn statement_lines(out: &mut String, title: &str, items: &[Statement], r: &CheckReport, lang: Lang) {
    if items.is_empty() {
        return;
    }
    let _ = writeln!(out, "{title}:");
    for s in items {
        let _ = writeln!(out, "  - {}", say(s, r, lang));
    }
}

/// A statement for a person: parties by name, long fractions as percents.
pub fn say(s: &Statement, r: &CheckReport, lang: Lang) -> String {
    s.render_with(lang, &|f| short_share(f, lang), &|id| r.name_of(id))
}

/// A party id as a person reads it: the party's name.
pub fn named<'a>(r: &'a CheckReport) -> impl Fn(&str) -> String + 'a {
    move |id: &str| r.name_of(id)
}

/// The policies in words.
pub fn policies(p: &Policies, lang: Lang) -> String {
    let p1 = match p.dual_citizens {
        DualCitizens::Russian => w(lang, "гражданин РФ", "russian"),
        DualCitizens::Foreign => w(lang, "иностранное лицо", "foreign"),
    };
    let p3 = match p.nonprofit_status {
        NonprofitStatus::Computed => w(lang, "вычисляется", "computed"),
        NonprofitStatus::Declared => w(lang, "по заявлению во входных данных", "declared"),
    };
    let p4 = match p.participation_base {
        ParticipationBase::Capital => w(lang, "уставный капитал", "capital"),
        ParticipationBase::Votes => w(lang, "голосующие акции", "votes"),
    };
    let p2 = if p.aggregate_foreign { w(lang, "да", "yes") } else { w(lang, "нет", "no") };
    match lang {
        Lang::Ru => format!(
            "P1 двойное гражданство: {p1}; P2 суммировать иностранных лиц: {p2}; P3 статус НКО: {p3}; P4 база доли: {p4}"
        ),
        Lang::En => format!(
            "P1 dual citizens: {p1}; P2 aggregate foreign persons: {p2}; P3 nonprofit status: {p3}; P4 participation base: {p4}"
        ),
    }
}

fn participation(out: &mut String, r: &CheckReport, a: &ParticipationAssessment, lang: Lang, code: &'static str) {
    let _ = writeln!(out, "== {}", term(code, lang));
    let _ = writeln!(out, "{}: {}", w(lang, "Вердикт", "Verdict"), term(a.verdict.code(), lang));
    let _ = writeln!(out, "{}: {}", w(lang, "Основание", "Reason"), say(&a.reason, r, lang));
    let _ = writeln!(
        out,
        "{}: {}; {} [{}; {}]",
        w(lang, "Доля квалифицирующих лиц", "Share of qualifying holders"),
        share(&a.share, lang),
        w(lang, "интервал", "interval"),
        percent(&a.share, lang),
        percent(&a.upper, lang)
    );
    if !a.deciding.is_empty() {
        let _ = writeln!(
            out,
            "{}: {}",
            w(lang, "Решают нераскрытые держатели", "Decided by undisclosed holders"),
            deciding_text(a, lang)
        );
    }
    if !a.holders.is_empty() {
        let _ = writeln!(out, "\n{}:", w(lang, "Конечные владельцы", "Ultimate holders"));
        let mut t = Table::new(&[
            w(lang, "Лицо", "Holder"),
            w(lang, "Статус", "Status"),
            w(lang, "Доля", "Share"),
            w(lang, "Прямая", "Direct"),
            w(lang, "Косвенная", "Indirect"),
            w(lang, "Дробь", "Fraction"),
        ]);
        for h in &a.holders {
            let name = holder_name(h, lang);
            t.row(vec![
                name,
                status_word(h.status, lang).to_string(),
                percent(&h.share, lang),
                percent(&h.direct, lang),
                percent(&h.indirect, lang),
                crate::law::wording::fraction(&h.share, lang),
            ]);
        }
        out.push_str(&t.render(2));
        let _ = writeln!(out, "\n{}:", w(lang, "Основания и цепочки", "Grounds and chains"));
        for h in &a.holders {
            let _ = writeln!(out, "  {} — {}", holder_name(h, lang), say(&h.basis, r, lang));
            for c in &h.chains {
                let _ = writeln!(out, "      {}", describe_chain_with(c, h.holder.is_undisclosed(), lang, &named(r)));
            }
            if h.unlisted.is_positive() {
                let what = if h.chains_complete {
                    w(lang, "по цепочкам, проходящим через циклы", "through walks round cycles")
                } else {
                    w(lang, "по цепочкам, которые не показаны, и циклам", "through chains not shown and cycles")
                };
                let _ = writeln!(out, "      + {} {}", percent(&h.unlisted, lang), what);
            }
        }
    }
    let d = &a.disclosure;
    if !d.holders.is_empty() || d.branch != crate::law::disclosure::Branch::NotApplicable {
        let rule = match lang {
            Lang::Ru => d.rule.replace("p. ", "п. ").replace("\"б\"", "«б»"),
            Lang::En => d.rule.to_string(),
        };
        let _ =
            writeln!(out, "\n{} {}: {}", w(lang, "Раскрытие по", "Disclosure under"), rule, d.branch_text.render(lang));
        for (i, h) in d.holders.iter().enumerate() {
            let details = disclosure_details(h, lang);
            let _ = writeln!(
                out,
                "  {}. {} ({}) — {}{}",
                i + 1,
                h.name,
                h.id,
                share(&h.share, lang),
                if details.is_empty() { String::new() } else { format!("; {}", details.join("; ")) }
            );
        }
        let _ = writeln!(out, "  {}: {}", w(lang, "Итого", "Total"), share(&d.total, lang));
    }
    for n in &a.nonprofits {
        let _ = writeln!(
            out,
            "\n{} {}: {} — {}",
            w(lang, "НКО", "Nonprofit"),
            r.name_of(&n.id),
            status_word(n.status, lang),
            say(&n.basis, r, lang)
        );
    }
    if !a.notes.is_empty() {
        out.push('\n');
        statement_lines(out, w(lang, "Примечания", "Notes"), &a.notes, r, lang);
    }
    out.push('\n');
}

fn control(out: &mut String, r: &CheckReport, a: &ControlAssessment, lang: Lang) {
    let _ = writeln!(out, "== {}", term("regime.pak", lang));
    let _ = writeln!(out, "{}: {}", w(lang, "Вердикт", "Verdict"), term(a.verdict.code(), lang));
    let _ = writeln!(out, "{}: {}", w(lang, "Основание", "Reason"), say(&a.reason, r, lang));
    if a.controllers.is_empty() {
        let _ = writeln!(out, "{}", w(lang, "Контролирующих лиц нет.", "No controllers."));
    } else {
        let _ = writeln!(out, "\n{}:", w(lang, "Контролирующие лица", "Controllers"));
        for c in &a.controllers {
            let f = if c.foreign {
                w(lang, "иностранное лицо", "foreign")
            } else {
                w(lang, "не иностранное", "not foreign")
            };
            let inds: Vec<&str> = c.indicators.iter().map(|i| term(i.code(), lang)).collect();
            // A foreign person: where its citizenship comes from (issue 10, item 1).
            let source = match r.names.get(&c.id).and_then(|n| n.citizenship_source.as_deref()) {
                Some(src) if c.foreign => format!("; {}: {src}", w(lang, "гражданство по данным", "citizenship from")),
                _ => String::new(),
            };
            let _ = writeln!(out, "  {} ({f}{source}): {}", r.name_of(&c.id), inds.join("; "));
            for s in &c.steps {
                let _ = writeln!(out, "      {}", describe_step_with(s, lang, &named(r)));
            }
        }
    }
    if !a.potential_controllers.is_empty() {
        let _ = writeln!(
            out,
            "\n{}:",
            w(
                lang,
                "Могли бы контролировать через нераскрытое (голоса, влияние без указания объёма)",
                "Could control through what is undisclosed (votes, influence of unstated extent)"
            )
        );
        for p in &a.potential_controllers {
            let who = match &p.id {
                Some(id) => r.name_of(id),
                None => term("control.hypothetical", lang).to_string(),
            };
            let _ = writeln!(out, "  {who}: {}", chain_text_with(&p.chain, lang, &named(r)));
            for s in &p.steps {
                let _ = writeln!(out, "      {}", describe_step_with(s, lang, &named(r)));
            }
        }
    }
    if !a.warnings.is_empty() {
        out.push('\n');
        statement_lines(out, w(lang, "Предупреждения", "Warnings"), &a.warnings, r, lang);
    }
    out.push('\n');
}

/// A holder as a reader knows it: its name (and id when they differ), or "the undisclosed
/// participants of" the company, by name.
pub fn holder_name(h: &HolderShare, lang: Lang) -> String {
    match h.holder.party_id() {
        Some(id) if id != h.name && !h.name.is_empty() => format!("{} ({id})", h.name),
        Some(id) => id.to_string(),
        None => h.label().render(lang),
    }
}

/// The holders of unknown status that decide an undetermined verdict, in words.
pub fn deciding_text(a: &ParticipationAssessment, lang: Lang) -> String {
    let deciding: std::collections::HashSet<&crate::law::participation::Holder> = a.deciding.iter().collect();
    let names: Vec<String> =
        a.holders.iter().filter(|h| deciding.contains(&h.holder)).map(|h| holder_name(h, lang)).collect();
    names.join(", ")
}

/// The rights holder in one line: name, ИНН, ОГРН, kind, country.
pub fn target_line(r: &CheckReport, lang: Lang) -> String {
    let mut parts = vec![r.name_of(&r.target)];
    let ids = r.names.get(&r.target);
    if let Some(inn) = ids.and_then(|n| n.inn.as_deref()) {
        parts.push(format!("{} {inn}", w(lang, "ИНН", "INN")));
    }
    if let Some(ogrn) = ids.and_then(|n| n.ogrn.as_deref()) {
        parts.push(format!("{} {ogrn}", w(lang, "ОГРН", "OGRN")));
    }
    if parts.len() == 1 && r.target != parts[0] {
        parts.push(format!("id {}", r.target));
    }
    let country = r.target_country.map(|c| format!(", {c}")).unwrap_or_default();
    format!("{}, {}{country}", parts.join(", "), term(kind_code(r.target_kind), lang))
}

/// The whole report.
pub fn check(r: &CheckReport, lang: Lang) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{}: {}", w(lang, "Правообладатель", "Rights holder"), target_line(r, lang));
    let _ = writeln!(
        out,
        "{}: {} · {}: {} / {}\n",
        w(lang, "По состоянию на", "As of"),
        r.as_of,
        w(lang, "лиц / связей", "parties / relations"),
        r.graph.parties,
        r.graph.relations
    );
    if let Some(a) = &r.regimes.ru {
        participation(&mut out, r, a, lang, "regime.ru");
    }
    if let Some(a) = &r.regimes.eaeu {
        participation(&mut out, r, a, lang, "regime.eaeu");
    }
    if let Some(a) = &r.regimes.pak {
        control(&mut out, r, a, lang);
    }
    statement_lines(&mut out, w(lang, "Примечания к анализу", "Notes on the analysis"), &r.notes, r, lang);
    let _ = writeln!(out, "{}: {}", w(lang, "Политики", "Policies"), policies(&r.policies, lang));
    let _ = writeln!(
        out,
        "{} {} {}",
        r.tool.name,
        r.tool.version,
        w(lang, "· точная рациональная арифметика", "· exact rational arithmetic")
    );
    out
}
