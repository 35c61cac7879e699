//! Finding where each item of a large snapshot file starts and ends, without parsing it.
//!
//! A scan reads items on every core, but one thread must first cut the file into items.
//! serde_json's reader does that a byte at a time (measured: the scan's serial part, and
//! its limit). This splitter reads the file in large blocks and only tracks what decides
//! where an item ends: strings (skipped with `memchr`), escapes, and bracket nesting.
//!
//! It handles the shapes Config writes: a snapshot or history document
//! (`{..., "configurationItems": [...], ...}`) and a bare list of items. Anything else,
//! and anything it would not be sure of (a single-item document, broken JSON around
//! the items, an escaped key, unbalanced brackets, an item over the size cap, a read
//! error), it hands back as [`Fallback`] with the number of items it has already
//! handed out: the caller reads the file again with serde_json, skipping those, so the
//! result and every error message are serde_json's.
//!
//! What it does not check is the inside of an item (a missing colon, a bad number): the
//! item is handed out whole and its reader, on a worker, skips it by file and index
//! like any other unreadable item, and the rest of the file is read.

use std::io::Read;

/// The splitter gave up; the caller re-reads the file with the full parser, skipping the
/// first `emitted` items (already handed out).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fallback {
    /// Items already handed to the sink.
    pub emitted: usize,
}

const BLOCK: usize = 1 << 20;

/// Deeper nesting than serde_json reads (its limit is 128): left to serde_json.
const MAX_DEPTH: usize = 128;

/// Bytes that matter outside strings while skipping a container.
static STRUCTURAL: [bool; 256] = {
    let mut t = [false; 256];
    t[b'"' as usize] = true;
    t[b'{' as usize] = true;
    t[b'}' as usize] = true;
    t[b'[' as usize] = true;
    t[b']' as usize] = true;
    t
};

/// Bytes that end a scalar (number or literal).
static SCALAR_END: [bool; 256] = {
    let mut t = [false; 256];
    t[b',' as usize] = true;
    t[b']' as usize] = true;
    t[b'}' as usize] = true;
    t[b' ' as usize] = true;
    t[b'\t' as usize] = true;
    t[b'\n' as usize] = true;
    t[b'\r' as usize] = true;
    t
};

/// Hands each item of the document `reader` holds to `sink`, as its bytes.
/// `cap`: the most bytes one item (or one top-level member) may have.
pub fn split_items<R: Read>(
    reader: R,
    cap: u64,
    sink: &mut dyn FnMut(Vec<u8>),
) -> Result<(), Fallback> {
    let mut s = Splitter {
        reader,
        buf: vec![0; BLOCK],
        pos: 0,
        len: 0,
        mark: None,
        eof: false,
        cap: usize::try_from(cap).unwrap_or(usize::MAX),
        emitted: 0,
        stack: Vec::with_capacity(32),
    };
    s.document(sink)
        .map_err(|Stop| Fallback { emitted: s.emitted })
}

/// Internal: give up (the caller turns it into [`Fallback`]).
struct Stop;

struct Splitter<R> {
    reader: R,
    buf: Vec<u8>,
    /// Next byte to look at.
    pos: usize,
    /// End of the bytes read.
    len: usize,
    /// Start of the value being skipped: kept across refills.
    mark: Option<usize>,
    eof: bool,
    cap: usize,
    emitted: usize,
    stack: Vec<u8>,
}

