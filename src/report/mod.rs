//! Reports: views of a finished analysis value, in text (Russian or English), JSON, DOT, SVG
//! and HTML. They compute nothing; every number comes from [`crate::law`].

pub mod bods;
pub mod bods_check;
pub mod diagram;
pub mod disclosure;
pub mod dot;
pub mod html;
pub mod json;
pub mod layout;
pub mod native;
pub mod safe;
pub mod svg;
pub mod text;
pub mod verification;
pub mod words;

/// Which layout draws a diagram's SVG.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
pub enum LayoutChoice {
    /// Graphviz `dot` when it is on `PATH`, the embedded layout otherwise.
    #[default]
    Auto,
    /// Graphviz `dot` (an error when it is not installed).
    Dot,
    /// The embedded layered layout (no Graphviz needed; SVG only).
    Embedded,
}

/// Why a diagram could not be drawn.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DrawError {
    /// `dot` is needed and not on `PATH`.
    NoDot,
    /// `dot` failed, with its message.
    Dot(String),
}

impl std::fmt::Display for DrawError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DrawError::NoDot => f.write_str(
                "Graphviz's `dot` is not on PATH: install the Debian package `graphviz` (apt-get install graphviz)",
            ),
            DrawError::Dot(m) => write!(f, "Graphviz's `dot` failed: {}", m.trim()),
        }
    }
}

/// The diagram as SVG by the chosen layout, and whether `dot` made it.
pub fn diagram_svg(d: &diagram::Diagram, choice: LayoutChoice) -> Result<(String, bool), DrawError> {
    let use_dot = match choice {
        LayoutChoice::Embedded => false,
        LayoutChoice::Dot if dot::find_dot().is_none() => return Err(DrawError::NoDot),
        LayoutChoice::Dot => true,
        LayoutChoice::Auto => dot::find_dot().is_some(),
    };
    if !use_dot {
        return Ok((svg::render(d), false));
    }
    let bytes = dot::run_dot(&dot::to_dot(d), dot::Output::Svg).map_err(DrawError::Dot)?;
    let svg = dot::mark_dot_svg(&String::from_utf8_lossy(&bytes), d);
    // Every name reaches `dot` escaped; should its SVG still not be well-formed XML (another
    // Graphviz version), the embedded layout draws the picture instead of a file no viewer opens.
    if roxmltree::Document::parse(&svg).is_err() && choice == LayoutChoice::Auto {
        return Ok((svg::render(d), false));
    }
    Ok((svg, true))
}
