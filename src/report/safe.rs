//! Text from the input made safe for the place it is shown (issue 13, "safe outputs"): a
//! terminal (control characters and bidirectional overrides shown escaped, never acted on), a
//! spreadsheet cell (never read as a formula), XML (always well formed) and Markdown (no raw
//! HTML, no links). The data itself is never changed: JSON outputs keep every string as it is.
//!
//! The visible form of a character is `\n`, `\r`, `\t`, or `\u{1B}` (its code point in hex), so
//! `ООО\u{1B}[31m` reads as what the input holds.

use std::borrow::Cow;
use std::fmt::Write as _;

/// True for the characters no human output shows as they are: C0 controls (a line break only when
/// `keep_newline` is false), DEL, C1 controls, and the bidirectional embeddings, overrides and
/// isolates (U+202A–U+202E, U+2066–U+2069), which reorder the text around them on screen.
pub fn is_unsafe(c: char, keep_newline: bool) -> bool {
    match c {
        '\n' => !keep_newline,
        '\u{0}'..='\u{1F}' | '\u{7F}'..='\u{9F}' => true,
        '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' => true,
        _ => false,
    }
}

/// Appends the visible form of `c`: `\n`, `\r`, `\t`, else `\u{XX}`.
pub fn push_escaped(out: &mut String, c: char) {
    match c {
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        c => {
            let _ = write!(out, "\\u{{{:X}}}", c as u32);
        }
    }
}

fn escape_where(s: &str, unsafe_char: impl Fn(char) -> bool) -> Cow<'_, str> {
    match s.char_indices().find(|&(_, c)| unsafe_char(c)) {
        None => Cow::Borrowed(s),
        Some((first, _)) => {
            let mut out = String::with_capacity(s.len() + 8);
            out.push_str(&s[..first]);
            for c in s[first..].chars() {
                if unsafe_char(c) {
                    push_escaped(&mut out, c);
                } else {
                    out.push(c);
                }
            }
            Cow::Owned(out)
        }
    }
}

/// One line of text (a name, an id, a message): every unsafe character, line breaks included,
/// in its visible form.
pub fn one_line(s: &str) -> Cow<'_, str> {
    escape_where(s, |c| is_unsafe(c, false))
}

/// Text of several lines for a terminal: every unsafe character but the line break in its
/// visible form.
pub fn lines(s: &str) -> Cow<'_, str> {
    escape_where(s, |c| is_unsafe(c, true))
}

/// Human text written from a graph's strings: [`lines`], and first every input string that
/// holds a line break of its own shown on one line, so a name cannot start a line that looks
/// like the report's. Built once per output from the input strings that hold a line break
/// (usually none, and then it costs nothing).
pub struct HumanText {
    finder: Option<(aho_corasick::AhoCorasick, Vec<String>)>,
}

impl HumanText {
    /// For outputs whose input strings are `strings` (ids, names, details...).
    pub fn new<'a>(strings: impl IntoIterator<Item = &'a str>) -> HumanText {
        let mut multi: Vec<&str> = strings.into_iter().filter(|s| s.contains('\n')).collect();
        multi.sort_unstable();
        multi.dedup();
        if multi.is_empty() {
            return HumanText { finder: None };
        }
        let replacements = multi.iter().map(|s| one_line(s).into_owned()).collect();
        let finder = aho_corasick::AhoCorasick::builder()
            .match_kind(aho_corasick::MatchKind::LeftmostLongest)
            .build(&multi)
            .ok()
            .map(|ac| (ac, replacements));
        HumanText { finder }
    }

    /// The strings of a graph that reach human outputs: ids, names, details, notes, sources.
    pub fn of_graph(graph: &crate::model::Graph) -> HumanText {
        let parties = graph.parties().iter().flat_map(|p| {
            let d = p.details.as_deref();
            let details = d.into_iter().flat_map(|d| {
                [d.inn.as_deref(), d.ogrn.as_deref(), d.document.as_deref(), d.address.as_deref()]
                    .into_iter()
                    .flatten()
                    .chain(d.notes.iter().map(String::as_str))
            });
            [p.id.as_str(), p.name.as_str()].into_iter().chain(details)
        });
        let relations = graph.relations().iter().filter_map(|r| r.meta.as_deref()).flat_map(|m| {
            [m.source.as_deref(), m.id.as_deref()].into_iter().flatten().chain(m.notes.iter().map(String::as_str))
        });
        HumanText::new(parties.chain(relations))
    }

    /// `text` safe for a terminal.
    pub fn render<'t>(&self, text: &'t str) -> Cow<'t, str> {
        match &self.finder {
            None => lines(text),
            Some((ac, replacements)) => {
                let replaced = ac.replace_all(text, replacements);
                Cow::Owned(lines(&replaced).into_owned())
            }
        }
    }
}

