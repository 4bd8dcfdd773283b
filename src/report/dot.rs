//! The ownership and control diagram (p. 5 "а", p. 42 "а", p. 5¹ "а") as Graphviz DOT, built
//! with graphviz-rust, and the `dot` program that turns it into SVG, PNG or PDF.
//!
//! graphviz-rust's ids are printed as given: every name goes through [`quote`], which escapes
//! `\`, `"` and line breaks, so a party is one node whatever its name (an unescaped quote would
//! end the string and `dot` would make several nodes of one party).

use std::fmt::Write as _;
use std::path::PathBuf;

use graphviz_rust::cmd::{CommandArg, Format};
use graphviz_rust::dot_structures::{
    Attribute, Edge as DotEdge, EdgeTy, Graph as DotGraph, GraphAttributes, Id, Node as DotNode, NodeId, Stmt, Vertex,
};
use graphviz_rust::printer::{DotPrinter, PrinterContext};

use super::diagram::{Diagram, EdgeKind, Role, Sample, Shape, wrap};
use super::svg::escape;
use super::text::w;
use crate::law::wording::Lang;

/// The font every writer asks for (a free font Debian installs with Graphviz).
pub const FONT: &str = "DejaVu Sans";

/// A DOT double-quoted string: `\` → `\\`, `"` → `\"`, a line break → `\n` (centred line);
/// `&` as `&amp;` and other control characters in their visible form ([`super::safe::for_dot`]),
/// so the SVG `dot` makes is well formed whatever the name.
pub fn quote(s: &str) -> String {
    let s = super::safe::for_dot(s);
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn id(s: &str) -> Id {
    Id::Escaped(quote(s))
}

fn attr(key: &str, value: &str) -> Attribute {
    Attribute(Id::Plain(key.to_string()), id(value))
}

fn shape_name(s: Shape) -> &'static str {
    match s {
        Shape::Person => "ellipse",
        Shape::Public => "house",
        Shape::Company => "box",
        Shape::Nonprofit => "octagon",
        Shape::InternationalOrg => "doubleoctagon",
        Shape::ForeignStructure => "parallelogram",
        Shape::Unknown => "diamond",
    }
}

fn node_style(s: Shape) -> &'static str {
    match s {
        Shape::Company => "rounded,filled",
        Shape::Unknown => "dashed,filled",
        _ => "filled",
    }
}

/// The caption naming the layout, as each writer prints it.
pub fn caption(lang: Lang, dot: bool) -> String {
    let what = if dot {
        "Graphviz (dot)"
    } else {
        w(lang, "встроенная послойная раскладка owngraph", "owngraph's embedded layered layout")
    };
    format!("{}: {what}", w(lang, "раскладка", "layout"))
}

/// An HTML-like label: the lines on a white ground, so a label never sits under a line.
fn html_label(lines: &[String], color: &str, bold: bool) -> Id {
    let body: Vec<String> = lines.iter().map(|l| escape(l)).collect();
    let mut text = body.join("<BR/>");
    if bold {
        text = format!("<B>{text}</B>");
    }
    Id::Html(format!(
        "<<TABLE BORDER=\"0\" CELLBORDER=\"0\" CELLSPACING=\"0\" CELLPADDING=\"1\" BGCOLOR=\"white\"><TR><TD><FONT COLOR=\"{color}\">{text}</FONT></TD></TR></TABLE>>"
    ))
}

/// Text broken into lines for a table cell.
fn cell(text: &str, width: usize) -> String {
    wrap(text, width, 4).iter().map(|l| escape(l)).collect::<Vec<_>>().join("<BR ALIGN=\"LEFT\"/>")
        + "<BR ALIGN=\"LEFT\"/>"
}

