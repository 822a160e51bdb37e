// SPDX-License-Identifier: GPL-2.0

//! Renders metric families into a fixed buffer.
//!
//! Overflow contract: a family (HELP, TYPE and all its samples) is written
//! whole or not at all. When one does not fit, the writer rolls back to the
//! end of the previous family, writes nothing more, and [`Writer::finish`]
//! reports [`Truncated`]. The committed bytes are always complete lines of
//! valid exposition text; nothing is ever written past the buffer.

use super::desc::{ConstFamily, Family, LabelName, MetricType, Series};
use super::metric::{Counter, Gauge, Histogram, HistogramSnapshot, LeBlock, LE_BLOCK_CAPACITY};
use super::number::{self, Value, NUMBER_CAPACITY};

/// The value at the end of a sample line.
#[derive(Clone, Copy)]
enum Tail {
    Value(Value),
    /// `magnitude / 10^scale` (a histogram's sum).
    Fixed(u64, u32),
}

impl Tail {
    /// Writes `prefix`, the value and a newline into `out`; returns the
    /// length.
    #[inline(always)]
    fn write(self, out: &mut [u8; NUMBER_CAPACITY], prefix: &[u8]) -> usize {
        match self {
            Tail::Value(v) => number::write_tail(out, prefix, v),
            Tail::Fixed(m, scale) => number::write_tail_fixed(out, prefix, m, scale),
        }
    }
}

/// One label: a compile-time checked name and a value (escaped on output).
pub type Label<'v> = (LabelName, &'v str);

/// The output did not fit; `written` bytes of whole families are valid.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Truncated {
    /// Bytes of complete families in the buffer.
    pub written: usize,
}

/// Where one value of a recorded page goes ([`Writer::recording`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Cut {
    /// Offset in the page's text without its values where the value is
    /// written (or where a sample without a value ends).
    pub at: u16,
    /// How the value is written.
    pub slot: Slot,
    /// What gave it: the address of its series, family, constant family,
    /// or its histogram's family and bounds. A replay whose page gives
    /// anything else at this point stops ([`Writer::replaying`]).
    pub id: usize,
}

/// How a recorded value is written (a replay keeps its bits as a `u64`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Slot {
    /// No value: a constant family or a header alone, only checked.
    #[default]
    Mark,
    /// [`Value::Unsigned`].
    Unsigned,
    /// [`Value::Signed`].
    Signed,
    /// [`Value::Fixed`] of this scale.
    Fixed(u32),
    /// A histogram's sum: a magnitude of this scale.
    Sum(u32),
}

/// A recorded page: its text without the values, and where they go.
#[derive(Clone, Copy)]
pub struct Template<'t> {
    /// The page's text, every value cut out.
    pub text: &'t [u8],
    /// Each value's place, in order.
    pub cuts: &'t [Cut],
}

/// What a writer does with the samples it is given.
enum Mode<'b> {
    /// Renders them (every writer but the two below).
    Render,
    /// Renders them and notes in `cuts` where each value is and what
    /// gave it; `failed` if the page cannot be replayed.
    Record {
        cuts: &'b mut [Cut],
        len: usize,
        failed: bool,
    },
    /// Keeps their values in `values` (`next` is the next one), checked
    /// against `template`'s cuts, for [`Writer::finish_replay`]; `failed`
    /// on a mismatch.
    Replay {
        template: Template<'b>,
        values: &'b mut [u64],
        next: usize,
        failed: bool,
    },
}

/// Writes exposition text into a caller-provided buffer.
pub struct Writer<'b> {
    buf: &'b mut [u8],
    /// End of the last complete family.
    committed: usize,
    /// End of the family being written.
    cursor: usize,
    /// The family being written did not fit.
    overflow: bool,
    /// A family was dropped; nothing more is written.
    truncated: bool,
    /// Bytes the output may use (`buf.len()`, or less for a bounded page).
    limit: usize,
    /// Bytes kept back for [`Writer::finish_bounded`]'s self-metric.
    reserve: usize,
    /// A bounded page: drop whole samples, not whole families.
    bounded: bool,
    /// Rendering, recording or replaying. A recording or replaying writer
    /// is marked `truncated`, so that every sample takes the methods'
    /// early exit, where the `replay_*` and `record_*` methods handle it:
    /// a render pays nothing for them.
    mode: Mode<'b>,
}

impl<'b> Writer<'b> {
    /// A writer over `buf` (e.g. the PAGE_SIZE sysfs buffer).
    pub fn new(buf: &'b mut [u8]) -> Self {
        let limit = buf.len();
        Writer {
            buf,
            committed: 0,
            cursor: 0,
            overflow: false,
            truncated: false,
            limit,
            reserve: 0,
            bounded: false,
            mode: Mode::Render,
        }
    }

    /// A writer for a sysfs `show()` page (`page` is the PAGE_SIZE buffer):
    /// it uses at most `page.len() - 1` bytes, since sysfs warns about and
    /// cuts a `show()` that returns PAGE_SIZE, and keeps `reserve` bytes of
    /// them for [`finish_bounded`](Self::finish_bounded). On overflow it
    /// drops whole samples (a histogram series is one sample) instead of
    /// whole families: every line kept is complete, and nothing after the
    /// first dropped sample is written. `reserve` is the self-metric's
    /// [`Family::max_page_len`] for its one sample.
    pub fn bounded(page: &'b mut [u8], reserve: usize) -> Self {
        let mut w = Writer::new(page);
        w.reserve = reserve;
        w.limit = w.buf.len().saturating_sub(1).saturating_sub(reserve);
        w.bounded = true;
        w
    }

