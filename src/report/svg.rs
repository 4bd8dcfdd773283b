//! The ownership and control diagram (p. 5 "а", p. 42 "а", p. 5¹ "а") as a standalone SVG drawn
//! with the embedded layered layout ([`super::layout`]): no Graphviz needed. Every text is
//! escaped, so a party's name shows as text and never as markup.

use std::fmt::Write as _;

use super::diagram::{Diagram, EdgeKind, Highlight, Node, Role, Sample, Shape, wrap};
use super::dot::{FONT, caption};
use super::layout::{LayoutEdge, LayoutNode, layout};

const NODE_FONT: f64 = 12.0;
const NODE_LINE: f64 = 15.0;
const LABEL_FONT: f64 = 10.5;
const LABEL_LINE: f64 = 13.0;
const TITLE_FONT: f64 = 14.0;
const TITLE_LINE: f64 = 19.0;
const LEGEND_FONT: f64 = 11.0;
const LEGEND_LINE: f64 = 19.0;
const PAD: f64 = 16.0;

/// XML text or attribute value, well formed whatever the input holds ([`super::safe::xml`]).
pub fn escape(s: &str) -> String {
    super::safe::xml(s)
}

/// Width of one character in ems, close to DejaVu Sans.
fn char_em(c: char) -> f64 {
    match c {
        ' ' | 'i' | 'l' | 'j' | 'I' | '!' | '.' | ',' | ':' | ';' | '\'' | '|' => 0.32,
        'f' | 't' | 'r' | '(' | ')' | '[' | ']' | '-' | '«' | '»' => 0.42,
        'm' | 'w' | '%' | 'ж' | 'ш' | 'щ' | 'ю' | 'ы' | 'м' => 0.92,
        'M' | 'W' | 'Ж' | 'Ш' | 'Щ' | 'Ю' | 'Ы' | 'Д' | 'Ф' => 1.0,
        '0'..='9' => 0.64,
        'A'..='Z' => 0.72,
        'a'..='z' => 0.62,
        '\u{0410}'..='\u{042F}' | '\u{0400}'..='\u{040F}' => 0.74,
        '\u{0430}'..='\u{045F}' => 0.63,
        '\u{1100}'..='\u{115F}' | '\u{2E80}'..='\u{A4CF}' | '\u{AC00}'..='\u{D7A3}' | '\u{F900}'..='\u{FAFF}' => 1.0,
        _ => 0.78,
    }
}

/// Estimated width of `s` in pixels at `size`.
pub fn text_width(s: &str, size: f64) -> f64 {
    s.chars().map(char_em).sum::<f64>() * size
}

fn block_width(lines: &[String], size: f64) -> f64 {
    lines.iter().map(|l| text_width(l, size)).fold(0.0, f64::max)
}

/// The outline's size around a text block of `w` × `h`.
fn outline_size(shape: Shape, w: f64, h: f64, target: bool) -> (f64, f64) {
    let (w, h) = match shape {
        Shape::Person => (w * 1.38 + 10.0, h * 1.42 + 4.0),
        Shape::Public => (w + 14.0, h * 1.45 + 6.0),
        Shape::Company => (w + 16.0, h + 12.0),
        Shape::Nonprofit => (w + 26.0, h + 14.0),
        Shape::InternationalOrg => (w + 34.0, h + 20.0),
        Shape::ForeignStructure => (w + 40.0, h + 12.0),
        Shape::Unknown => (w * 1.6 + 16.0, h * 1.7 + 10.0),
    };
    if target { (w + 8.0, h + 8.0) } else { (w, h) }
}

