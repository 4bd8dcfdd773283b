//! The text report of `owngraph verify`: whether a declared disclosure (p. 10 "б", p. 47 "б")
//! is consistent with the ownership graph, each declared line beside its computed value, and
//! every finding with its evidence, in Russian by default. It computes nothing: every value is
//! in [`Verification`].

use std::fmt::Write;

use super::disclosure::footer;
use super::text::{Table, share, w};
use crate::law::matching::MatchedBy;
use crate::law::participation::describe_chain_with;
use crate::law::qualify::Status;
use crate::law::verification::{Severity, Verification};
use crate::law::wording::{Lang, Statement, percent, points, rule, term};

fn status_word(s: Option<Status>, lang: Lang) -> &'static str {
    match s {
        Some(Status::Qualifying) => w(lang, "учитывается", "counts"),
        Some(Status::NotQualifying) => w(lang, "не учитывается", "does not count"),
        Some(Status::Unknown) => w(lang, "не установлен", "unknown"),
        None => "—",
    }
}

fn by_word(by: MatchedBy, lang: Lang) -> &'static str {
    match by {
        MatchedBy::Id => "id",
        MatchedBy::Inn => w(lang, "ИНН", "INN"),
        MatchedBy::Ogrn => w(lang, "ОГРН", "OGRN"),
        MatchedBy::Name => w(lang, "наименование", "name"),
    }
}

fn count(n: usize, lang: Lang, ru: [&str; 3], en: [&str; 2]) -> String {
    let word = match lang {
        Lang::En => en[usize::from(n != 1)],
        Lang::Ru => {
            let (m10, m100) = (n % 10, n % 100);
            if m10 == 1 && m100 != 11 {
                ru[0]
            } else if (2..=4).contains(&m10) && !(12..=14).contains(&m100) {
                ru[1]
            } else {
                ru[2]
            }
        }
    };
    format!("{n} {word}")
}

/// The whole report.
pub fn text(v: &Verification, lang: Lang) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} {}: {}",
        w(lang, "Проверка сведений о долях по", "Verification of the shares declared under"),
        rule(v.rule, lang),
        v.target_label
    );
    let _ = writeln!(
        out,
        "{}: {} · {} {} · {} {}",
        w(lang, "Декларация", "Declaration"),
        v.declared.file,
        w(lang, "по состоянию на", "as of"),
        v.as_of,
        w(lang, "допуск", "tolerance"),
        points(&v.tolerance, lang)
    );
    let verdict = if v.consistent {
        format!("{} — {}", w(lang, "СОГЛАСУЕТСЯ", "CONSISTENT"), Statement::new("verify.consistent").render(lang))
    } else {
        w(lang, "РАСХОЖДЕНИЯ", "DISCREPANCIES").to_string()
    };
    let _ = writeln!(
        out,
        "{}: {verdict} ({}, {})\n",
        w(lang, "Итог", "Result"),
        count(v.errors, lang, ["ошибка", "ошибки", "ошибок"], ["error", "errors"]),
        count(v.warnings, lang, ["предупреждение", "предупреждения", "предупреждений"], ["warning", "warnings"])
    );

    let _ = writeln!(out, "{}:", w(lang, "Заявлено", "Declared"));
    let mut t = Table::new(&[
        "№",
        w(lang, "Строка", "Line"),
        w(lang, "Лицо (как заявлено)", "Holder (as declared)"),
        w(lang, "Найдено", "Found"),
        w(lang, "Заявлено", "Declared"),
        w(lang, "Вычислено", "Computed"),
        w(lang, "Статус", "Status"),
        "",
    ]);
    for e in &v.declared.entries {
        let found = match (&e.party, e.matched_by) {
            (Some(p), Some(by)) => format!("{} ({})", v.name_of(p), by_word(by, lang)),
            _ => "—".to_string(),
        };
        t.row(vec![
            e.record.to_string(),
            e.line.to_string(),
            e.holder.clone(),
            found,
            percent(&e.declared, lang),
            e.computed.as_ref().map(|c| percent(c, lang)).unwrap_or_else(|| "—".into()),
            status_word(e.status, lang).to_string(),
            if e.ok { "✓" } else { "✗" }.to_string(),
        ]);
    }
    out.push_str(&t.render(2));
    let _ = writeln!(
        out,
        "  {}: {} → {}\n",
        w(lang, "Итого заявлено", "Declared total"),
        share(&v.declared.total, lang),
        term(v.declared.implied_verdict.code(), lang)
    );

    let c = &v.computed;
    let _ = writeln!(
        out,
        "{} ({}): {} — {}",
        w(lang, "Вычислено", "Computed"),
        rule(v.regime.rule(), lang),
        term(c.verdict.code(), lang),
        c.reason.render(lang)
    );
    let required: Vec<String> =
        c.required.iter().map(|h| format!("{} {}", v.name_of(&h.id), percent(&h.share, lang))).collect();
    let _ = writeln!(
        out,
        "{}: {}",
        w(lang, "Требуемый перечень", "The list required"),
        Statement::new(v.computed.branch.code()).render(lang)
    );
    if !required.is_empty() {
        let _ = writeln!(out, "  {} — {} {}", required.join(", "), w(lang, "итого", "total"), share(&c.total, lang));
    }

    if !v.findings.is_empty() {
        let _ = writeln!(out, "\n{}:", w(lang, "Замечания", "Findings"));
        for (i, f) in v.findings.iter().enumerate() {
            let sev = match f.severity {
                Severity::Error => w(lang, "ошибка", "error"),
                Severity::Warning => w(lang, "предупреждение", "warning"),
            };
            let place = f.line.map(|l| format!(" ({} {l})", w(lang, "строка", "line"))).unwrap_or_default();
            let _ = writeln!(out, "  {}. [{sev}] {}{place}: {}", i + 1, f.code.as_str(), f.message.render(lang));
            if !f.candidates.is_empty() && f.code.as_str() == "holder_not_found" {
                let _ = writeln!(out, "      {}: {}", w(lang, "похожие id", "similar ids"), f.candidates.join(", "));
            }
            for ch in &f.chains {
                let _ = writeln!(out, "      {}", describe_chain_with(ch, false, lang, &|id| v.name_of(id)));
            }
        }
    }
    footer(&mut out, &v.notes, &v.policies, &v.tool, lang, "  - ");
    out
}
