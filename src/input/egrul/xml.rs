//! Streaming EGRUL XML: the text is decoded from its declared encoding (windows-1251 as the
//! Federal Tax Service publishes it, UTF-8, UTF-16) as it is read, and each `СвЮЛ` is handed
//! over as a small tree of the parts the importer uses, then dropped. Time is linear in the
//! file, memory bounded by one company; every element keeps its line and column, and a file that
//! is not well-formed XML, or not valid text in its encoding, is refused with the line and
//! column of the fault. No recursion: trees are built with an explicit stack and their depth is
//! capped.

use std::io::{BufRead, Read};

use chrono::NaiveDate;
use quick_xml::events::Event;

/// Deepest nesting kept inside a `СвЮЛ` (the format needs fewer than 10 levels); deeper input
/// is refused rather than followed.
const MAX_DEPTH: usize = 64;

/// The parts of a `СвЮЛ` the importer reads; the rest (addresses, activities, licences, the
/// register entries) is only scanned for its record dates.
const KEEP: &[&str] = &["СвНаимЮЛ", "СвУстКап", "СвУчредит", "СвДоляООО", "СвПрекрЮЛ", "СвСтатус"];

/// An element: its name, attributes, text, children, and where it starts.
#[derive(Clone, Debug, Default)]
pub struct El {
    /// The local name.
    pub name: Box<str>,
    /// Attributes, values unescaped.
    pub attrs: Vec<(Box<str>, String)>,
    /// Child elements in document order.
    pub children: Vec<El>,
    /// The text content (character data directly inside).
    pub text: String,
    /// 1-based line of the `<`.
    pub line: u32,
    /// 1-based column (in characters) of the `<`.
    pub col: u32,
}

impl El {
    /// An attribute, trimmed; `None` when absent or blank.
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs.iter().find(|(k, _)| &**k == name).map(|(_, v)| v.trim()).filter(|v| !v.is_empty())
    }

    /// The first child of that name.
    pub fn child(&self, name: &str) -> Option<&El> {
        self.children.iter().find(|c| &*c.name == name)
    }

    /// The children of that name.
    pub fn children<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a El> + 'a {
        self.children.iter().filter(move |c| &*c.name == name)
    }

    /// The text, trimmed.
    pub fn text(&self) -> &str {
        self.text.trim()
    }
}

/// One `СвЮЛ` of a file with what the scan learnt about it.
#[derive(Debug)]
pub struct Company {
    /// The element.
    pub el: El,
    /// 1-based position among the `СвЮЛ` of the file.
    pub index: u32,
    /// The latest `ДатаЗаписи` / `ДатаЗап` of any record in it.
    pub last_record: Option<NaiveDate>,
    /// The latest state registration number (ГРН) of any record in it, as year, region, number.
    pub last_grn: Option<u64>,
}

/// What a file is, besides its companies.
#[derive(Debug, Default)]
pub struct FileInfo {
    /// The root element's name (`Файл` for an FNS package, `EGRUL` for an extract).
    pub root: String,
    /// `Файл/@ВерсФорм`, the format version of a package (4.05, 4.06, 4.07, ...).
    pub format: Option<String>,
    /// `Файл/@ТипИнф` (`ЕГРЮЛ_ОТКР_СВЕД`, ...).
    pub kind: Option<String>,
    /// How many `СвЮЛ` the file holds.
    pub companies: u32,
}

/// A fault of the file as text or as XML, where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fault {
    /// 1-based line.
    pub line: u32,
    /// 1-based column, in characters.
    pub col: u32,
    /// What is wrong.
    pub message: String,
}

impl std::fmt::Display for Fault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {} column {}: {}", self.line, self.col, self.message)
    }
}

/// A line and column tracker over UTF-8 bytes.
#[derive(Clone, Copy, Debug)]
struct Pos {
    line: u32,
    col: u32,
}

impl Pos {
    fn start() -> Pos {
        Pos { line: 1, col: 1 }
    }

    fn advance(&mut self, bytes: &[u8]) {
        for &b in bytes {
            if b == b'\n' {
                self.line += 1;
                self.col = 1;
            } else if b & 0xC0 != 0x80 {
                self.col += 1;
            }
        }
    }
}

