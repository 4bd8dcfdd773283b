//! The text report of `owngraph check`: what a person reads in a minute, in Russian by default
//! and in the terms of the Rules: the verdict per regime with the rule point, the share as a
//! percent and an exact fraction, the interval and the undisclosed holders that decide it, the
//! ultimate holders with their chains, the disclosure, control with its proof, the policies.

use std::fmt::Write;

use crate::fraction::Fraction;
use crate::law::check::CheckReport;
use crate::law::control::{ControlAssessment, describe_step};
use crate::law::participation::{DisclosedHolder, ParticipationAssessment, describe_chain};
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
        ("ИНН/INN", &h.inn),
        ("ОГРН/OGRN", &h.ogrn),
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
        Status::Unknown => w(lang, "не известно", "unknown"),
    }
}

fn statement_lines(out: &mut String, title: &str, items: &[Statement], lang: Lang) {
    if items.is_empty() {
        return;
    }
    let _ = writeln!(out, "{title}:");
    for s in items {
        let _ = writeln!(out, "  - {}", s.render(lang));
    }
}

/// The policies in words.
pub fn policies(p: &Policies, lang: Lang) -> String {
    let p1 = match p.dual_citizens {
        DualCitizens::Russian => "russian",
        DualCitizens::Foreign => "foreign",
    };
    let p3 = match p.nonprofit_status {
        NonprofitStatus::Computed => "computed",
        NonprofitStatus::Declared => "declared",
    };
    let p4 = match p.participation_base {
        ParticipationBase::Capital => "capital",
        ParticipationBase::Votes => "votes",
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

fn participation(out: &mut String, a: &ParticipationAssessment, lang: Lang, code: &'static str) {
    let _ = writeln!(out, "== {}", term(code, lang));
    let _ = writeln!(out, "{}: {}", w(lang, "Вердикт", "Verdict"), term(a.verdict.code(), lang));
    let _ = writeln!(out, "{}: {}", w(lang, "Основание", "Reason"), a.reason_in(lang));
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
            a.deciding.join(", ")
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
            let name = if h.kind == "undisclosed" {
                format!("{} ({})", h.id, w(lang, "нераскрытые", "undisclosed"))
            } else if h.name != h.id {
                format!("{} ({})", h.id, h.name)
            } else {
                h.id.clone()
            };
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
            let _ = writeln!(out, "  {} — {}", h.id, h.basis.render(lang));
            for c in &h.chains {
                let _ = writeln!(out, "      {}", describe_chain(c, h.kind == "undisclosed", lang));
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
            n.id,
            status_word(n.status, lang),
            n.basis.render(lang)
        );
    }
    if !a.notes.is_empty() {
        out.push('\n');
        statement_lines(out, w(lang, "Примечания", "Notes"), &a.notes, lang);
    }
    out.push('\n');
}

fn control(out: &mut String, a: &ControlAssessment, lang: Lang) {
    let _ = writeln!(out, "== {}", term("regime.pak", lang));
    let _ = writeln!(out, "{}: {}", w(lang, "Вердикт", "Verdict"), term(a.verdict.code(), lang));
    let _ = writeln!(out, "{}: {}", w(lang, "Основание", "Reason"), a.reason_in(lang));
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
            let _ = writeln!(out, "  {} ({}): {}", c.id, f, inds.join("; "));
            for s in &c.steps {
                let _ = writeln!(out, "      {}", describe_step(s, lang));
            }
        }
    }
    if !a.potential_controllers.is_empty() {
        let _ = writeln!(
            out,
            "\n{}:",
            w(lang, "Могли бы контролировать через нераскрытые голоса", "Could control through undisclosed votes")
        );
        for p in &a.potential_controllers {
            let who = match &p.id {
                Some(id) => id.clone(),
                None => term("control.hypothetical", lang).to_string(),
            };
            let _ = writeln!(out, "  {who}: {}", p.chain.join(" → "));
            for s in &p.steps {
                let _ = writeln!(out, "      {}", describe_step(s, lang));
            }
        }
    }
    if !a.warnings.is_empty() {
        out.push('\n');
        statement_lines(out, w(lang, "Предупреждения", "Warnings"), &a.warnings, lang);
    }
    out.push('\n');
}

/// The whole report.
pub fn check(r: &CheckReport, lang: Lang) -> String {
    let mut out = String::new();
    let country = r.target_country.map(|c| format!(", {c}")).unwrap_or_default();
    let _ = writeln!(
        out,
        "{}: {} ({}), {}{}",
        w(lang, "Правообладатель", "Rights holder"),
        r.target,
        r.target_name,
        term(kind_code(r.target_kind), lang),
        country
    );
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
        participation(&mut out, a, lang, "regime.ru");
    }
    if let Some(a) = &r.regimes.eaeu {
        participation(&mut out, a, lang, "regime.eaeu");
    }
    if let Some(a) = &r.regimes.pak {
        control(&mut out, a, lang);
    }
    statement_lines(&mut out, w(lang, "Примечания к анализу", "Notes on the analysis"), &r.notes, lang);
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