    /// Ends a bounded page: counts a truncated render in `truncations`,
    /// then writes the self-metric `family` (a counter) with one sample,
    /// `series` (made at compile time with its labels, e.g. the device and
    /// the file), the value of `truncations`, into the reserved room, so
    /// it is served in every page. Returns the page length (below
    /// `page.len()`).
    ///
    /// The sample goes through [`each`](Self::each), the page's own
    /// labelled samples' path: a read runs no code for it alone.
    pub fn finish_bounded(
        &mut self,
        family: &Family,
        series: &Series,
        truncations: &Counter,
    ) -> usize {
        self.limit = self.buf.len().saturating_sub(1);
        self.reserve = 0;
        if !matches!(self.mode, Mode::Render) {
            // A recorded or replayed page: the sample goes the same way
            // (see `finish_recording` and `finish_replay`).
            self.each(family, core::array::from_ref(series), [truncations.get()]);
            return self.committed;
        }
        if self.truncated {
            truncations.inc();
        }
        let truncated = self.truncated;
        self.truncated = false;
        self.each(family, core::array::from_ref(series), [truncations.get()]);
        self.truncated |= truncated;
        self.committed
    }

    /// The bytes of complete families written so far.
    pub fn as_bytes(&self) -> &[u8] {
        self.buf.get(..self.committed).unwrap_or(&[])
    }

    /// Length of the complete families written so far.
    pub fn len(&self) -> usize {
        self.committed
    }

    /// Whether nothing was written.
    pub fn is_empty(&self) -> bool {
        self.committed == 0
    }

    /// Whether a family had to be dropped.
    pub fn is_truncated(&self) -> bool {
        self.truncated && matches!(self.mode, Mode::Render)
    }

    /// The length of valid output, or [`Truncated`] if a family was dropped.
    pub fn finish(&self) -> Result<usize, Truncated> {
        if self.is_truncated() {
            Err(Truncated {
                written: self.committed,
            })
        } else {
            Ok(self.committed)
        }
    }

    /// Writes one family: its HELP and TYPE lines, then the samples that
    /// `samples` adds. Rolled back whole if it does not fit.
    #[inline(always)]
    pub fn family(&mut self, family: &Family, samples: impl FnOnce(&mut FamilyWriter<'_, 'b>)) {
        if self.truncated {
            // Samples added by a closure (their labels may change) are
            // not recorded: such a page is always rendered.
            self.not_recordable();
            return;
        }
        let mut f = self.begin_family(family);
        samples(&mut f);
        let pending = f.header_pending;
        self.end_family(family, pending);
    }