impl<R: Read> Splitter<R> {
    /// Reads more bytes; `false` at the end of the input. Keeps everything from the mark
    /// (or from `pos`) and moves it to the front.
    fn fill(&mut self) -> Result<bool, Stop> {
        if self.eof {
            return Ok(false);
        }
        let keep = self.mark.unwrap_or(self.pos).min(self.len);
        if keep > 0 {
            self.buf.copy_within(keep..self.len, 0);
            self.len -= keep;
            self.pos -= keep;
            if let Some(m) = self.mark.as_mut() {
                *m -= keep;
            }
        }
        if self.len == self.buf.len() {
            // One value fills the buffer: grow, within the cap.
            if self.len > self.cap {
                return Err(Stop);
            }
            let grown = (self.buf.len() * 2).min(self.cap.saturating_add(BLOCK));
            if grown <= self.buf.len() {
                return Err(Stop);
            }
            self.buf.resize(grown, 0);
        }
        loop {
            match self.reader.read(&mut self.buf[self.len..]) {
                Ok(0) => {
                    self.eof = true;
                    return Ok(false);
                }
                Ok(n) => {
                    self.len += n;
                    return Ok(true);
                }
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(_) => return Err(Stop),
            }
        }
    }

    /// The next byte that is not whitespace, not consumed; `None` at the end.
    fn peek(&mut self) -> Result<Option<u8>, Stop> {
        loop {
            while self.pos < self.len {
                match self.buf[self.pos] {
                    b' ' | b'\t' | b'\n' | b'\r' => self.pos += 1,
                    b => return Ok(Some(b)),
                }
            }
            if !self.fill()? {
                return Ok(None);
            }
        }
    }

    /// Consumes `want` (after whitespace) or stops.
    fn expect(&mut self, want: u8) -> Result<(), Stop> {
        if self.peek()? == Some(want) {
            self.pos += 1;
            Ok(())
        } else {
            Err(Stop)
        }
    }

    fn document(&mut self, sink: &mut dyn FnMut(Vec<u8>)) -> Result<(), Stop> {
        match self.peek()? {
            Some(b'[') => {
                self.pos += 1;
                self.items(sink)?;
            }
            Some(b'{') => {
                self.pos += 1;
                let mut streamed = false;
                if self.peek()? == Some(b'}') {
                    self.pos += 1;
                } else {
                    loop {
                        let is_items = self.key()?;
                        self.expect(b':')?;
                        if is_items {
                            self.expect(b'[')?;
                            self.items(sink)?;
                            streamed = true;
                        } else {
                            self.checked_member()?;
                        }
                        match self.peek()? {
                            Some(b',') => self.pos += 1,
                            Some(b'}') => {
                                self.pos += 1;
                                break;
                            }
                            _ => return Err(Stop),
                        }
                    }
                }
                // One item, or an event wrapping one: the full parser's case.
                if !streamed {
                    return Err(Stop);
                }
            }
            _ => return Err(Stop),
        }
        // Nothing but whitespace may follow.
        match self.peek()? {
            None => Ok(()),
            Some(_) => Err(Stop),
        }
    }

    /// Reads a member name; whether it is `configurationItems`. An escaped name is left
    /// to the full parser (it may spell `configurationItems`).
    fn key(&mut self) -> Result<bool, Stop> {
        if self.peek()? != Some(b'"') {
            return Err(Stop);
        }
        let start = self.pos;
        self.mark = Some(start);
        self.string()?;
        let start = self.mark.take().unwrap_or(start);
        let name = &self.buf[start + 1..self.pos - 1];
        if name.contains(&b'\\') {
            return Err(Stop);
        }
        Ok(name == b"configurationItems")
    }

    /// Skips a top-level member that is not the items, checking it is JSON.
    fn checked_member(&mut self) -> Result<(), Stop> {
        self.peek()?;
        let start = self.pos;
        self.mark = Some(start);
        self.value()?;
        let start = self.mark.take().unwrap_or(start);
        serde_json::from_slice::<serde::de::IgnoredAny>(&self.buf[start..self.pos])
            .map(|_| ())
            .map_err(|_| Stop)
    }