/// Decodes a byte stream into UTF-8 as it is read and knows the line and column of every byte
/// handed out (a `BufRead`, so the XML reader's position is exact).
struct Utf8Reader<R: Read> {
    inner: R,
    decoder: encoding_rs::Decoder,
    encoding: &'static encoding_rs::Encoding,
    raw: Vec<u8>,
    raw_start: usize,
    raw_end: usize,
    raw_eof: bool,
    /// The decoder has seen the end (or a fault): nothing more comes.
    done: bool,
    out: Vec<u8>,
    out_start: usize,
    out_end: usize,
    /// Bytes handed out and consumed.
    consumed: u64,
    /// Position after the consumed bytes.
    here: Pos,
    /// Consumed bytes since the last [`Utf8Reader::mark`], to place a fault inside an event.
    window: Vec<u8>,
    window_start: u64,
    window_pos: Pos,
    /// Position after the decoded bytes (ahead of `here`).
    decoded: Pos,
    fault: Option<Fault>,
}

/// The encoding an XML file declares: its byte order mark, else its declaration's `encoding`,
/// else UTF-8. Reads only the first bytes.
fn sniff(head: &[u8]) -> Result<(&'static encoding_rs::Encoding, usize), String> {
    if let Some((enc, bom)) = encoding_rs::Encoding::for_bom(head) {
        return Ok((enc, bom));
    }
    if !head.starts_with(b"<?xml") {
        return Ok((encoding_rs::UTF_8, 0));
    }
    let end = head.windows(2).position(|w| w == b"?>").unwrap_or(head.len());
    let decl = &head[..end];
    let Some(at) = decl.windows(8).position(|w| w == b"encoding") else {
        return Ok((encoding_rs::UTF_8, 0));
    };
    let rest = &decl[at + 8..];
    let rest = rest.trim_ascii_start();
    let Some(rest) = rest.strip_prefix(b"=") else { return Err("the encoding declaration has no \"=\"".into()) };
    let rest = rest.trim_ascii_start();
    let quote = match rest.first() {
        Some(&q @ (b'"' | b'\'')) => q,
        _ => return Err("the encoding declaration is not quoted".into()),
    };
    let label = &rest[1..];
    let Some(close) = label.iter().position(|&b| b == quote) else {
        return Err("the encoding declaration is not closed".into());
    };
    let label = &label[..close];
    encoding_rs::Encoding::for_label(label)
        .map(|e| (e, 0))
        .ok_or_else(|| format!("unknown XML encoding \"{}\"", String::from_utf8_lossy(label)))
}

impl<R: Read> Utf8Reader<R> {
    fn new(mut inner: R) -> Result<Utf8Reader<R>, Fault> {
        let mut raw = vec![0u8; 1 << 16];
        let mut n = 0;
        // The head, for the encoding: up to 1 KiB or the end of the file.
        while n < 1024 {
            match inner.read(&mut raw[n..]) {
                Ok(0) => break,
                Ok(k) => n += k,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(Fault { line: 1, col: 1, message: format!("cannot read: {e}") }),
            }
        }
        let (encoding, bom) = sniff(&raw[..n]).map_err(|message| Fault {
            line: 1,
            col: 1,
            message: format!("{message} (XML declaration)"),
        })?;
        Ok(Utf8Reader {
            inner,
            decoder: encoding.new_decoder_without_bom_handling(),
            encoding,
            raw,
            raw_start: bom,
            raw_end: n,
            raw_eof: false,
            done: false,
            out: vec![0u8; 1 << 16],
            out_start: 0,
            out_end: 0,
            consumed: 0,
            here: Pos::start(),
            window: Vec::new(),
            window_start: 0,
            window_pos: Pos::start(),
            decoded: Pos::start(),
            fault: None,
        })
    }

    /// Starts a new window at the current position (before each XML event).
    fn mark(&mut self) {
        self.window.clear();
        self.window_start = self.consumed;
        self.window_pos = self.here;
    }

    /// Line and column of a consumed byte offset at or after the window start.
    fn position(&self, offset: u64) -> Pos {
        let mut p = self.window_pos;
        let k = offset.saturating_sub(self.window_start) as usize;
        p.advance(&self.window[..k.min(self.window.len())]);
        p
    }