    /// Starts writing `family` at the end of the last complete one.
    #[inline(always)]
    fn begin_family<'w>(&'w mut self, family: &'w Family) -> FamilyWriter<'w, 'b> {
        self.cursor = self.committed;
        self.overflow = false;
        FamilyWriter {
            w: self,
            family,
            header_pending: true,
        }
    }

    /// Ends the family begun by [`begin_family`](Self::begin_family):
    /// its header alone if no sample wrote it, then commits it, or drops
    /// it on overflow (a bounded page keeps the samples that fit).
    #[inline(always)]
    fn end_family(&mut self, family: &Family, header_pending: bool) {
        if header_pending && !self.overflow {
            self.put_header_alone(family);
        }
        if self.overflow {
            self.truncated = true;
            if self.bounded {
                // The samples that fit are whole lines: keep them.
                self.committed = self.cursor;
            }
        } else {
            self.committed = self.cursor;
        }
    }

    /// A counter family with a single unlabelled sample.
    #[inline(always)]
    pub fn counter(&mut self, family: &Family, counter: &Counter) {
        self.single(family, Value::Unsigned(counter.get()));
    }

    /// A gauge family with a single unlabelled sample.
    #[inline(always)]
    pub fn gauge(&mut self, family: &Family, value: impl Into<Value>) {
        self.single(family, value.into());
    }

    /// A family with one unlabelled sample: its compile-time block (HELP,
    /// TYPE and the name) and the value written in place after one bounds
    /// check when there is room for the longest line; otherwise, and for
    /// a histogram family or a block that did not fit at compile time,
    /// through [`family`](Self::family), which writes the same bytes.
    #[inline(always)]
    fn single(&mut self, family: &Family, value: Value) {
        if self.truncated {
            if let Mode::Replay { .. } = self.mode {
                let id = core::ptr::from_ref(family) as usize;
                let tail = plain_tail(family, value).map(|tail| (id, tail));
                self.replay_values(id, tail.into_iter());
            } else {
                self.record_single(family, value);
            }
            return;
        }
        let block_len = usize::from(family.block_len);
        let start = self.committed;
        if family.kind != MetricType::Histogram && block_len != 0 {
            let plain = counter_floor(family.kind, value);
            let tail = start.saturating_add(block_len);
            if let (Some(block), Some(rest)) = (
                family.block.get(..block_len),
                self.buf.get_mut(start..self.limit),
            ) {
                if let Some((head, out)) =
                    rest.split_at_mut_checked(block_len)
                        .and_then(|(head, rest)| {
                            Some((head, rest.first_chunk_mut::<NUMBER_CAPACITY>()?))
                        })
                {
                    copy_block(head, block);
                    let len = number::write_tail(out, b" ", plain);
                    self.committed = tail + len;
                    self.cursor = self.committed;
                    return;
                }
            }
        }
        self.family(family, |f| f.sample(&[], value));
    }

    /// A labelled family of `N` constant series ([`Series::each`]) and
    /// their values, in order: the bytes of [`family`](Self::family) with
    /// one [`FamilyWriter::series`] per value, without a closure (which the
    /// compiler may leave out of line, the writer's state then going
    /// through memory on every line).
    ///
    /// Unrolled for up to 16 series (a loop past them): each line's block
    /// is then a constant of the caller, its length and moves known at
    /// compile time, as in a hand-written renderer.
    #[inline(always)]
    pub fn each<const N: usize, V: Into<Value> + Copy>(
        &mut self,
        family: &Family,
        series: &[Series; N],
        values: [V; N],
    ) {
        if self.truncated {
            if let Mode::Replay { .. } = self.mode {
                let mark = core::ptr::from_ref(family) as usize;
                self.replay_values(mark, each_values(family, series, values));
            } else {
                self.record_each(family, series, values);
            }
            return;
        }
        let mut f = self.begin_family(family);
        macro_rules! unrolled {
            ($($i:literal)*) => {
                $(
                    if let (Some(s), Some(v)) = (series.get($i), values.get($i)) {
                        f.series(s, *v);
                    }
                )*
            };
        }
        unrolled!(0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15);
        if N > 16 {
            for (s, v) in series.iter().zip(values).skip(16) {
                f.series(s, v);
            }
        }
        let pending = f.header_pending;
        self.end_family(family, pending);
    }

    /// A family whose text is constant ([`ConstFamily`]: made at compile
    /// time), copied whole after one bounds check. Like any family it is
    /// written whole or not at all (a bounded page drops it whole too).
    #[inline(always)]
    pub fn constant(&mut self, family: &ConstFamily) {
        if self.truncated {
            if let Mode::Replay { .. } = self.mode {
                self.replay_push(core::ptr::from_ref(family) as usize, Slot::Mark, 0);
            } else {
                self.record_constant(family);
            }
            return;
        }
        let text = family.as_bytes();
        let start = self.committed;
        let end = start.saturating_add(text.len());
        match self.buf.get_mut(start..end) {
            Some(dst) if end <= self.limit => {
                copy(dst, text);
                self.committed = end;
                self.cursor = end;
            }
            _ => self.truncated = true,
        }
    }

    /// A gauge family with a single unlabelled sample read from `gauge`.
    #[inline(always)]
    pub fn gauge_cell(&mut self, family: &Family, gauge: &Gauge) {
        self.gauge(family, gauge.get());
    }

    /// A histogram family with a single unlabelled series.
    #[inline(always)]
    pub fn histogram<const N: usize>(&mut self, family: &Family, histogram: &Histogram<N>) {
        let snapshot = histogram.snapshot();
        if self.truncated {
            if let Mode::Replay { .. } = self.mode {
                let id = histogram_id(family, &snapshot);
                self.replay_values(id, histogram_values(family, &snapshot));
            } else {
                self.record_histogram(family, histogram, &snapshot);
            }
            return;
        }
        let mut f = self.begin_family(family);
        f.histogram_series(&[], &snapshot, Some(histogram.le_blocks()));
        let pending = f.header_pending;
        self.end_family(family, pending);
    }

    /// Copies `bytes` at the cursor: one bounds check. A piece that does
    /// not fit marks the family as overflowing (it is then rolled back).
    #[inline(always)]
    fn put(&mut self, bytes: &[u8]) {
        let end = self.cursor.saturating_add(bytes.len());
        if end > self.limit {
            self.overflow = true;
            return;
        }
        match self.buf.get_mut(self.cursor..end) {
            Some(dst) => {
                copy(dst, bytes);
                self.cursor = end;
            }
            None => self.overflow = true,
        }
    }

    /// Writes a whole sample line: `pieces` (the name, the labels), then
    /// `prefix`, the value and a newline, in place after one bounds check
    /// when there is room for the pieces and the longest tail; else piece
    /// by piece ([`put`](Self::put), [`put_tail`](Self::put_tail)), which
    /// writes the same bytes or marks the overflow.
    #[inline(always)]
    fn put_line<const K: usize>(&mut self, pieces: [&[u8]; K], prefix: &[u8], value: Tail) {
        let len = pieces.iter().fold(0usize, |n, p| n.saturating_add(p.len()));
        let start = self.cursor;
        let room = self
            .buf
            .get_mut(start..self.limit)
            .and_then(|rest| rest.get_mut(..len.saturating_add(NUMBER_CAPACITY)));
        match room {
            Some(room) => {
                let (head, rest) = room.split_at_mut(len);
                let mut at = 0;
                for piece in pieces {
                    let end = at + piece.len();
                    if let Some(dst) = head.get_mut(at..end) {
                        copy(dst, piece);
                    }
                    at = end;
                }
                if let Some(out) = rest.first_chunk_mut::<NUMBER_CAPACITY>() {
                    self.cursor = start + len + value.write(out, prefix);
                }
            }
            None => self.put_line_near_the_end(&pieces, prefix, value),
        }
    }

    /// An unlabelled `_bucket` line: `name`, the bucket's `le` block (the
    /// whole fixed-size block in one move; the line goes on after its
    /// text) and the count, after one bounds check; else piece by piece.
    #[inline(always)]
    fn put_bucket_line(&mut self, name: &[u8], le: &LeBlock, count: u64) {
        let (whole, used) = le.whole();
        let start = self.cursor;
        let need = name
            .len()
            .saturating_add(LE_BLOCK_CAPACITY + NUMBER_CAPACITY);
        let room = self
            .buf
            .get_mut(start..self.limit)
            .and_then(|rest| rest.get_mut(..need));
        let value = Tail::Value(Value::Unsigned(count));
        match room {
            Some(room) => {
                let (head, rest) = room.split_at_mut(name.len());
                copy(head, name);
                if let Some(dst) = rest.first_chunk_mut::<LE_BLOCK_CAPACITY>() {
                    *dst = *whole;
                }
                if let Some(out) = rest
                    .get_mut(used..)
                    .and_then(|rest| rest.first_chunk_mut::<NUMBER_CAPACITY>())
                {
                    let tail = number::write_tail(out, b" ", Value::Unsigned(count));
                    self.cursor = start + name.len() + used + tail;
                }
            }
            None => self.put_line_near_the_end(&[name, le.as_bytes()], b" ", value),
        }
    }

    #[cold]
    fn put_line_near_the_end(&mut self, pieces: &[&[u8]], prefix: &[u8], value: Tail) {
        for piece in pieces {
            self.put(piece);
        }
        self.put_tail(prefix, value);
    }

    /// Writes the end of a sample line (`prefix`, the value, a newline) in
    /// place when there is room for the longest one (one bounds check),
    /// else through the stack.
    #[inline(always)]
    fn put_tail(&mut self, prefix: &[u8], value: Tail) {
        let room = self
            .buf
            .get_mut(self.cursor..self.limit)
            .and_then(|rest| rest.first_chunk_mut::<NUMBER_CAPACITY>());
        match room {
            Some(out) => self.cursor += value.write(out, prefix),
            None => self.put_tail_near_the_end(prefix, value),
        }
    }

    #[cold]
    fn put_tail_near_the_end(&mut self, prefix: &[u8], value: Tail) {
        let text = match value {
            Tail::Value(v) => number::line_tail(prefix, v),
            Tail::Fixed(m, scale) => number::line_tail_fixed(prefix, m, scale),
        };
        self.put(text.as_bytes());
    }

    /// A family without a sample: the header alone (taken back whole on
    /// overflow).
    #[cold]
    fn put_header_alone(&mut self, family: &Family) {
        let start = self.cursor;
        self.put_header(family);
        if self.overflow {
            self.cursor = start;
        }
    }

    /// The HELP and TYPE lines of `family`.
    fn put_header(&mut self, family: &Family) {
        match family.block.get(..usize::from(family.head_len)) {
            Some(head) if family.block_len != 0 => self.put(head),
            _ => self.put_header_pieces(family),
        }
    }

    /// The header of a family whose block did not fit at compile time.
    #[cold]
    fn put_header_pieces(&mut self, family: &Family) {
        self.put(b"# HELP ");
        self.put(family.name.as_bytes());
        self.put(b" ");
        if family.help_is_plain {
            self.put(family.help.as_bytes());
        } else {
            self.put_escaped(family.help.as_bytes(), false);
        }
        self.put(b"\n# TYPE ");
        self.put(family.name.as_bytes());
        self.put(b" ");
        self.put(family.kind.as_str().as_bytes());
        self.put(b"\n");
    }

    /// Escapes `\` and newline (HELP), plus `"` for label values.
    fn put_escaped(&mut self, bytes: &[u8], quote: bool) {
        if !bytes
            .iter()
            .any(|&c| c == b'\\' || c == b'\n' || (quote && c == b'"'))
        {
            self.put(bytes);
            return;
        }
        let mut start = 0;
        for (i, &c) in bytes.iter().enumerate() {
            let escape: &[u8] = match c {
                b'\\' => b"\\\\",
                b'\n' => b"\\n",
                b'"' if quote => b"\\\"",
                _ => continue,
            };
            self.put(bytes.get(start..i).unwrap_or(&[]));
            self.put(escape);
            start = i + 1;
        }
        self.put(bytes.get(start..).unwrap_or(&[]));
    }

    /// `name="value"` pairs separated by commas, without the braces.
    fn put_label_pairs(&mut self, labels: &[Label<'_>]) {
        for (i, (name, value)) in labels.iter().enumerate() {
            if i > 0 {
                self.put(b"\",");
            }
            self.put(name.as_str().as_bytes());
            self.put(b"=\"");
            self.put_escaped(value.as_bytes(), true);
        }
    }
}