    /// The elements of the items list (its `[` consumed), each handed out.
    fn items(&mut self, sink: &mut dyn FnMut(Vec<u8>)) -> Result<(), Stop> {
        if self.peek()? == Some(b']') {
            self.pos += 1;
            return Ok(());
        }
        loop {
            let start = self.pos;
            self.mark = Some(start);
            self.value()?;
            let start = self.mark.take().unwrap_or(start);
            sink(self.buf[start..self.pos].to_vec());
            self.emitted += 1;
            match self.peek()? {
                Some(b',') => {
                    self.pos += 1;
                    // A trailing comma is the full parser's error to name.
                    if matches!(self.peek()?, Some(b']') | None) {
                        return Err(Stop);
                    }
                }
                Some(b']') => {
                    self.pos += 1;
                    return Ok(());
                }
                _ => return Err(Stop),
            }
        }
    }

    /// Skips one value starting at `pos` (whitespace already skipped), leaving `pos` just
    /// past it. Brackets must balance and strings end; the rest is the reader's to check.
    fn value(&mut self) -> Result<(), Stop> {
        if self.pos >= self.len && !self.fill()? {
            return Err(Stop);
        }
        match self.buf[self.pos] {
            b'"' => self.string(),
            b'{' | b'[' => self.container(),
            b'}' | b']' | b',' | b':' => Err(Stop),
            _ => self.scalar(),
        }
    }

    fn scalar(&mut self) -> Result<(), Stop> {
        loop {
            while self.pos < self.len {
                if SCALAR_END[self.buf[self.pos] as usize] {
                    return Ok(());
                }
                self.pos += 1;
            }
            self.check_size()?;
            if !self.fill()? {
                return Ok(());
            }
        }
    }

    /// Skips a string, `pos` at its opening quote.
    fn string(&mut self) -> Result<(), Stop> {
        self.pos += 1;
        loop {
            match memchr::memchr2(b'"', b'\\', &self.buf[self.pos..self.len]) {
                Some(i) if self.buf[self.pos + i] == b'"' => {
                    self.pos += i + 1;
                    return Ok(());
                }
                Some(i) => {
                    let at = self.pos + i;
                    if at + 1 < self.len {
                        self.pos = at + 2;
                    } else {
                        // The escaped byte is in the next block.
                        self.pos = at;
                        self.check_size()?;
                        if !self.fill()? {
                            return Err(Stop);
                        }
                    }
                }
                None => {
                    self.pos = self.len;
                    self.check_size()?;
                    if !self.fill()? {
                        return Err(Stop);
                    }
                }
            }
        }
    }

    /// Skips an object or array, `pos` at its opening bracket.
    fn container(&mut self) -> Result<(), Stop> {
        self.stack.clear();
        loop {
            while self.pos < self.len {
                let b = self.buf[self.pos];
                if !STRUCTURAL[b as usize] {
                    self.pos += 1;
                    continue;
                }
                match b {
                    b'"' => {
                        self.string()?;
                        continue;
                    }
                    b'{' | b'[' => {
                        if self.stack.len() == MAX_DEPTH {
                            return Err(Stop);
                        }
                        self.stack.push(if b == b'{' { b'}' } else { b']' });
                    }
                    close => {
                        if self.stack.pop() != Some(close) {
                            return Err(Stop);
                        }
                        if self.stack.is_empty() {
                            self.pos += 1;
                            return Ok(());
                        }
                    }
                }
                self.pos += 1;
            }
            self.check_size()?;
            if !self.fill()? {
                return Err(Stop);
            }
        }
    }