/// Distance from the centre to the top (or bottom) of the outline at horizontal offset `dx`.
fn half_height_at(shape: Shape, w: f64, h: f64, dx: f64, top: bool) -> f64 {
    let r = (2.0 * dx.abs() / w).min(0.98);
    match shape {
        Shape::Person => h / 2.0 * (1.0 - r * r).sqrt(),
        Shape::Unknown => h / 2.0 * (1.0 - r),
        Shape::Public if top => h / 2.0 - h * 0.3 * r,
        Shape::Nonprofit | Shape::InternationalOrg => {
            let c = (h * 0.3).min(14.0);
            let flat = w / 2.0 - c;
            if dx.abs() <= flat { h / 2.0 } else { h / 2.0 - (dx.abs() - flat) }
        }
        _ => h / 2.0,
    }
}

fn octagon(cx: f64, cy: f64, w: f64, h: f64) -> String {
    let c = (h * 0.3).min(14.0);
    let (l, r, t, b) = (cx - w / 2.0, cx + w / 2.0, cy - h / 2.0, cy + h / 2.0);
    format!(
        "{:.1},{:.1} {:.1},{:.1} {:.1},{:.1} {:.1},{:.1} {:.1},{:.1} {:.1},{:.1} {:.1},{:.1} {:.1},{:.1}",
        l + c,
        t,
        r - c,
        t,
        r,
        t + c,
        r,
        b - c,
        r - c,
        b,
        l + c,
        b,
        l,
        b - c,
        l,
        t + c
    )
}

/// SVG elements drawing `shape` centred at (`cx`, `cy`).
fn outline(shape: Shape, cx: f64, cy: f64, w: f64, h: f64, style: &str) -> String {
    let (l, t) = (cx - w / 2.0, cy - h / 2.0);
    match shape {
        Shape::Person => {
            format!("<ellipse cx=\"{cx:.1}\" cy=\"{cy:.1}\" rx=\"{:.1}\" ry=\"{:.1}\" {style}/>", w / 2.0, h / 2.0)
        }
        Shape::Company => {
            format!("<rect x=\"{l:.1}\" y=\"{t:.1}\" width=\"{w:.1}\" height=\"{h:.1}\" rx=\"7\" {style}/>")
        }
        Shape::Public => {
            let roof = h * 0.3;
            format!(
                "<polygon points=\"{:.1},{:.1} {:.1},{:.1} {:.1},{:.1} {cx:.1},{t:.1} {:.1},{:.1}\" {style}/>",
                l,
                t + h,
                l + w,
                t + h,
                l + w,
                t + roof,
                l,
                t + roof
            )
        }
        Shape::Nonprofit => format!("<polygon points=\"{}\" {style}/>", octagon(cx, cy, w, h)),
        Shape::InternationalOrg => format!(
            "<polygon points=\"{}\" {style}/><polygon points=\"{}\" fill=\"none\" stroke=\"#333\" stroke-width=\"1\"/>",
            octagon(cx, cy, w, h),
            octagon(cx, cy, w - 8.0, h - 8.0)
        ),
        Shape::ForeignStructure => {
            let k = 14.0_f64.min(w / 4.0);
            format!(
                "<polygon points=\"{:.1},{:.1} {:.1},{:.1} {:.1},{:.1} {:.1},{:.1}\" {style}/>",
                l + k,
                t,
                l + w,
                t,
                l + w - k,
                t + h,
                l,
                t + h
            )
        }
        Shape::Unknown => format!(
            "<polygon points=\"{cx:.1},{t:.1} {:.1},{cy:.1} {cx:.1},{:.1} {l:.1},{cy:.1}\" {style} stroke-dasharray=\"4 3\"/>",
            l + w,
            t + h
        ),
    }
}

fn text_lines(out: &mut String, lines: &[String], x: f64, y_top: f64, line: f64, attrs: &str) {
    for (k, l) in lines.iter().enumerate() {
        let _ = writeln!(
            out,
            "<text x=\"{x:.1}\" y=\"{:.1}\" {attrs}>{}</text>",
            y_top + line * (k as f64 + 0.75),
            escape(l)
        );
    }
}