/// Recorded pages: a page whose families, series and histograms are the
/// same on every read differs only in its values. [`Writer::recording`]
/// renders it once and keeps its text without the values and where each
/// goes ([`Template`]). [`Writer::replaying`] then takes a read's values
/// where the page gives them, each checked against what gave it when the
/// page was recorded (no text is written then), and
/// [`Writer::finish_replay`] writes the text and the values in one loop:
/// a read runs no rendering code per sample. It gives `None` if the page
/// gave anything else than what was recorded, or would not fit; the
/// caller then renders the page. The bytes are those a render writes with
/// the same values (the host's page tests check it on every page of every
/// device).
impl<'b> Writer<'b> {
    /// A bounded writer (as [`bounded`](Self::bounded)) over `page` that
    /// records the page written to it, noting each value's place in
    /// `cuts`; [`finish_recording`](Self::finish_recording) gives the
    /// template.
    pub fn recording(page: &'b mut [u8], reserve: usize, cuts: &'b mut [Cut]) -> Self {
        let mut w = Writer::bounded(page, reserve);
        w.mode = Mode::Record {
            cuts,
            len: 0,
            failed: false,
        };
        w.truncated = true;
        w
    }

    /// A bounded writer over `page` that writes `template` with the
    /// values the page gives, kept in `values` (room for one per cut)
    /// until [`finish_replay`](Self::finish_replay).
    pub fn replaying(
        page: &'b mut [u8],
        reserve: usize,
        template: Template<'b>,
        values: &'b mut [u64],
    ) -> Self {
        let mut w = Writer::bounded(page, reserve);
        w.mode = Mode::Replay {
            template,
            values,
            next: 0,
            failed: false,
        };
        w.truncated = true;
        w
    }

