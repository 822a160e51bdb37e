// SPDX-License-Identifier: GPL-2.0

//! KUnit helpers shared by the drivers' suites: the Prometheus files
//! rendered through the show path ([`render_page`]) into real pages.

use kernel::page::PAGE_SIZE;
use kernel::prelude::*;

use crate::hy300::class_device::{render_page, self_metric_len, FileStats, SelfMetric};
use crate::prometheus::Writer;

/// The self-metric's first line, where a page's body ends.
const SELF_METRIC: &[u8] = b"# HELP hy300_metrics_truncated_total ";

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Renders each of `files` (key, name, compile-time longest text) of
/// `device` with `render`, which must set every value at its widest,
/// through the show path into a page. Returns whether every page is within
/// its compile-time bound, below `PAGE_SIZE - 1`, whole (not cut short),
/// and ends with its self-metric at 0; logs each size.
pub fn worst_case_pages_fit<F: Copy>(
    device: &'static str,
    files: &[(F, &'static str, usize)],
    mut render: impl FnMut(F, &mut Writer<'_>),
) -> Result<bool> {
    let mut page = KVec::from_elem(0u8, PAGE_SIZE, GFP_KERNEL)?;
    let mut ok = true;
    for &(key, file, max) in files {
        let stats = FileStats::new();
        let metric = SelfMetric::new(device, file);
        let len = render_page(&mut page, &metric, &stats, |w| render(key, w));
        let text = page.get(..len).ok_or(EINVAL)?;
        let body = find(text, SELF_METRIC).unwrap_or(len);
        let mut tail = KVec::new();
        tail.extend_from_slice(b"hy300_metrics_truncated_total{device=\"", GFP_KERNEL)?;
        tail.extend_from_slice(device.as_bytes(), GFP_KERNEL)?;
        tail.extend_from_slice(b"\",file=\"", GFP_KERNEL)?;
        tail.extend_from_slice(file.as_bytes(), GFP_KERNEL)?;
        tail.extend_from_slice(b"\"} 0\n", GFP_KERNEL)?;
        let fits = body <= max
            && len <= max + self_metric_len(device, file)
            && len < PAGE_SIZE - 1
            && stats.truncations() == 0
            && text.ends_with(&tail);
        if !fits || file == "metrics" {
            pr_info!(
                "{device}/{file} worst case: {body} bytes (compile-time bound {max}), {len} with the self-metric, page {PAGE_SIZE}: {}\n",
                if fits { "ok" } else { "FAIL" }
            );
        }
        ok &= fits;
    }
    Ok(ok)
}

/// Renders `file` of `device` into every page size from 0 to where it is
/// no longer cut (a forced truncation: the bound is the size - 1, less the
/// self-metric's reserve). Returns whether every page holds whole lines of
/// the whole page then the self-metric with the count so far, is below its
/// size, and is counted exactly when it is cut short, once.
pub fn truncated_pages_keep_whole_lines(
    device: &'static str,
    file: &'static str,
    mut render: impl FnMut(&mut Writer<'_>),
) -> Result<bool> {
    let mut full = KVec::from_elem(0u8, PAGE_SIZE, GFP_KERNEL)?;
    let whole = FileStats::new();
    let metric = SelfMetric::new(device, file);
    let full_len = render_page(&mut full, &metric, &whole, &mut render);
    let body_len = find(full.get(..full_len).ok_or(EINVAL)?, SELF_METRIC).unwrap_or(full_len);
    let full_body = full.get(..body_len).ok_or(EINVAL)?;
    let reserve = self_metric_len(device, file);
    let stats = FileStats::new();
    let mut page = KVec::from_elem(0u8, PAGE_SIZE, GFP_KERNEL)?;
    let mut cut = 0u64;
    let mut ok = whole.truncations() == 0;
    let last = (body_len + reserve + 1).min(PAGE_SIZE);
    for size in 0..=last {
        let before = stats.truncations();
        let len = render_page(
            page.get_mut(..size).ok_or(EINVAL)?,
            &metric,
            &stats,
            &mut render,
        );
        let text = page.get(..len).ok_or(EINVAL)?;
        let body = find(text, SELF_METRIC).unwrap_or(len);
        let body_text = text.get(..body).ok_or(EINVAL)?;
        let was_cut = stats.truncations() != before;
        cut += u64::from(was_cut);
        let mut good = (len < size || len == 0)
            && full_body.starts_with(body_text)
            && (body == 0 || body_text.ends_with(b"\n"))
            && was_cut == (body < body_len)
            && stats.truncations() - before <= 1;
        if size > reserve {
            // The self-metric is there, with the count so far.
            let mut tail = KVec::new();
            tail.extend_from_slice(b"\",file=\"", GFP_KERNEL)?;
            tail.extend_from_slice(file.as_bytes(), GFP_KERNEL)?;
            tail.extend_from_slice(b"\"} ", GFP_KERNEL)?;
            let count = stats.truncations();
            let mut digits = [0u8; 20];
            let mut n = count;
            let mut at = digits.len();
            loop {
                at -= 1;
                digits[at] = b'0' + (n % 10) as u8;
                n /= 10;
                if n == 0 {
                    break;
                }
            }
            tail.extend_from_slice(digits.get(at..).ok_or(EINVAL)?, GFP_KERNEL)?;
            tail.push(b'\n', GFP_KERNEL)?;
            good &= text.ends_with(&tail);
        }
        if !good {
            pr_err!("{device}/{file}: a page of {size} bytes: {len} bytes, body {body} of {body_len}, cut {was_cut}\n");
            ok = false;
        }
    }
    pr_info!(
        "{device}/{file}: {cut} of {} page sizes cut short, whole lines and the count each time\n",
        last + 1
    );
    // The last size holds the whole page.
    Ok(ok && cut > 0 && cut <= last as u64)
}

/// Renders per benchmark case: enough for a stable median under QEMU TCG.
pub const BENCH_RENDERS: usize = 1000;

/// A benchmark, not a test (it asserts nothing about time): renders `file`
/// of `device` [`BENCH_RENDERS`] times with `render` and logs the median,
/// minimum and maximum time of one render (ktime around the show path's
/// body, no syscall) as `hy300-bench: <device>/<file> render ...`, which
/// `scripts/bench` reads from the guest's log. `render` returns the length.
pub fn bench_render(
    device: &str,
    file: &str,
    mut render: impl FnMut(&mut [u8]) -> usize,
) -> Result {
    let mut page = KVec::from_elem(0u8, PAGE_SIZE, GFP_KERNEL)?;
    let mut times = KVec::from_elem(0i64, BENCH_RENDERS, GFP_KERNEL)?;
    let mut len = 0;
    for t in times.iter_mut() {
        // SAFETY: `ktime_get` has no preconditions.
        let start = unsafe { kernel::bindings::ktime_get() };
        len = render(&mut page);
        // SAFETY: as above.
        *t = unsafe { kernel::bindings::ktime_get() } - start;
    }
    times.sort_unstable();
    let (min, median, max) = match (times.first(), times.get(times.len() / 2), times.last()) {
        (Some(&a), Some(&b), Some(&c)) => (a, b, c),
        _ => return Err(EINVAL),
    };
    pr_info!(
        "hy300-bench: {device}/{file} render {median} ns median [{min}..{max}] of {BENCH_RENDERS}, {len} bytes\n"
    );
    Ok(())
}

/// [`bench_render`] of one Prometheus file through [`render_page`].
pub fn bench_page(
    device: &'static str,
    file: &'static str,
    mut render: impl FnMut(&mut Writer<'_>),
) -> Result {
    let stats = FileStats::new();
    let metric = SelfMetric::new(device, file);
    bench_render(device, file, |page| {
        render_page(page, &metric, &stats, &mut render)
    })
}