fn legend_table(d: &Diagram) -> String {
    let mut t = String::from(
        "<TABLE BORDER=\"1\" COLOR=\"#BBBBBB\" CELLBORDER=\"0\" CELLSPACING=\"1\" CELLPADDING=\"2\" BGCOLOR=\"#FAFAFA\">",
    );
    let _ = write!(t, "<TR><TD COLSPAN=\"4\" ALIGN=\"LEFT\"><B>{}</B></TD></TR>", escape(&d.legend_title));
    let mut cells: Vec<String> = Vec::new();
    for e in &d.legend {
        let sample = match e.sample {
            Sample::Fill(f) => format!("<TD BORDER=\"1\" BGCOLOR=\"{}\" WIDTH=\"24\"> </TD>", f.color()),
            Sample::Shape(s) => format!("<TD><FONT POINT-SIZE=\"7\">{}</FONT></TD>", escape(s.outline_word(d.lang))),
            Sample::Line(k, dotted) => {
                format!("<TD><FONT COLOR=\"{}\">{}</FONT></TD>", k.color(), if dotted { "┅┅┅" } else { "━━━" })
            }
            Sample::Halo(h) => format!("<TD><FONT COLOR=\"{}\"><B>≡≡≡</B></FONT></TD>", h.color().unwrap_or("#000000")),
            Sample::Back => format!("<TD><FONT COLOR=\"{}\">━━↑</FONT></TD>", EdgeKind::Ownership.color()),
            Sample::Tag(r) => format!("<TD><B>{}</B></TD>", escape(r.sign().unwrap_or(""))),
        };
        cells.push(format!("{sample}<TD ALIGN=\"LEFT\" BALIGN=\"LEFT\">{}</TD>", cell(&e.text, 44)));
    }
    let rows = cells.len().div_ceil(2);
    for r in 0..rows {
        let right = cells.get(r + rows).cloned().unwrap_or_else(|| "<TD></TD><TD></TD>".to_string());
        let _ = write!(t, "<TR>{}{right}</TR>", cells[r]);
    }
    let _ = write!(
        t,
        "<TR><TD COLSPAN=\"4\" ALIGN=\"LEFT\"><FONT POINT-SIZE=\"7\" COLOR=\"#555555\">{}</FONT></TD></TR>",
        escape(&caption(d.lang, true))
    );
    t.push_str("</TABLE>");
    format!("<{t}>")
}

/// The diagram as a DOT graph value. Each node has the id `n<i>` and each edge `e<i>`, so
/// [`mark_dot_svg`] can give the SVG elements their `data-*` attributes.
pub fn graph(d: &Diagram) -> DotGraph {
    let mut stmts: Vec<Stmt> = Vec::new();
    let mut title = d.title.clone();
    title.extend(d.hidden.iter().flat_map(|h| wrap(h, 110, 3)));
    stmts.push(Stmt::GAttribute(GraphAttributes::Graph(vec![
        attr("rankdir", "TB"),
        attr("labelloc", "t"),
        attr("label", &(title.join("\n") + "\n ")),
        attr("fontname", FONT),
        attr("fontsize", "13"),
        attr("nodesep", "0.35"),
        attr("ranksep", "0.5"),
        attr("bgcolor", "white"),
        attr("newrank", "true"),
    ])));
    stmts.push(Stmt::GAttribute(GraphAttributes::Node(vec![
        attr("fontname", FONT),
        attr("fontsize", "10"),
        attr("margin", "0.12,0.05"),
    ])));
    stmts.push(Stmt::GAttribute(GraphAttributes::Edge(vec![attr("fontname", FONT), attr("fontsize", "9")])));
    for (v, n) in d.nodes.iter().enumerate() {
        let mut label = n.lines.clone();
        label.extend(n.tags.iter().cloned());
        let foreign = n.roles.iter().any(|r| matches!(r, Role::Foreign | Role::ForeignController));
        let style = match (node_style(n.shape), foreign) {
            (s, true) if n.shape != Shape::Person => format!("{s},diagonals"),
            (s, _) => s.to_string(),
        };
        let mut attrs = vec![
            attr("id", &format!("n{v}")),
            attr("label", &label.join("\n")),
            attr("shape", shape_name(n.shape)),
            attr("style", &style),
            attr("fillcolor", n.fill.color()),
        ];
        if n.target {
            attrs.push(attr("peripheries", "2"));
            attrs.push(attr("penwidth", "1.6"));
        } else if n.roles.iter().any(|r| matches!(r, Role::Controller | Role::ForeignController)) {
            attrs.push(attr("penwidth", "2.4"));
        }
        stmts.push(Stmt::Node(DotNode::new(NodeId(id(&n.key), None), attrs)));
    }
    for (i, e) in d.edges.iter().enumerate() {
        let base = e.kind.color();
        let pen = format!("{:.2}", e.pen_width());
        let halos: Vec<&str> = e.highlights.iter().filter_map(|h| h.color()).collect();
        let font = halos.first().copied().unwrap_or(base);
        let mut attrs = vec![attr("id", &format!("e{i}")), attr("penwidth", &pen)];
        if !e.label.is_empty() {
            attrs.push(Attribute(Id::Plain("label".into()), html_label(&e.label, font, !halos.is_empty())));
        }
        if halos.is_empty() {
            attrs.push(attr("color", base));
        } else {
            // Parallel lines: the outermost halo first, the line itself in the middle.
            let mut colors: Vec<&str> = halos.iter().rev().copied().collect();
            colors.push(base);
            colors.extend(halos.iter().copied());
            attrs.push(attr("color", &colors.join(":")));
        }
        if e.dotted {
            attrs.push(attr("style", "dotted"));
        }
        if e.back {
            attrs.push(attr("constraint", "false"));
        }
        let from = Vertex::N(NodeId(id(&d.nodes[e.from].key), None));
        let to = Vertex::N(NodeId(id(&d.nodes[e.to].key), None));
        stmts.push(Stmt::Edge(DotEdge { ty: EdgeTy::Pair(from, to), attributes: attrs }));
    }
    // The legend: one compact table below the target, so it does not widen the picture.
    let table = "owngraph:legend".to_string();
    stmts.push(Stmt::Node(DotNode::new(
        NodeId(id(&table), None),
        vec![
            attr("id", "legend"),
            attr("class", "legend"),
            Attribute(Id::Plain("label".into()), Id::Html(legend_table(d))),
            attr("shape", "plaintext"),
            attr("fontsize", "8"),
        ],
    )));
    if let Some(t) = d.nodes.iter().find(|n| n.target) {
        stmts.push(Stmt::Edge(DotEdge {
            ty: EdgeTy::Pair(Vertex::N(NodeId(id(&t.key), None)), Vertex::N(NodeId(id(&table), None))),
            attributes: vec![attr("style", "invis")],
        }));
    }
    DotGraph::DiGraph { id: id("owngraph"), strict: false, stmts }
}