    /// Ends a recording: cuts the values out of the recorded page, which
    /// leaves its text at the start of the page, and returns the text's
    /// length and the number of cuts; `None` if the page cannot be
    /// replayed (a family added by a closure, a page cut short, a value
    /// not found where the writer wrote it, no room for the cuts).
    pub fn finish_recording(&mut self) -> Option<(usize, usize)> {
        let Mode::Record { cuts, len, failed } = &mut self.mode else {
            return None;
        };
        if *failed {
            return None;
        }
        let cuts = cuts.get_mut(..*len)?;
        let (mut to, mut from) = (0usize, 0usize);
        for cut in cuts.iter_mut() {
            let at = usize::from(cut.at);
            let kept = at.checked_sub(from)?;
            self.buf.copy_within(from..at, to);
            to += kept;
            from = at;
            if cut.slot != Slot::Mark {
                // The value runs to the end of its line.
                from += self
                    .buf
                    .get(at..self.committed)?
                    .iter()
                    .position(|&c| c == b'\n')?;
            }
            cut.at = u16::try_from(to).ok()?;
        }
        let rest = self.committed.checked_sub(from)?;
        self.buf.copy_within(from..self.committed, to);
        Some((to + rest, cuts.len()))
    }

    /// Ends a replay: writes the text and the values, and returns the
    /// page's length; `None` if the page differs from the recorded one or
    /// does not fit (render it then).
    pub fn finish_replay(&mut self) -> Option<usize> {
        let Writer {
            buf, limit, mode, ..
        } = self;
        let Mode::Replay {
            template,
            values,
            next,
            failed,
        } = mode
        else {
            return None;
        };
        if *failed || *next != template.cuts.len() {
            return None;
        }
        let (mut at, mut from) = (0usize, 0usize);
        for (cut, &raw) in template.cuts.iter().zip(values.iter()) {
            let to = usize::from(cut.at);
            let text = template.text.get(from..to)?;
            let out = buf
                .get_mut(at..)?
                .get_mut(..text.len().checked_add(NUMBER_CAPACITY)?)?;
            let (head, rest) = out.split_at_mut(text.len());
            head.copy_from_slice(text);
            at += text.len();
            from = to;
            let rest = rest.first_chunk_mut::<NUMBER_CAPACITY>()?;
            // The value's digits (the tail's newline is the next text's).
            if let Some(tail) = tail_of(cut.slot, raw) {
                at += tail.write(rest, b"") - 1;
            }
        }
        let text = template.text.get(from..)?;
        let end = at.checked_add(text.len())?;
        if end > *limit {
            return None;
        }
        buf.get_mut(at..end)?.copy_from_slice(text);
        self.committed = end;
        Some(end)
    }

    /// Takes the next value of a replay (`raw`, given by `id` as `slot`),
    /// after checking that the recorded page took one from `id` as `slot`
    /// there.
    #[inline(always)]
    fn replay_push(&mut self, id: usize, slot: Slot, raw: u64) {
        if let Mode::Replay {
            template,
            values,
            next,
            failed,
        } = &mut self.mode
        {
            match (template.cuts.get(*next), values.get_mut(*next)) {
                (Some(cut), Some(value)) if cut.id == id && cut.slot == slot => {
                    *value = raw;
                    *next += 1;
                }
                _ => *failed = true,
            }
        }
    }

    /// Takes one call's `values` in a replay (each with what gives it:
    /// [`each_values`], [`histogram_values`]), or its mark `mark` if it
    /// writes none (a header alone).
    #[inline(always)]
    fn replay_values(&mut self, mark: usize, values: impl Iterator<Item = (usize, Tail)>) {
        let mut any = false;
        for (id, tail) in values {
            let (slot, raw) = slot_of(tail);
            self.replay_push(id, slot, raw);
            any = true;
        }
        if !any {
            self.replay_push(mark, Slot::Mark, 0);
        }
    }

    /// `family` (a closure's samples) while recording or replaying: the
    /// page is not recorded, the replay stops.
    #[cold]
    #[inline(never)]
    fn not_recordable(&mut self) {
        match &mut self.mode {
            Mode::Render => {}
            Mode::Record { failed, .. } | Mode::Replay { failed, .. } => *failed = true,
        }
    }

    /// [`single`](Self::single) while recording (nothing when rendering:
    /// the page was cut short).
    #[cold]
    #[inline(never)]
    fn record_single(&mut self, family: &Family, value: Value) {
        if let Mode::Record { .. } = self.mode {
            let id = core::ptr::from_ref(family) as usize;
            let start = self.record_begin();
            self.single(family, value);
            let tail = plain_tail(family, value).map(|tail| (id, tail));
            self.record_end(start, id, &mut tail.into_iter());
        }
    }

    /// [`each`](Self::each) while recording.
    #[cold]
    #[inline(never)]
    fn record_each<const N: usize, V: Into<Value> + Copy>(
        &mut self,
        family: &Family,
        series: &[Series; N],
        values: [V; N],
    ) {
        if let Mode::Record { .. } = self.mode {
            let start = self.record_begin();
            self.each(family, series, values);
            let mark = core::ptr::from_ref(family) as usize;
            self.record_end(start, mark, &mut each_values(family, series, values));
        }
    }

    /// [`constant`](Self::constant) while recording: a mark after its
    /// text (its lines' numbers are text).
    #[cold]
    #[inline(never)]
    fn record_constant(&mut self, family: &ConstFamily) {
        if let Mode::Record { .. } = self.mode {
            self.record_begin();
            self.constant(family);
            let cut_short = core::mem::replace(&mut self.truncated, true);
            let id = core::ptr::from_ref(family) as usize;
            if cut_short || !self.record_cut(id, Slot::Mark, self.committed) {
                self.not_recordable();
            }
        }
    }

    /// [`histogram`](Self::histogram) while recording.
    #[cold]
    #[inline(never)]
    fn record_histogram<const N: usize>(
        &mut self,
        family: &Family,
        histogram: &Histogram<N>,
        s: &HistogramSnapshot<N>,
    ) {
        if let Mode::Record { .. } = self.mode {
            let start = self.record_begin();
            self.histogram(family, histogram);
            let id = histogram_id(family, s);
            self.record_end(start, id, &mut histogram_values(family, s));
        }
    }