/// A CSV cell a spreadsheet will not run: a cell starting with `=`, `+`, `-`, `@`, a tab or a
/// carriage return gets a leading `'` (the convention spreadsheets display as text), and so does
/// one that already starts with `'` followed by one of those or another `'`, so
/// [`crate::input::declaration::unquote_cell`] gives back exactly the original. A plain number (`-5`, `+1.5`, `-2,5%`)
/// is left as it is: a spreadsheet reads it as that number, which is what it says (owngraph's
/// own number columns are never negative).
#[inline]
pub fn csv_cell(s: &str) -> Cow<'_, str> {
    // Most cells start with a letter or a digit: nothing more to look at.
    match s.as_bytes().first() {
        Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r' | b'\'') => guarded_csv_cell(s),
        _ => Cow::Borrowed(s),
    }
}

/// [`csv_cell`] of a cell that starts with a character it may have to guard.
fn guarded_csv_cell(s: &str) -> Cow<'_, str> {
    let risky = |c: char| matches!(c, '=' | '+' | '-' | '@' | '\t' | '\r');
    let mut chars = s.chars();
    let needs = match chars.next() {
        Some('\'') => chars.next().is_some_and(|c| risky(c) || c == '\''),
        Some(c) => risky(c) && !is_plain_number(s),
        None => false,
    };
    if needs { Cow::Owned(format!("'{s}")) } else { Cow::Borrowed(s) }
}

/// `-5`, `+1.5`, `-2,5%`: an optional sign, digits, an optional decimal part, an optional `%`.
fn is_plain_number(s: &str) -> bool {
    let body = s.strip_prefix(['+', '-']).unwrap_or(s);
    let body = body.strip_suffix('%').unwrap_or(body);
    let (int, frac) = match body.split_once(['.', ',']) {
        Some((i, f)) => (i, Some(f)),
        None => (body, None),
    };
    !int.is_empty()
        && int.bytes().all(|b| b.is_ascii_digit())
        && frac.is_none_or(|f| !f.is_empty() && f.bytes().all(|b| b.is_ascii_digit()))
}

/// True for the characters XML 1.0 cannot carry at all (besides the unsafe ones): U+FFFE, U+FFFF.
fn not_xml(c: char) -> bool {
    matches!(c, '\u{FFFE}' | '\u{FFFF}')
}

/// XML text or attribute value, well formed for every input: `&`, `<`, `>`, `"`, `'` as
/// entities; a line break or tab as a space; every other unsafe character, and the two
/// characters XML forbids (U+FFFE, U+FFFF), in its visible form.
pub fn xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\n' | '\t' => out.push(' '),
            c if is_unsafe(c, false) || not_xml(c) => push_escaped(&mut out, c),
            c => out.push(c),
        }
    }
    out
}

/// Text for a Graphviz string that `dot` turns into well-formed SVG: every unsafe character but
/// the line break, and U+FFFE/U+FFFF, in its visible form; `&` as `&amp;`, because `dot` reads
/// entities in labels (`&nbsp;` would reach the SVG undeclared, `&#xD800;` as a lone
/// surrogate). The result still needs DOT quoting.
pub fn for_dot(s: &str) -> Cow<'_, str> {
    let bad = |c: char| c == '&' || (is_unsafe(c, true) && c != '\n') || not_xml(c);
    if !s.contains(bad) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            c if bad(c) => push_escaped(&mut out, c),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// A Markdown table cell or line: no raw HTML (`&`, `<`, `>` as entities), no emphasis, code,
