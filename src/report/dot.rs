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
    Attribute, Edge as DotEdge, EdgeTy, Graph as DotGraph, GraphAttributes, Id, Node as DotNode, NodeId, Stmt,
    Subgraph, Vertex,
};
use graphviz_rust::printer::{DotPrinter, PrinterContext};

use super::diagram::{Diagram, EdgeKind, Fill, Sample, Shape};
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

fn legend_table(d: &Diagram) -> String {
    let mut t = String::from("<TABLE BORDER=\"0\" CELLBORDER=\"0\" CELLSPACING=\"2\" CELLPADDING=\"2\">");
    for e in &d.legend {
        let sample = match e.sample {
            Sample::Fill(f) => {
                let _ = write!(
                    t,
                    "<TR><TD BORDER=\"1\" BGCOLOR=\"{}\" WIDTH=\"28\"> </TD><TD ALIGN=\"LEFT\">{}</TD></TR>",
                    f.color(),
                    escape(&e.text)
                );
                continue;
            }
            Sample::Shape(_) => continue,
            Sample::Line(k, dotted) => {
                format!("<FONT COLOR=\"{}\">{}</FONT>", k.color(), if dotted { "┅┅┅" } else { "━━━" })
            }
            Sample::Halo(h) => format!("<FONT COLOR=\"{}\"><B>≡≡≡</B></FONT>", h.color().unwrap_or("#000000")),
            Sample::Back => format!("<FONT COLOR=\"{}\">━━↑</FONT>", EdgeKind::Ownership.color()),
        };
        let _ = write!(t, "<TR><TD>{sample}</TD><TD ALIGN=\"LEFT\">{}</TD></TR>", escape(&e.text));
    }
    let _ = write!(
        t,
        "<TR><TD COLSPAN=\"2\" ALIGN=\"LEFT\"><FONT POINT-SIZE=\"8\" COLOR=\"#555555\">{}</FONT></TD></TR>",
        escape(&caption(d.lang, true))
    );
    t.push_str("</TABLE>");
    format!("<{t}>")
}

/// The diagram as a DOT graph value.
pub fn graph(d: &Diagram) -> DotGraph {
    let mut stmts: Vec<Stmt> = Vec::new();
    let mut title = d.title.clone();
    title.extend(d.hidden.iter().cloned());
    stmts.push(Stmt::GAttribute(GraphAttributes::Graph(vec![
        attr("rankdir", "TB"),
        attr("labelloc", "t"),
        attr("label", &(title.join("\n") + "\n ")),
        attr("fontname", FONT),
        attr("fontsize", "13"),
        attr("nodesep", "0.3"),
        attr("ranksep", "0.45"),
        attr("bgcolor", "white"),
        attr("newrank", "true"),
    ])));
    stmts.push(Stmt::GAttribute(GraphAttributes::Node(vec![
        attr("fontname", FONT),
        attr("fontsize", "10"),
        attr("margin", "0.12,0.05"),
    ])));
    stmts.push(Stmt::GAttribute(GraphAttributes::Edge(vec![attr("fontname", FONT), attr("fontsize", "9")])));
    for n in &d.nodes {
        let mut attrs = vec![
            attr("label", &n.lines.join("\n")),
            attr("shape", shape_name(n.shape)),
            attr("style", node_style(n.shape)),
            attr("fillcolor", n.fill.color()),
            attr("tooltip", &n.key),
        ];
        if n.target {
            attrs.push(attr("peripheries", "2"));
            attrs.push(attr("penwidth", "1.6"));
        }
        stmts.push(Stmt::Node(DotNode::new(NodeId(id(&n.key), None), attrs)));
    }
    for e in &d.edges {
        let base = e.kind.color();
        let pen = format!("{:.2}", e.pen_width());
        let mut attrs = vec![attr("label", &e.label.join("\n")), attr("penwidth", &pen)];
        match e.highlight.color() {
            Some(halo) => {
                attrs.push(attr("color", &format!("{halo}:{base}:{halo}")));
                attrs.push(attr("fontcolor", halo));
            }
            None => {
                attrs.push(attr("color", base));
                attrs.push(attr("fontcolor", base));
            }
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
    // The legend: a column of outline samples, then a table of fills, lines and halos.
    let mut legend: Vec<Stmt> = vec![
        Stmt::Attribute(attr("label", &d.legend_title)),
        Stmt::Attribute(attr("style", "rounded")),
        Stmt::Attribute(attr("color", "#999999")),
        Stmt::Attribute(attr("fontsize", "10")),
    ];
    let mut chain: Vec<String> = Vec::new();
    for (i, e) in d.legend.iter().enumerate() {
        if let Sample::Shape(s) = e.sample {
            let key = format!("owngraph:legend:{i}");
            legend.push(Stmt::Node(DotNode::new(
                NodeId(id(&key), None),
                vec![
                    attr("label", &e.text),
                    attr("shape", shape_name(s)),
                    attr("style", node_style(s)),
                    attr("fillcolor", Fill::Neutral.color()),
                    attr("fontsize", "8"),
                ],
            )));
            chain.push(key);
        }
    }
    let table = "owngraph:legend:table".to_string();
    legend.push(Stmt::Node(DotNode::new(
        NodeId(id(&table), None),
        vec![
            Attribute(Id::Plain("label".into()), Id::Html(legend_table(d))),
            attr("shape", "plaintext"),
            attr("fontsize", "8"),
        ],
    )));
    chain.push(table);
    // One row: the samples side by side on the top rank.
    let mut row = vec![Stmt::Attribute(attr("rank", "same"))];
    row.extend(chain.iter().map(|k| Stmt::Node(DotNode::new(NodeId(id(k), None), vec![]))));
    legend.push(Stmt::Subgraph(Subgraph { id: id("owngraph:legend:row"), stmts: row }));
    stmts.push(Stmt::Subgraph(Subgraph { id: id("cluster_legend"), stmts: legend }));
    // Below the target, so the legend does not widen the picture.
    if let Some(t) = d.nodes.iter().find(|n| n.target) {
        stmts.push(Stmt::Edge(DotEdge {
            ty: EdgeTy::Pair(Vertex::N(NodeId(id(&t.key), None)), Vertex::N(NodeId(id("owngraph:legend:table"), None))),
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
/// XML prolog or doctype).
pub fn mark_dot_svg(svg: &str) -> String {
    let start = svg.find("<svg").unwrap_or(0);
    format!("<!-- owngraph: layout by Graphviz dot -->\n{}", &svg[start..])
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