    /// Renders the next sample of a recording: where it starts.
    fn record_begin(&mut self) -> usize {
        self.truncated = false;
        self.committed
    }

    /// Ends a sample rendered since `start`: notes where each of its
    /// lines' values is (after the line's last space), with what gives it
    /// and its slot, from `values` in order (the same [`each_values`] and
    /// [`histogram_values`] a replay takes), or a mark of `mark` after a sample
    /// without a value (a header alone), so that a replay checks every
    /// call; the recording fails if the sample was cut short or its lines
    /// and `values` differ in number.
    fn record_end(
        &mut self,
        start: usize,
        mark: usize,
        values: &mut dyn Iterator<Item = (usize, Tail)>,
    ) {
        let cut_short = self.truncated;
        self.truncated = true;
        let mut ok = !cut_short;
        let mut found = 0;
        let mut line = start;
        while ok && line < self.committed {
            let Some(end) = self
                .buf
                .get(line..self.committed)
                .and_then(|rest| rest.iter().position(|&c| c == b'\n'))
                .map(|n| line + n)
            else {
                ok = false;
                break;
            };
            if self.buf.get(line) != Some(&b'#') {
                let space = self
                    .buf
                    .get(line..end)
                    .and_then(|l| l.iter().rposition(|&c| c == b' '));
                match (space, values.next()) {
                    (Some(space), Some((id, tail))) => {
                        ok = self.record_cut(id, slot_of(tail).0, line + space + 1);
                        found += 1;
                    }
                    _ => ok = false,
                }
            }
            line = end + 1;
        }
        if values.next().is_some() {
            ok = false;
        }
        if ok && found == 0 {
            ok = self.record_cut(mark, Slot::Mark, self.committed);
        }
        if !ok {
            self.not_recordable();
        }
    }

    /// Notes a cut at `at` of the recorded page; false if there is no
    /// room for it.
    fn record_cut(&mut self, id: usize, slot: Slot, at: usize) -> bool {
        let Mode::Record { cuts, len, failed } = &mut self.mode else {
            return false;
        };
        match (cuts.get_mut(*len), u16::try_from(at)) {
            (Some(cut), Ok(at)) => {
                *cut = Cut { at, slot, id };
                *len += 1;
                true
            }
            _ => {
                *failed = true;
                false
            }
        }
    }
}

/// The tail a plain sample of `family` writes for `value` (a counter's
/// negative value as 0); `None` for a histogram family, which writes no
/// plain sample.
#[inline(always)]
fn plain_tail(family: &Family, value: Value) -> Option<Tail> {
    (family.kind != MetricType::Histogram).then(|| Tail::Value(counter_floor(family.kind, value)))
}

/// How a replay keeps `tail`: its slot and its bits.
#[inline(always)]
fn slot_of(tail: Tail) -> (Slot, u64) {
    match tail {
        Tail::Value(Value::Unsigned(v)) => (Slot::Unsigned, v),
        Tail::Value(Value::Signed(v)) => (Slot::Signed, v as u64),
        Tail::Value(Value::Fixed { raw, scale }) => (Slot::Fixed(scale), raw as u64),
        Tail::Fixed(magnitude, scale) => (Slot::Sum(scale), magnitude),
    }
}

/// The value [`Writer::finish_replay`] writes for `raw` kept as `slot`
/// (the inverse of [`slot_of`]); `None` for a mark.
#[inline(always)]
fn tail_of(slot: Slot, raw: u64) -> Option<Tail> {
    Some(match slot {
        Slot::Mark => return None,
        Slot::Unsigned => Tail::Value(Value::Unsigned(raw)),
        Slot::Signed => Tail::Value(Value::Signed(raw as i64)),
        Slot::Fixed(scale) => Tail::Value(Value::Fixed {
            raw: raw as i64,
            scale,
        }),
        Slot::Sum(scale) => Tail::Fixed(raw, scale),
    })
}

/// The values [`Writer::each`] writes, in order, each with the series
/// that gives it: the series of the family, unless it is a histogram
/// family (which writes no plain sample). Recording and replaying take
/// the values of a call from here alone.
#[inline(always)]
fn each_values<'a, const N: usize, V: Into<Value> + Copy + 'a>(
    family: &'a Family,
    series: &'a [Series; N],
    values: [V; N],
) -> impl Iterator<Item = (usize, Tail)> + 'a {
    series
        .iter()
        .zip(values)
        .filter(move |(s, _)| s.family == family.name_hash)
        .filter_map(move |(s, v)| {
            Some((
                core::ptr::from_ref(s) as usize,
                plain_tail(family, v.into())?,
            ))
        })
}

/// The values [`Writer::histogram`] writes, in its lines' order (the
/// buckets, `+Inf`, the sum, the count), each with its family and
/// buckets; none if `family` is not a histogram family.
#[inline(always)]
fn histogram_values<'s, const N: usize>(
    family: &Family,
    s: &'s HistogramSnapshot<N>,
) -> impl Iterator<Item = (usize, Tail)> + 's {
    let id = histogram_id(family, s);
    let lines = if family.kind == MetricType::Histogram {
        N + 3
    } else {
        0
    };
    s.cumulative
        .iter()
        .map(|&c| Tail::Value(Value::Unsigned(c)))
        .chain([
            Tail::Value(Value::Unsigned(s.count)),
            Tail::Fixed(s.sum, s.scale),
            Tail::Value(Value::Unsigned(s.count)),
        ])
        .take(lines)
        .map(move |tail| (id, tail))
}