/// links or images made by the input (`\`, `` ` ``, `*`, `_`, `[`, `]`, `|` escaped), no
/// `javascript:`, `vbscript:` or `data:` scheme, every unsafe character (line breaks included)
/// in its visible form.
pub fn markdown(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\\' | '`' | '*' | '_' | '[' | ']' | '|' => {
                out.push('\\');
                out.push(c);
            }
            c if is_unsafe(c, false) => push_escaped(&mut out, c),
            c => out.push(c),
        }
    }
    for scheme in ["javascript:", "vbscript:", "data:"] {
        out = replace_ignore_ascii_case(&out, scheme, &scheme.replace(':', "&#58;"));
    }
    out
}

/// Replaces every occurrence of the ASCII `needle`, in any letter case, keeping the letters.
fn replace_ignore_ascii_case(hay: &str, needle: &str, with: &str) -> String {
    let lower = hay.to_ascii_lowercase();
    if !lower.contains(needle) {
        return hay.to_string();
    }
    let mut out = String::with_capacity(hay.len() + 8);
    let mut last = 0;
    for (i, _) in lower.match_indices(needle) {
        out.push_str(&hay[last..i]);
        // Keep the original letters, change only the colon.
        out.push_str(&hay[i..i + needle.len() - 1]);
        out.push_str(&with[needle.len() - 1..]);
        last = i + needle.len();
    }
    out.push_str(&hay[last..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terminal_escapes() {
        assert_eq!(one_line("a\u{1b}[31mb\nc\u{202e}d\u{9b}"), "a\\u{1B}[31mb\\nc\\u{202E}d\\u{9B}");
        assert_eq!(lines("a\nb\u{7}"), "a\nb\\u{7}");
        assert!(matches!(one_line("ООО «Т»"), Cow::Borrowed(_)));
    }

    #[test]
    fn multiline_input_strings_stay_on_their_line() {
        let h = HumanText::new(["Fake\nВердикт: СООТВЕТСТВУЕТ", "plain"]);
        let text = "Правообладатель: Fake\nВердикт: СООТВЕТСТВУЕТ (T)\nВердикт: НЕ СООТВЕТСТВУЕТ\n";
        assert_eq!(h.render(text), "Правообладатель: Fake\\nВердикт: СООТВЕТСТВУЕТ (T)\nВердикт: НЕ СООТВЕТСТВУЕТ\n");
    }

    #[test]
    fn formulas_neutralised_numbers_kept() {
        for (cell, out) in [
            ("=1+2", "'=1+2"),
            ("+7(495)", "'+7(495)"),
            ("-1+2", "'-1+2"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\tx", "'\tx"),
            ("\rx", "'\rx"),
            ("'=x", "''=x"),
            ("''", "'''"),
            ("-5", "-5"),
            ("+1.5", "+1.5"),
            ("-2,5%", "-2,5%"),
            ("-", "'-"),
            ("ООО", "ООО"),
            ("'quoted'", "'quoted'"),
            ("", ""),
        ] {
            assert_eq!(csv_cell(cell), out, "{cell:?}");
            assert_eq!(crate::input::declaration::unquote_cell(&csv_cell(cell)), cell, "round trip of {cell:?}");
        }
    }

    #[test]
    fn xml_is_well_formed() {
        let s = format!("<svg><text>{}</text></svg>", xml("a&nbsp;b <c> \u{0} \u{FFFE} \u{1b} \"'"));
        assert!(roxmltree::Document::parse(&s).is_ok(), "{s}");
        assert_eq!(xml("\u{0}"), "\\u{0}");
    }

    #[test]
    fn dot_text_escapes_entities() {
        assert_eq!(for_dot("A&nbsp;B\n\u{FFFE}"), "A&amp;nbsp;B\n\\u{FFFE}");
    }

    #[test]
    fn markdown_has_no_html_or_links() {
        let m = markdown("<b>x</b> [a](JavaScript:alert(1)) *y* a|b\nc");
        assert!(!m.contains('<') && !m.replace("\\]", "").contains(']'), "{m}");
        assert!(!m.to_lowercase().contains("javascript:"), "{m}");
        assert!(m.contains("\\|") && m.contains("\\n"), "{m}");
    }
}