/// A smooth path through `pts`, vertical where two points share their x.
fn path_through(pts: &[(f64, f64)]) -> String {
    let mut d = String::new();
    if let Some(&(x, y)) = pts.first() {
        let _ = write!(d, "M{x:.1},{y:.1}");
    }
    for w in pts.windows(2) {
        let ((x0, y0), (x1, y1)) = (w[0], w[1]);
        if (x0 - x1).abs() < 0.5 {
            let _ = write!(d, " L{x1:.1},{y1:.1}");
        } else {
            let ym = (y0 + y1) / 2.0;
            let _ = write!(d, " C{x0:.1},{ym:.1} {x1:.1},{ym:.1} {x1:.1},{y1:.1}");
        }
    }
    d
}

fn marker_id(kind: EdgeKind) -> &'static str {
    match kind {
        EdgeKind::Ownership => "owngraph-arrow-own",
        EdgeKind::Control => "owngraph-arrow-control",
    }
}

fn legend_sample(out: &mut String, sample: Sample, x: f64, cy: f64) {
    match sample {
        Sample::Fill(f) => {
            let _ = write!(
                out,
                "<rect x=\"{x:.1}\" y=\"{:.1}\" width=\"26\" height=\"13\" fill=\"{}\" stroke=\"#555\"/>",
                cy - 6.5,
                f.color()
            );
        }
        Sample::Shape(s) => out.push_str(&outline(s, x + 13.0, cy, 26.0, 14.0, "fill=\"#fff\" stroke=\"#333\"")),
        Sample::Line(k, dotted) => {
            let dash = if dotted { " stroke-dasharray=\"2 3\"" } else { "" };
            let _ = write!(
                out,
                "<line x1=\"{x:.1}\" y1=\"{cy:.1}\" x2=\"{:.1}\" y2=\"{cy:.1}\" stroke=\"{}\" stroke-width=\"3\"{dash}/>",
                x + 26.0,
                k.color()
            );
        }
        Sample::Halo(h) => {
            let _ = write!(
                out,
                "<line x1=\"{x:.1}\" y1=\"{cy:.1}\" x2=\"{:.1}\" y2=\"{cy:.1}\" stroke=\"{}\" stroke-width=\"9\" stroke-opacity=\"0.5\" stroke-linecap=\"round\"/><line x1=\"{x:.1}\" y1=\"{cy:.1}\" x2=\"{:.1}\" y2=\"{cy:.1}\" stroke=\"{}\" stroke-width=\"2\"/>",
                x + 26.0,
                h.color().unwrap_or("#000"),
                x + 26.0,
                EdgeKind::Ownership.color()
            );
        }
        Sample::Tag(r) => {
            let _ = write!(
                out,
                "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"13\" font-weight=\"bold\" text-anchor=\"middle\">{}</text>",
                x + 13.0,
                cy + 4.5,
                escape(r.sign().unwrap_or(""))
            );
        }
        Sample::Back => {
            let _ = write!(
                out,
                "<path d=\"M{x:.1},{:.1} C{:.1},{:.1} {:.1},{:.1} {:.1},{:.1}\" fill=\"none\" stroke=\"{}\" stroke-width=\"2\" marker-end=\"url(#{})\"/>",
                cy + 5.0,
                x + 10.0,
                cy + 5.0,
                x + 18.0,
                cy,
                x + 22.0,
                cy - 6.0,
                EdgeKind::Ownership.color(),
                marker_id(EdgeKind::Ownership)
            );
        }
    }
}

/// Lines as the text of a `<title>`: each escaped, joined by line breaks (which a tooltip shows).
pub fn lines_text(lines: &[String]) -> String {
    lines.iter().map(|l| escape(l)).collect::<Vec<_>>().join("&#10;")
}

/// The lines a node shows: its label, then its role tags.
fn node_text(n: &Node) -> Vec<String> {
    n.lines.iter().chain(n.tags.iter()).cloned().collect()
}

