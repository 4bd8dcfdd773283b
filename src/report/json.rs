//! JSON output: the analysis value serialized, with stable English field names; every fraction
//! as `{"fraction": "p/q", "percent": "..."}`.

use serde::Serialize;

/// Pretty JSON of any report value, ending with a newline.
pub fn to_string<T: Serialize>(value: &T) -> String {
    let mut s = serde_json::to_string_pretty(value).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    s.push('\n');
    s
}

/// Pretty JSON of any report value written to `out` as it is made, ending with a newline.
pub fn write<T: Serialize, W: std::io::Write>(mut out: W, value: &T) -> std::io::Result<()> {
    serde_json::to_writer_pretty(&mut out, value)?;
    out.write_all(b"\n")?;
    out.flush()
}