/// The diagram as DOT text.
pub fn to_dot(d: &Diagram) -> String {
    let mut ctx = PrinterContext::default();
    let mut s = graph(d).print(&mut ctx);
    s.push('\n');
    s
}

/// The `dot` program on `PATH`, if there is one.
pub fn find_dot() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path).map(|dir| dir.join("dot")).find(|p| is_executable(p))
}

#[cfg(unix)]
fn is_executable(p: &std::path::Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    p.metadata().is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

#[cfg(not(unix))]
fn is_executable(p: &std::path::Path) -> bool {
    p.is_file()
}

/// What `dot` should produce.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Output {
    /// SVG text.
    Svg,
    /// PNG image.
    Png,
    /// PDF document.
    Pdf,
}

/// Runs `dot` on `dot_text`; the error is `dot`'s own message.
pub fn run_dot(dot_text: &str, output: Output) -> Result<Vec<u8>, String> {
    let format = match output {
        Output::Svg => Format::Svg,
        Output::Png => Format::Png,
        Output::Pdf => Format::Pdf,
    };
    graphviz_rust::exec_dot(dot_text.to_string(), vec![CommandArg::Format(format)]).map_err(|e| e.to_string())
}

/// The SVG `dot` made, marked with the layout that made it and ready to be inlined in HTML (no
/// XML prolog or doctype): each node and edge gets the `data-*` attributes of the embedded
/// writer, and its `<title>` (the tooltip) the words a reader wants instead of DOT's names.
pub fn mark_dot_svg(svg: &str, d: &Diagram) -> String {
    let start = svg.find("<svg").unwrap_or(0);
    let mut out = String::with_capacity(svg.len() + 64 * (d.nodes.len() + d.edges.len()));
    out.push_str("<!-- owngraph: layout by Graphviz dot -->\n");
    let mut retitle: Option<String> = None;
    for line in svg[start..].lines() {
        let t = line.trim_start();
        if t.starts_with("<!--") {
            continue;
        }
        if let Some(tip) = retitle.take()
            && t.starts_with("<title>")
        {
            let _ = writeln!(out, "<title>{tip}</title>");
            continue;
        }
        if t.starts_with("<svg ") {
            out.push_str(&line.replacen("<svg ", "<svg class=\"owngraph-diagram\" ", 1));
            out.push('\n');
            continue;
        }
        let node = t.strip_prefix("<g id=\"n").and_then(|r| r.strip_suffix("\" class=\"node\">"));
        let edge = t.strip_prefix("<g id=\"e").and_then(|r| r.strip_suffix("\" class=\"edge\">"));
        if let Some(v) = node.and_then(|v| v.parse::<usize>().ok()).filter(|&v| v < d.nodes.len()) {
            let _ = writeln!(out, "<g id=\"n{v}\" class=\"node\"{}>", super::svg::node_data(d, v));
            retitle = Some(super::svg::lines_text(&d.nodes[v].tip));
            continue;
        }
        if let Some(i) = edge.and_then(|i| i.parse::<usize>().ok()).filter(|&i| i < d.edges.len()) {
            let e = &d.edges[i];
            let _ = writeln!(out, "<g id=\"e{i}\" class=\"edge\"{}>", super::svg::edge_data(d, i));
            retitle = Some(escape(&format!(
                "{} → {}: {}",
                d.nodes[e.from].lines.join(" "),
                d.nodes[e.to].lines.first().cloned().unwrap_or_default(),
                e.label.join(" ")
            )));
            continue;
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_backslashes_quotes_and_line_breaks() {
        assert_eq!(quote(r#"a "b" \c"#), r#""a \"b\" \\c""#);
        assert_eq!(quote("x\ny"), r#""x\ny""#);
        assert_eq!(quote("\\N"), r#""\\N""#);
    }
}