    fn refill(&mut self) -> std::io::Result<()> {
        self.out_start = 0;
        self.out_end = 0;
        loop {
            if self.done {
                return Ok(());
            }
            if self.raw_start == self.raw_end && !self.raw_eof {
                self.raw_start = 0;
                self.raw_end = loop {
                    match self.inner.read(&mut self.raw) {
                        Ok(k) => break k,
                        Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                        Err(e) => return Err(e),
                    }
                };
                self.raw_eof = self.raw_end == 0;
            }
            let (result, read, written) = self.decoder.decode_to_utf8_without_replacement(
                &self.raw[self.raw_start..self.raw_end],
                &mut self.out,
                self.raw_eof,
            );
            self.raw_start += read;
            self.out_end = written;
            self.decoded.advance(&self.out[..written]);
            match result {
                encoding_rs::DecoderResult::Malformed(..) => {
                    let at = self.decoded;
                    let message =
                        format!("the text is not valid {} (a byte that no character has)", self.encoding.name());
                    self.fault = Some(Fault { line: at.line, col: at.col, message: message.clone() });
                    self.done = true;
                    if written == 0 {
                        return Err(std::io::Error::new(std::io::ErrorKind::InvalidData, message));
                    }
                    // What was decoded before the bad byte is handed out first.
                    return Ok(());
                }
                encoding_rs::DecoderResult::InputEmpty if self.raw_eof => self.done = true,
                _ => {}
            }
            if written > 0 {
                return Ok(());
            }
        }
    }
}

impl<R: Read> Read for Utf8Reader<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let available = self.fill_buf()?;
        let n = available.len().min(buf.len());
        buf[..n].copy_from_slice(&available[..n]);
        self.consume(n);
        Ok(n)
    }
}

impl<R: Read> BufRead for Utf8Reader<R> {
    fn fill_buf(&mut self) -> std::io::Result<&[u8]> {
        if self.out_start == self.out_end {
            if let Some(f) = &self.fault {
                return Err(std::io::Error::new(std::io::ErrorKind::InvalidData, f.message.clone()));
            }
            self.refill()?;
        }
        Ok(&self.out[self.out_start..self.out_end])
    }

    fn consume(&mut self, n: usize) {
        let n = n.min(self.out_end - self.out_start);
        let bytes = &self.out[self.out_start..self.out_start + n];
        self.here.advance(bytes);
        self.window.extend_from_slice(bytes);
        self.out_start += n;
        self.consumed += n as u64;
    }
}

/// The dates and numbers of the register's records seen in a company, to order its versions.
#[derive(Default)]
struct Records {
    last_record: Option<NaiveDate>,
    last_grn: Option<u64>,
}

impl Records {
    fn note(&mut self, name: &str, attrs: &[(Box<str>, String)]) {
        let (date_attr, grn_attr) = if name.starts_with("ГРНДата") {
            ("ДатаЗаписи", "ГРН")
        } else if name == "СвЗапЕГРЮЛ" {
            ("ДатаЗап", "ГРН")
        } else {
            return;
        };
        for (k, v) in attrs {
            if &**k == date_attr
                && let Ok(d) = NaiveDate::parse_from_str(v.trim(), "%Y-%m-%d")
            {
                self.last_record = self.last_record.max(Some(d));
            } else if &**k == grn_attr {
                // ГРН: kind (1), year (2), region (2), number (7), check digit (1).
                let digits = v.trim();
                if digits.len() == 13 && digits.bytes().all(|b| b.is_ascii_digit()) {
                    self.last_grn = self.last_grn.max(digits[1..12].parse().ok());
                }
            }
        }
    }
}

fn local_name(bytes: &[u8]) -> String {
    let name = String::from_utf8_lossy(bytes);
    match name.rsplit_once(':') {
        Some((_, local)) => local.to_string(),
        None => name.into_owned(),
    }
}

/// Reads the attributes of a start tag, unescaped.
fn attributes(e: &quick_xml::events::BytesStart) -> Result<Vec<(Box<str>, String)>, String> {
    let mut out = Vec::new();
    for a in e.attributes() {
        let a = a.map_err(|e| format!("not well-formed XML: {e}"))?;
        let key = local_name(a.key.as_ref()).into_boxed_str();
        let value = a.unescape_value().map_err(|e| format!("not well-formed XML: {e}"))?;
        out.push((key, value.into_owned()));
    }
    Ok(out)
}