/// What gives a histogram's values: its text is its family's and its
/// buckets' (the bounds and their scale), whatever cell holds the counts.
#[inline(always)]
fn histogram_id<const N: usize>(family: &Family, s: &HistogramSnapshot<N>) -> usize {
    (core::ptr::from_ref(family) as usize).rotate_left(1)
        ^ core::ptr::from_ref(s.bounds) as usize
        ^ s.scale as usize
}

/// The first `K` bytes of `src` into `dst` (both longer).
#[inline(always)]
fn first<const K: usize>(dst: &mut [u8], src: &[u8]) {
    if let (Some(d), Some(s)) = (dst.first_chunk_mut::<K>(), src.first_chunk::<K>()) {
        *d = *s;
    }
}

/// The last `K` bytes of `src` into `dst` (of the same length).
#[inline(always)]
fn last<const K: usize>(dst: &mut [u8], src: &[u8]) {
    if let (Some(d), Some(s)) = (dst.last_chunk_mut::<K>(), src.last_chunk::<K>()) {
        *d = *s;
    }
}

/// How a piece of `K` to `2K - 1` bytes is copied with fixed-size moves.
trait Moves {
    fn copy<const K: usize>(dst: &mut [u8], src: &[u8]);
}

/// Copies `src` into `dst` (of the same length): past 256 bytes `memcpy`,
/// below 4 bytes one by one, otherwise `M`'s moves for the largest K of 4,
/// 8, 16, 32, 64 or 128 that fits, which the compiler inlines instead of
/// calling `memcpy` for every piece of a few bytes.
#[inline(always)]
fn copy_with<M: Moves>(dst: &mut [u8], src: &[u8]) {
    let n = src.len();
    if n != dst.len() {
        return;
    }
    if n > 256 {
        dst.copy_from_slice(src);
    } else if n >= 128 {
        M::copy::<128>(dst, src);
    } else if n >= 64 {
        M::copy::<64>(dst, src);
    } else if n >= 32 {
        M::copy::<32>(dst, src);
    } else if n >= 16 {
        M::copy::<16>(dst, src);
    } else if n >= 8 {
        M::copy::<8>(dst, src);
    } else if n >= 4 {
        M::copy::<4>(dst, src);
    } else {
        for (d, s) in dst.iter_mut().zip(src) {
            *d = *s;
        }
    }
}

/// The first and the last K bytes (overlapping): two moves whatever the
/// length, for pieces whose length is known only at run time.
struct FirstAndLast;

impl Moves for FirstAndLast {
    #[inline(always)]
    fn copy<const K: usize>(dst: &mut [u8], src: &[u8]) {
        first::<K>(dst, src);
        last::<K>(dst, src);
    }
}

/// The first K bytes, then the rest as the smallest last chunk that covers
/// it: for a length known at compile time (a const family's block) the
/// branches fold away and 154 bytes are 128 + 32 rather than 128 + 128.
/// (With a length known only at run time its extra branches cost more
/// than they save.)
struct HeadAndRest;

impl Moves for HeadAndRest {
    #[inline(always)]
    fn copy<const K: usize>(dst: &mut [u8], src: &[u8]) {
        first::<K>(dst, src);
        let rest = src.len() - K;
        if rest == 0 {
        } else if rest <= 4 && K >= 4 {
            last::<4>(dst, src);
        } else if rest <= 8 && K >= 8 {
            last::<8>(dst, src);
        } else if rest <= 16 && K >= 16 {
            last::<16>(dst, src);
        } else if rest <= 32 && K >= 32 {
            last::<32>(dst, src);
        } else if rest <= 64 && K >= 64 {
            last::<64>(dst, src);
        } else {
            last::<K>(dst, src);
        }
    }
}

/// Copies a piece whose length is known only at run time.
#[inline(always)]
fn copy(dst: &mut [u8], src: &[u8]) {
    copy_with::<FirstAndLast>(dst, src);
}

/// Copies a piece whose length is known at compile time.
#[inline(always)]
fn copy_block(dst: &mut [u8], src: &[u8]) {
    copy_with::<HeadAndRest>(dst, src);
}

/// The value a sample of a `kind` family writes: a negative value of a
/// counter is written as 0 (counters cannot go below zero).
#[inline(always)]
fn counter_floor(kind: MetricType, value: Value) -> Value {
    match (kind, value) {
        (MetricType::Counter, Value::Signed(v)) if v < 0 => Value::Unsigned(0),
        (MetricType::Counter, Value::Fixed { raw, .. }) if raw < 0 => Value::Unsigned(0),
        (_, v) => v,
    }
}

/// Adds samples to the family being written by [`Writer::family`].
pub struct FamilyWriter<'w, 'b> {
    w: &'w mut Writer<'b>,
    family: &'w Family,
    /// The header is written with the first sample line, in one piece.
    header_pending: bool,
}