/// The `data-*` attributes of a node: what the report's script and the tests read.
pub fn node_data(d: &Diagram, v: usize) -> String {
    let n = &d.nodes[v];
    let roles: Vec<&str> = n.roles.iter().map(Role::code).collect();
    let edges = |list: &[usize]| list.iter().map(|e| format!("e{e}")).collect::<Vec<_>>().join(" ");
    let mut out = format!(
        " data-node=\"{}\" data-party=\"{}\" data-roles=\"{}\"",
        escape(&n.key),
        escape(n.party.as_deref().unwrap_or("")),
        roles.join(" ")
    );
    if !n.indicators.is_empty() {
        let nums: Vec<String> = n.indicators.iter().map(|i| i.to_string()).collect();
        let _ = write!(out, " data-indicators=\"{}\"", nums.join(" "));
    }
    if let Some(s) = &n.share {
        // For the share slider only: every decision is made in exact arithmetic elsewhere.
        let _ = write!(out, " data-share=\"{}\"", s.percent(6));
    }
    if !n.search.is_empty() {
        let _ = write!(out, " data-search=\"{}\"", escape(&n.search));
    }
    if !n.carries.is_empty() {
        let _ = write!(out, " data-carries=\"{}\"", edges(&n.carries));
    }
    if !n.heads.is_empty() {
        let _ = write!(out, " data-heads=\"{}\"", edges(&n.heads));
    }
    out
}

/// The `data-*` attributes of an edge.
pub fn edge_data(d: &Diagram, i: usize) -> String {
    let e = &d.edges[i];
    format!(
        " data-relation=\"{}\" data-from=\"{}\" data-to=\"{}\" data-roles=\"{}\"",
        escape(&e.relation),
        escape(&d.nodes[e.from].key),
        escape(&d.nodes[e.to].key),
        e.role_codes().join(" ")
    )
}