/// Scans an XML stream and hands each `СвЮЛ` to `each`, in document order.
pub fn companies(input: impl Read, mut each: impl FnMut(Company)) -> Result<FileInfo, Fault> {
    let src = Utf8Reader::new(input)?;
    let mut xr = quick_xml::Reader::from_reader(src);
    let mut buf = Vec::with_capacity(4096);
    let mut info = FileInfo::default();
    let mut open: Vec<String> = Vec::new();
    // Inside a СвЮЛ: the elements being built, the depth of a skipped part, its records.
    let mut stack: Vec<El> = Vec::new();
    let mut skip = 0usize;
    let mut records = Records::default();
    loop {
        xr.get_mut().mark();
        let at = xr.get_ref().here;
        let event = xr.read_event_into(&mut buf);
        let fault = |message: String| Fault { line: at.line, col: at.col, message };
        match event {
            Err(e) => {
                let src = xr.get_ref();
                if let Some(f) = &src.fault {
                    return Err(f.clone());
                }
                let p = src.position(xr.error_position());
                return Err(Fault { line: p.line, col: p.col, message: format!("not well-formed XML: {e}") });
            }
            Ok(Event::Eof) => {
                if let Some(f) = &xr.get_ref().fault {
                    return Err(f.clone());
                }
                if let Some(name) = open.last() {
                    return Err(fault(format!(
                        "not well-formed XML: the file ends before <{name}> is closed (cut short?)"
                    )));
                }
                if info.root.is_empty() {
                    return Err(fault("no XML element: the file is empty or not XML".into()));
                }
                return Ok(info);
            }
            Ok(Event::Start(ref e)) | Ok(Event::Empty(ref e)) => {
                let empty = matches!(event, Ok(Event::Empty(_)));
                let name = local_name(e.local_name().as_ref());
                if info.root.is_empty() {
                    if !open.is_empty() {
                        return Err(fault("not well-formed XML".into()));
                    }
                    info.root = name.clone();
                    if name == "Файл" {
                        let attrs = attributes(e).map_err(fault)?;
                        let get = |k: &str| attrs.iter().find(|(a, _)| &**a == k).map(|(_, v)| v.trim().to_string());
                        info.format = get("ВерсФорм");
                        info.kind = get("ТипИнф");
                    }
                } else if open.is_empty() {
                    return Err(fault(format!("not well-formed XML: a second root element <{name}>")));
                }
                if skip > 0 {
                    if name.starts_with("ГРНДата") || name == "СвЗапЕГРЮЛ" {
                        records.note(&name, &attributes(e).map_err(fault)?);
                    }
                    if !empty {
                        skip += 1;
                        open.push(name);
                    }
                    continue;
                }
                let building = !stack.is_empty();
                if building && stack.len() == 1 && !KEEP.contains(&name.as_str()) {
                    if name == "СвЗапЕГРЮЛ" {
                        records.note(&name, &attributes(e).map_err(fault)?);
                    }
                    if !empty {
                        skip = 1;
                        open.push(name);
                    }
                    continue;
                }
                if building || name == "СвЮЛ" {
                    if stack.len() >= MAX_DEPTH {
                        return Err(fault(format!("elements nested deeper than {MAX_DEPTH} levels inside СвЮЛ")));
                    }
                    let attrs = attributes(e).map_err(fault)?;
                    records.note(&name, &attrs);
                    let el =
                        El { name: name.clone().into_boxed_str(), attrs, line: at.line, col: at.col, ..El::default() };
                    if empty {
                        match stack.last_mut() {
                            Some(parent) => parent.children.push(el),
                            None => {
                                info.companies += 1;
                                let r = std::mem::take(&mut records);
                                each(Company {
                                    el,
                                    index: info.companies,
                                    last_record: r.last_record,
                                    last_grn: r.last_grn,
                                });
                            }
                        }
                    } else {
                        stack.push(el);
                        open.push(name);
                    }
                } else if !empty {
                    open.push(name);
                } else {
                    // An empty element outside any company: its attributes are still checked.
                    attributes(e).map_err(fault)?;
                }
            }
            Ok(Event::End(_)) => {
                open.pop();
                if skip > 0 {
                    skip -= 1;
                    continue;
                }
                if let Some(el) = stack.pop() {
                    match stack.last_mut() {
                        Some(parent) => parent.children.push(el),
                        None => {
                            info.companies += 1;
                            let r = std::mem::take(&mut records);
                            each(Company {
                                el,
                                index: info.companies,
                                last_record: r.last_record,
                                last_grn: r.last_grn,
                            });
                        }
                    }
                }
            }
            Ok(Event::Text(t)) => {
                if skip == 0
                    && let Some(el) = stack.last_mut()
                {
                    let text = t.decode().map_err(|e| fault(format!("not well-formed XML: {e}")))?;
                    el.text.push_str(&text);
                } else if open.is_empty() {
                    let text = t.decode().map_err(|e| fault(format!("not well-formed XML: {e}")))?;
                    if !text.trim().is_empty() {
                        return Err(fault("not well-formed XML: text outside the root element".into()));
                    }
                }
            }
            Ok(Event::CData(c)) => {
                if skip == 0
                    && let Some(el) = stack.last_mut()
                {
                    el.text.push_str(&String::from_utf8_lossy(&c));
                }
            }
            Ok(Event::GeneralRef(r)) => {
                let ch = match r.resolve_char_ref() {
                    Ok(Some(c)) => c.to_string(),
                    Ok(None) => {
                        let name = String::from_utf8_lossy(&r);
                        match name.as_ref() {
                            "amp" => "&".into(),
                            "lt" => "<".into(),
                            "gt" => ">".into(),
                            "apos" => "'".into(),
                            "quot" => "\"".into(),
                            other => return Err(fault(format!("not well-formed XML: unknown entity &{other};"))),
                        }
                    }
                    Err(e) => return Err(fault(format!("not well-formed XML: {e}"))),
                };
                if skip == 0
                    && let Some(el) = stack.last_mut()
                {
                    el.text.push_str(&ch);
                }
            }
            Ok(Event::Comment(_) | Event::Decl(_) | Event::PI(_) | Event::DocType(_)) => {}
        }
        buf.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scan(bytes: &[u8]) -> Result<(FileInfo, Vec<Company>), Fault> {
        let mut out = Vec::new();
        let info = companies(bytes, |c| out.push(c))?;
        Ok((info, out))
    }

    #[test]
    fn windows_1251_is_decoded_with_positions() {
        let (bytes, _, _) = encoding_rs::WINDOWS_1251.encode(
            "<?xml version=\"1.0\" encoding=\"windows-1251\"?>\n<Файл ВерсФорм=\"4.07\">\n  <Документ><СвЮЛ ОГРН=\"1\"><СвНаимЮЛ НаимЮЛПолн=\"ЁЛКА &amp; Co\"/><СвАдресЮЛ><ГРНДата ГРН=\"2257700000011\" ДатаЗаписи=\"2025-01-02\"/></СвАдресЮЛ></СвЮЛ></Документ>\n</Файл>",
        );
        let (info, cs) = scan(&bytes).unwrap();
        assert_eq!((info.root.as_str(), info.format.as_deref(), info.companies), ("Файл", Some("4.07"), 1));
        let c = &cs[0];
        assert_eq!((c.el.line, c.el.col), (3, 13));
        assert_eq!(c.el.child("СвНаимЮЛ").and_then(|n| n.attr("НаимЮЛПолн")), Some("ЁЛКА & Co"));
        assert!(c.el.child("СвАдресЮЛ").is_none(), "addresses are not kept");
        assert_eq!(c.last_record, NaiveDate::from_ymd_opt(2025, 1, 2));
        assert_eq!(c.last_grn, Some(25_770_000_001));
    }

    #[test]
    fn faults_have_lines_and_columns() {
        let f = scan(b"<encoding=\xab").unwrap_err();
        assert_eq!((f.line, f.col), (1, 11), "{f}");
        assert!(f.message.contains("not valid UTF-8"), "{f}");
        let f = scan("<a>\n  <СвЮЛ>\n  </b>\n</a>".as_bytes()).unwrap_err();
        assert_eq!(f.line, 3, "{f}");
        assert!(f.message.contains("not well-formed"), "{f}");
        let f = scan(b"<a><b>").unwrap_err();
        assert!(f.message.contains("ends before <b>"), "{f}");
        let f = scan(b"<?xml version=\"1.0\" encoding=\"klingon\"?><a/>").unwrap_err();
        assert!(f.message.contains("unknown XML encoding \"klingon\""), "{f}");
        let f = scan(b"").unwrap_err();
        assert!(f.message.contains("empty"), "{f}");
        let f = scan(b"<a x=\"&nope;\"/>").unwrap_err();
        assert!(f.message.contains("not well-formed"), "{f}");
        let deep = format!("<СвЮЛ>{}", "<СвУчредит>".repeat(100));
        let f = scan(deep.as_bytes()).unwrap_err();
        assert!(f.message.contains("deeper than 64"), "{f}");
    }

    #[test]
    fn a_bom_and_utf_16_are_read() {
        let (info, cs) = scan("\u{feff}<EGRUL><СвЮЛ ОГРН=\"1\"/></EGRUL>".as_bytes()).unwrap();
        assert_eq!((info.root.as_str(), cs.len()), ("EGRUL", 1));
        let mut utf16 = vec![0xFF, 0xFE];
        for u in "<EGRUL><СвЮЛ ОГРН=\"7\"/></EGRUL>".encode_utf16() {
            utf16.extend(u.to_le_bytes());
        }
        let (_, cs) = scan(&utf16).unwrap();
        assert_eq!(cs[0].el.attr("ОГРН"), Some("7"));
    }
}
