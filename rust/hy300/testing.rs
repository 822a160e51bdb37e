// SPDX-License-Identifier: GPL-2.0

//! KUnit helpers shared by the drivers' suites.

use kernel::prelude::*;

use crate::prometheus::Writer;

/// Digits a counter or histogram line can still grow by when `render` used
/// 1-digit counts where 20 could stand.
pub const GROWTH_PER_LINE: usize = 19;

/// Renders `render` into a fresh page and returns whether it fits with
/// `growth` more bytes; logs the figure under `what`.
pub fn fits_page_with(
    what: &str,
    growth: usize,
    render: impl FnOnce(&mut Writer<'_>),
) -> Result<bool> {
    let mut page = KVec::from_elem(0u8, kernel::page::PAGE_SIZE, GFP_KERNEL)?;
    let mut w = Writer::new(&mut page);
    render(&mut w);
    let len = w.finish().map_err(|_| EFBIG)?;
    pr_info!(
        "{what} metrics worst case: {} of {} bytes\n",
        len + growth,
        kernel::page::PAGE_SIZE
    );
    Ok(len + growth <= kernel::page::PAGE_SIZE)
}