    /// Stops once the value being skipped is over the cap.
    fn check_size(&self) -> Result<(), Stop> {
        match self.mark {
            Some(m) if self.pos - m > self.cap => Err(Stop),
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A reader that hands out at most `n` bytes a call: every refill boundary is tried.
    struct Trickle<'a>(&'a [u8], usize);

    impl Read for Trickle<'_> {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            let n = self.1.min(buf.len()).min(self.0.len());
            buf[..n].copy_from_slice(&self.0[..n]);
            self.0 = &self.0[n..];
            Ok(n)
        }
    }

    fn split(text: &str, step: usize, cap: u64) -> (Vec<String>, Result<(), Fallback>) {
        let mut out = Vec::new();
        let r = split_items(Trickle(text.as_bytes(), step), cap, &mut |b| {
            out.push(String::from_utf8(b).unwrap())
        });
        (out, r)
    }

    const SNAPSHOT: &str = r#" {"fileVersion":"1.0","configSnapshotId":"a\"b",
        "configurationItems" : [ {"resourceId":"a","configuration":{"x":[1,{"y":"}]\\\""}],"n":-1.5e3}},
        {"resourceId":"b\\","tags":{}} ,[],"s",7,null ], "after": {"k": [true, false]} } "#;

    #[test]
    fn splits_snapshot_items_exactly_at_every_block_boundary() {
        let want = [
            r#"{"resourceId":"a","configuration":{"x":[1,{"y":"}]\\\""}],"n":-1.5e3}}"#,
            r#"{"resourceId":"b\\","tags":{}}"#,
            "[]",
            r#""s""#,
            "7",
            "null",
        ];
        for step in [1, 2, 3, 7, 64, 1 << 20] {
            let (items, r) = split(SNAPSHOT, step, 1 << 20);
            assert_eq!(r, Ok(()), "step {step}");
            assert_eq!(items, want, "step {step}");
        }
    }

    #[test]
    fn splits_a_bare_list_and_an_empty_one() {
        assert_eq!(
            split(r#"[{"a":1},{"b":2}]"#, 3, 1024).0,
            [r#"{"a":1}"#, r#"{"b":2}"#]
        );
        assert_eq!(split(" [ ] ", 1, 1024), (vec![], Ok(())));
        assert_eq!(
            split(r#"{"configurationItems":[]}"#, 5, 1024),
            (vec![], Ok(()))
        );
    }

    #[test]
    fn hands_back_what_it_is_not_sure_of_with_the_count_handed_out() {
        let fallback = |text: &str| split(text, 4, 64).1.unwrap_err().emitted;
        // One item, or an event wrapping one.
        assert_eq!(fallback(r#"{"resourceId":"a","configuration":{}}"#), 0);
        // Broken after two items: a truncated file, a missing comma, unbalanced brackets.
        assert_eq!(
            fallback(r#"{"configurationItems":[{"a":1},{"b":2},{"c":"#),
            2
        );
        assert_eq!(fallback(r#"[{"a":1},{"b":2} {"c":3}]"#), 2);
        assert_eq!(fallback(r#"[{"a":1},{"b":2},{"c":[3}]"#), 2);
        assert_eq!(fallback(r#"[{"a":1},]"#), 1);
        // Trailing text, broken metadata, an escaped key, items not a list.
        assert_eq!(fallback(r#"[{"a":1}] x"#), 1);
        assert_eq!(
            fallback(r#"{"fileVersion":tru,"configurationItems":[]}"#),
            0
        );
        assert_eq!(fallback(r#"{"configuration\u0049tems":[{"a":1}]}"#), 0);
        assert_eq!(fallback(r#"{"configurationItems":{"a":1}}"#), 0);
        assert_eq!(fallback("\u{feff}[]"), 0);
        assert_eq!(fallback(""), 0);
        // An item over the cap (64 bytes here).
        let big = format!(r#"[{{"a":1}},{{"s":"{}"}}]"#, "x".repeat(100));
        assert_eq!(fallback(&big), 1);
        // Deeper than serde_json reads.
        let deep = format!("[{}{}]", "[".repeat(200), "]".repeat(200));
        assert_eq!(split(&deep, 4096, 1 << 20).1, Err(Fallback { emitted: 0 }));
    }

    #[test]
    fn a_read_error_is_handed_back() {
        struct Failing;
        impl Read for Failing {
            fn read(&mut self, _: &mut [u8]) -> std::io::Result<usize> {
                Err(std::io::Error::other("disk"))
            }
        }
        assert_eq!(
            split_items(Failing, 1024, &mut |_| {}),
            Err(Fallback { emitted: 0 })
        );
    }
}