/// The diagram as a standalone SVG document, drawn with the embedded layout; the first line
/// after the root element is a comment naming the layout, and a caption says it too. Every
/// node is a `<g class="node" id="n…">` and every edge a `<path class="edge" id="e…">` with
/// `data-party` / `data-relation` and `data-roles` (halos and labels carry `data-edge`).
pub fn render(d: &Diagram) -> String {
    // Sizes.
    let texts: Vec<Vec<String>> = d.nodes.iter().map(node_text).collect();
    let boxes: Vec<(f64, f64)> = d
        .nodes
        .iter()
        .zip(&texts)
        .map(|(n, t)| {
            let tw = block_width(&n.lines, NODE_FONT).max(block_width(&n.tags, NODE_FONT) * 1.12) + 8.0;
            let th = t.len() as f64 * NODE_LINE;
            outline_size(n.shape, tw, th, n.target)
        })
        .collect();
    let label_size = |lines: &[String]| {
        if lines.is_empty() {
            (0.0, 0.0)
        } else {
            (block_width(lines, LABEL_FONT) + 4.0, lines.len() as f64 * LABEL_LINE + 2.0)
        }
    };
    // Room on a node's side for a port per edge (about 8 px apart).
    let mut fan = vec![(0usize, 0usize); d.nodes.len()];
    for e in d.edges.iter().filter(|e| !e.is_loop()) {
        fan[e.from].0 += 1;
        fan[e.to].1 += 1;
    }
    let boxes: Vec<(f64, f64)> = boxes
        .iter()
        .zip(&fan)
        .map(|(&(w, h), &(o, i))| {
            let k = o.max(i);
            if k > 4 { (w.max((k - 1) as f64 * 8.0 / 0.86 + 16.0), h) } else { (w, h) }
        })
        .collect();
    let mut loop_room = vec![0.0_f64; d.nodes.len()];
    for e in d.edges.iter().filter(|e| e.is_loop()) {
        loop_room[e.from] = loop_room[e.from].max(label_size(&e.label).0 + 46.0);
    }
    let lnodes: Vec<LayoutNode> = boxes
        .iter()
        .zip(&loop_room)
        .map(|(&(width, height), &loop_room)| LayoutNode { width, height, loop_room })
        .collect();
    let ledges: Vec<LayoutEdge> = d
        .edges
        .iter()
        .map(|e| LayoutEdge { from: e.from, to: e.to, label: label_size(&e.label), back: e.back })
        .collect();
    let lay = layout(&lnodes, &ledges);

    // Title and notes above, legend below.
    let mut head: Vec<(String, bool)> = d.title.iter().enumerate().map(|(i, l)| (l.clone(), i == 0)).collect();
    head.extend(d.hidden.iter().flat_map(|h| wrap(h, 120, 3)).map(|h| (h, false)));
    let head_h = head.len() as f64 * TITLE_LINE + 8.0;
    let head_w = head
        .iter()
        .map(|(l, bold)| text_width(l, if *bold { TITLE_FONT } else { 12.5 }) * if *bold { 1.08 } else { 1.0 })
        .fold(0.0, f64::max);
    let entries: Vec<Vec<String>> = d.legend.iter().map(|e| wrap(&e.text, 56, 3)).collect();
    let entry_w = entries.iter().map(|t| block_width(t, LEGEND_FONT) + 44.0).fold(0.0, f64::max);
    let base_w = lay.width.max(head_w + 2.0 * PAD).max(entry_w + 2.0 * PAD);
    let cols = ((base_w - 2.0 * PAD) / (entry_w + 20.0)).floor().clamp(1.0, 3.0) as usize;
    let per_col = d.legend.len().div_ceil(cols);
    let row_lines: Vec<usize> = (0..per_col)
        .map(|row| (0..cols).filter_map(|c| entries.get(c * per_col + row)).map(Vec::len).max().unwrap_or(1))
        .collect();
    let legend_h = (row_lines.iter().sum::<usize>() as f64) * LEGEND_LINE * 0.8 + 3.0 * per_col as f64 + 50.0;
    let width = base_w.ceil();
    let graph_x = ((width - lay.width) / 2.0).max(0.0);
    let graph_y = PAD + head_h;
    let legend_y = graph_y + lay.height + 10.0;
    let height = (legend_y + legend_h + PAD).ceil();

    let mut s = String::new();
    let _ = writeln!(
        s,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width:.0}\" height=\"{height:.0}\" viewBox=\"0 0 {width:.0} {height:.0}\" font-family=\"{FONT}, Verdana, Arial, sans-serif\" role=\"img\" class=\"owngraph-diagram\">"
    );
    s.push_str("<!-- owngraph: layout by the embedded layered layout (no Graphviz) -->\n");
    let _ = writeln!(s, "<title>{}</title>", escape(&d.title.join(" · ")));
    s.push_str("<defs>\n");
    for kind in [EdgeKind::Ownership, EdgeKind::Control] {
        let _ = writeln!(
            s,
            "<marker id=\"{}\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerUnits=\"userSpaceOnUse\" markerWidth=\"11\" markerHeight=\"11\" orient=\"auto\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"{}\"/></marker>",
            marker_id(kind),
            kind.color()
        );
    }
    // Foreign persons are hatched, so black-and-white print tells them apart.
    s.push_str("<pattern id=\"owngraph-hatch\" patternUnits=\"userSpaceOnUse\" width=\"7\" height=\"7\" patternTransform=\"rotate(45)\"><line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"7\" stroke=\"#b3261e\" stroke-width=\"1.6\" stroke-opacity=\"0.45\"/></pattern>\n");
    s.push_str("</defs>\n");
    let _ = writeln!(s, "<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>");

    // Title.
    for (k, (line, bold)) in head.iter().enumerate() {
        let (size, weight) = if *bold { (TITLE_FONT, "bold") } else { (12.5, "normal") };
        let _ = writeln!(
            s,
            "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"{size}\" font-weight=\"{weight}\" text-anchor=\"middle\" fill=\"#111\">{}</text>",
            width / 2.0,
            PAD + TITLE_LINE * (k as f64 + 0.75),
            escape(line)
        );
    }

    let _ = writeln!(s, "<g class=\"owngraph-graph\" transform=\"translate({graph_x:.1},{graph_y:.1})\">");
    // Halos under everything, then lines, then labels, then nodes.
    let mut halos = String::new();
    let mut lines = String::new();
    let mut labels = String::new();
    for (i, e) in d.edges.iter().enumerate() {
        let route = &lay.routes[i];
        let color = e.kind.color();
        let pen = e.pen_width();
        let path = if e.is_loop() {
            let (cx, cy) = lay.centers[e.from];
            let sx = cx + boxes[e.from].0 / 2.0 - 2.0;
            format!(
                "M{sx:.1},{:.1} C{:.1},{:.1} {:.1},{:.1} {sx:.1},{:.1}",
                cy - 6.0,
                sx + 34.0,
                cy - 30.0,
                sx + 34.0,
                cy + 30.0,
                cy + 6.0
            )
        } else {
            let mut pts = route.points.clone();
            if pts.len() < 2 {
                continue;
            }
            // Meet each outline where it is, not its bounding box.
            let last = pts.len() - 1;
            for (k, end) in [(0, e.from), (last, e.to)] {
                let (cx, cy) = lay.centers[end];
                let (w, h) = boxes[end];
                let node = &d.nodes[end];
                let top = pts[k].1 < cy;
                let hh = half_height_at(node.shape, w, h, pts[k].0 - cx, top);
                pts[k].1 = if top { cy - hh } else { cy + hh };
            }
            path_through(&pts)
        };
        // One halo per chain the edge is on, the most important innermost.
        let n = e.highlights.len();
        for (k, h) in e.highlights.iter().enumerate().rev() {
            let Some(halo) = h.color() else { continue };
            let dash = if *h == Highlight::Potential { " stroke-dasharray=\"8 5\"" } else { "" };
            let _ = writeln!(
                halos,
                "<path class=\"halo\" data-edge=\"e{i}\" d=\"{path}\" fill=\"none\" stroke=\"{halo}\" stroke-width=\"{:.1}\" stroke-opacity=\"{}\" stroke-linecap=\"round\"{dash}/>",
                pen + 8.0 + 7.0 * k as f64,
                if n > 1 { "0.6" } else { "0.5" }
            );
        }
        let dash = if e.dotted { " stroke-dasharray=\"2 4\"" } else { "" };
        let _ = writeln!(
            lines,
            "<path class=\"edge\" id=\"e{i}\"{} d=\"{path}\" fill=\"none\" stroke=\"{color}\" stroke-width=\"{pen:.2}\"{dash} marker-end=\"url(#{})\"><title>{}</title></path>",
            edge_data(d, i),
            marker_id(e.kind),
            escape(&format!(
                "{} → {}: {}",
                d.nodes[e.from].lines.join(" "),
                d.nodes[e.to].lines.first().cloned().unwrap_or_default(),
                e.label.join(" ")
            ))
        );
        if let Some((lx, ly)) = route.label {
            let (lw, lh) = label_size(&e.label);
            let weight = if e.highlights.is_empty() { "normal" } else { "bold" };
            let _ = writeln!(
                labels,
                "<g class=\"label\" data-edge=\"e{i}\"><rect x=\"{:.1}\" y=\"{ly:.1}\" width=\"{lw:.1}\" height=\"{lh:.1}\" fill=\"#ffffff\" fill-opacity=\"0.85\"/>",
                lx - 1.0
            );
            text_lines(
                &mut labels,
                &e.label,
                lx + 1.0,
                ly + 1.0,
                LABEL_LINE,
                &format!("font-size=\"{LABEL_FONT}\" fill=\"{color}\" font-weight=\"{weight}\""),
            );
            labels.push_str("</g>\n");
        }
    }
    s.push_str(&halos);
    s.push_str(&lines);
    s.push_str(&labels);
    for (v, n) in d.nodes.iter().enumerate() {
        let (cx, cy) = lay.centers[v];
        let (w, h) = boxes[v];
        let _ = writeln!(s, "<g class=\"node\" id=\"n{v}\"{}><title>{}</title>", node_data(d, v), lines_text(&n.tip));
        let stroke = if n.target {
            "stroke=\"#1f3d7a\" stroke-width=\"1.6\""
        } else if n.roles.iter().any(|r| matches!(r, Role::Controller | Role::ForeignController)) {
            "stroke=\"#111\" stroke-width=\"2.4\""
        } else {
            "stroke=\"#333\" stroke-width=\"1\""
        };
        s.push_str(&outline(n.shape, cx, cy, w, h, &format!("fill=\"{}\" {stroke}", n.fill.color())));
        if n.roles.contains(&Role::Foreign) || n.roles.contains(&Role::ForeignController) {
            s.push_str(&outline(n.shape, cx, cy, w, h, "fill=\"url(#owngraph-hatch)\" stroke=\"none\""));
        }
        if n.target {
            s.push_str(&outline(
                n.shape,
                cx,
                cy,
                w - 8.0,
                h - 8.0,
                "fill=\"none\" stroke=\"#1f3d7a\" stroke-width=\"1\"",
            ));
        }
        let shift = match n.shape {
            Shape::Public => h * 0.12,
            _ => 0.0,
        };
        let th = texts[v].len() as f64 * NODE_LINE;
        let top = cy - th / 2.0 + shift;
        text_lines(
            &mut s,
            &n.lines,
            cx,
            top,
            NODE_LINE,
            &format!("font-size=\"{NODE_FONT}\" text-anchor=\"middle\" fill=\"#111\""),
        );
        text_lines(
            &mut s,
            &n.tags,
            cx,
            top + n.lines.len() as f64 * NODE_LINE,
            NODE_LINE,
            &format!(
                "font-size=\"{NODE_FONT}\" text-anchor=\"middle\" fill=\"#111\" font-weight=\"bold\" class=\"tag\""
            ),
        );
        s.push_str("</g>\n");
    }
    s.push_str("</g>\n");

    // Legend and caption.
    let _ = writeln!(
        s,
        "<g class=\"legend\" font-size=\"{LEGEND_FONT}\" fill=\"#222\"><rect x=\"{:.1}\" y=\"{legend_y:.1}\" width=\"{:.1}\" height=\"{:.1}\" rx=\"6\" fill=\"#fafafa\" stroke=\"#bbb\"/>",
        PAD / 2.0,
        width - PAD,
        legend_h
    );
    let _ = writeln!(
        s,
        "<text x=\"{:.1}\" y=\"{:.1}\" font-weight=\"bold\">{}</text>",
        PAD,
        legend_y + 16.0,
        escape(&d.legend_title)
    );
    let col_w = (width - 2.0 * PAD) / cols as f64;
    let row_line = LEGEND_LINE * 0.8;
    for (k, e) in d.legend.iter().enumerate() {
        let (col, row) = (k / per_col.max(1), k % per_col.max(1));
        let x = PAD + col as f64 * col_w;
        let before: usize = row_lines[..row].iter().sum();
        let top = legend_y + 26.0 + row_line * before as f64 + 3.0 * row as f64;
        let cy = top + row_line * 0.5;
        legend_sample(&mut s, e.sample, x, cy);
        for (j, line) in entries[k].iter().enumerate() {
            let _ = writeln!(
                s,
                "<text x=\"{:.1}\" y=\"{:.1}\">{}</text>",
                x + 34.0,
                cy + 4.0 + row_line * j as f64,
                escape(line)
            );
        }
    }
    let _ = writeln!(
        s,
        "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"9.5\" fill=\"#666\">{}</text></g>",
        PAD,
        legend_y + legend_h - 8.0,
        escape(&caption(d.lang, false))
    );
    s.push_str("</svg>\n");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup() {
        assert_eq!(
            escape("<script>alert(1)</script> & \"Co\" {x}"),
            "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;Co&quot; {x}"
        );
        assert_eq!(escape("a\u{1}b"), "a\\u{1}b");
    }

    #[test]
    fn wider_text_is_wider() {
        assert!(text_width("Ромашка", 12.0) > text_width("ili", 12.0));
    }
}