impl<'w> FamilyWriter<'w, '_> {
    /// The start of a sample line, to be written next: the metric name,
    /// after the family's header on the first line (one piece with it when
    /// the block fits; else the header is written here, piece by piece).
    #[inline(always)]
    fn name_piece(&mut self) -> &'w [u8] {
        let f: &'w Family = self.family;
        let pending = core::mem::replace(&mut self.header_pending, false);
        let from = if pending { 0 } else { usize::from(f.head_len) };
        match f.block.get(from..usize::from(f.block_len)) {
            Some(piece) if f.block_len != 0 => piece,
            _ => {
                if pending {
                    self.w.put_header_pieces(f);
                }
                f.name.as_bytes()
            }
        }
    }

    /// The start of a sample line: the metric name, after the family's
    /// header on the first line (one piece when the block fits).
    #[inline(always)]
    fn put_name(&mut self) {
        let name = self.name_piece();
        self.w.put(name);
    }

    /// The labels and the value of a line whose name (and suffix) is
    /// written: `{labels} value\n` or ` value\n`.
    #[inline(always)]
    fn put_labels_and_value(&mut self, labels: &[Label<'_>], value: Tail) {
        if labels.is_empty() {
            self.w.put_tail(b" ", value);
        } else {
            self.w.put(b"{");
            self.w.put_label_pairs(labels);
            self.w.put_tail(b"\"} ", value);
        }
    }

    /// One sample of a counter or gauge family. Counters take unsigned
    /// values; a negative value for a counter is written as 0 (counters
    /// cannot go below zero), a histogram family ignores plain samples.
    pub fn sample(&mut self, labels: &[Label<'_>], value: impl Into<Value>) {
        let Some(value) = self.plain_value(value.into()) else {
            return;
        };
        let Some(mark) = self.begin_unit() else {
            return;
        };
        self.put_name();
        self.put_labels_and_value(labels, Tail::Value(value));
        self.end_unit(mark);
    }

    /// Starts one sample (a line, or a histogram series): where it starts,
    /// or `None` after an overflow (nothing more is written in the
    /// family). See [`end_unit`](Self::end_unit).
    #[inline(always)]
    fn begin_unit(&self) -> Option<(usize, bool)> {
        (!self.w.overflow).then_some((self.w.cursor, self.header_pending))
    }

    /// Ends the sample begun at `mark`: on a bounded page a sample that
    /// did not fit is taken back whole.
    #[inline(always)]
    fn end_unit(&mut self, mark: (usize, bool)) {
        if self.w.overflow && self.w.bounded {
            (self.w.cursor, self.header_pending) = mark;
        }
    }

    /// One sample of `series` (made at compile time with its constant
    /// labels), as [`sample`](Self::sample) would write it: the series
    /// block in one piece, then the value. A series of another family is
    /// not written.
    #[inline(always)]
    pub fn series(&mut self, series: &Series, value: impl Into<Value>) {
        let Some(value) = self.plain_value(value.into()) else {
            return;
        };
        let f = self.family;
        if series.family != f.name_hash {
            return;
        }
        let Some(mark) = self.begin_unit() else {
            return;
        };
        let block = series.block.get(..usize::from(series.len)).unwrap_or(&[]);
        if self.header_pending {
            self.header_pending = false;
            match f.block.get(..usize::from(f.head_len)) {
                // The first line: the header and the line in one piece.
                Some(head) if f.block_len != 0 => {
                    self.w.put_line([head, block], b"", Tail::Value(value));
                }
                _ => {
                    self.w.put_header_pieces(f);
                    self.w.put_line([block], b"", Tail::Value(value));
                }
            }
        } else {
            self.w.put_line([block], b"", Tail::Value(value));
        }
        self.end_unit(mark);
    }

    /// The value a counter or gauge sample writes; `None` for a histogram.
    #[inline(always)]
    fn plain_value(&self, value: Value) -> Option<Value> {
        match self.family.kind {
            MetricType::Histogram => None,
            kind => Some(counter_floor(kind, value)),
        }
    }

    /// One series of a histogram family (ignored for other families).
    pub fn histogram<const N: usize>(&mut self, labels: &[Label<'_>], s: &HistogramSnapshot<N>) {
        self.histogram_series(labels, s, None);
    }

    /// A histogram series; `le` are the bucket label blocks made at compile
    /// time (made here when `None`).
    #[inline(always)]
    fn histogram_series<const N: usize>(
        &mut self,
        labels: &[Label<'_>],
        s: &HistogramSnapshot<N>,
        le: Option<&[LeBlock; N]>,
    ) {
        if self.family.kind != MetricType::Histogram {
            return;
        }
        let Some(mark) = self.begin_unit() else {
            return;
        };
        self.histogram_lines(labels, s, le);
        self.end_unit(mark);
    }

    #[inline(always)]
    fn histogram_lines<const N: usize>(
        &mut self,
        labels: &[Label<'_>],
        s: &HistogramSnapshot<N>,
        le: Option<&[LeBlock; N]>,
    ) {
        for (i, (&bound, &cumulative)) in s.bounds.iter().zip(s.cumulative.iter()).enumerate() {
            let made;
            let block = match le.and_then(|le| le.get(i)) {
                Some(block) => block,
                None => {
                    made = LeBlock::new(bound, s.scale);
                    &made
                }
            };
            self.bucket(labels, block, cumulative);
        }
        self.bucket(labels, &LeBlock::INF, s.count);
        if labels.is_empty() {
            let name = self.name_piece();
            self.w
                .put_line([name, b"_sum"], b" ", Tail::Fixed(s.sum, s.scale));
            let name = self.name_piece();
            self.w.put_line(
                [name, b"_count"],
                b" ",
                Tail::Value(Value::Unsigned(s.count)),
            );
            return;
        }
        self.put_name();
        self.w.put(b"_sum");
        self.put_labels_and_value(labels, Tail::Fixed(s.sum, s.scale));
        self.put_name();
        self.w.put(b"_count");
        self.put_labels_and_value(labels, Tail::Value(Value::Unsigned(s.count)));
    }

    /// One `_bucket` line; `le` is its `_bucket{le="bound"}`.
    #[inline(always)]
    fn bucket(&mut self, labels: &[Label<'_>], le: &LeBlock, count: u64) {
        if labels.is_empty() {
            let name = self.name_piece();
            self.w.put_bucket_line(name, le, count);
            return;
        }
        self.put_name();
        {
            let block = le.as_bytes();
            // `_bucket{` labels `",` `le="bound"}`
            let (open, le) = block.split_at(block.len().min(LeBlock::OPEN_LEN));
            self.w.put(open);
            self.w.put_label_pairs(labels);
            self.w.put(b"\",");
            self.w.put(le);
        }
        self.w.put_tail(b" ", Tail::Value(Value::Unsigned(count)));
    }
}
