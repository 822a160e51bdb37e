// SPDX-License-Identifier: GPL-2.0

//! Test support, never built for the device (only with `HY300_SIM=y`) and
//! loaded only by `tests/vm/kasan-fault.sh` in the debug guest: proof that
//! KASAN instruments the Rust code of the LLVM-built debug kernel
//! (`-Zsanitizer=kernel-address`). Loading it reads one byte past the end
//! of a `kmalloc` allocation from Rust; KASAN must report
//! `BUG: KASAN: slab-out-of-bounds in <a function of this module>`, which
//! `tests/kasan.sh` requires, together with the project's splat check
//! failing on it (the check the stress and fuzz steps rely on).
//!
//! The fault is deliberate: this is the one place of the project where an
//! unsafe block is knowingly wrong. It only reads, from a redzone KASAN
//! owns, and the kernel carries on (KASAN reports and recovers).

use kernel::prelude::*;

module! {
    type: KasanFault,
    name: "hy300_kasan_fault",
    authors: ["HY300 driver authors"],
    description: "Test support: a deliberate out-of-bounds read in Rust that KASAN must report",
    license: "GPL",
}

/// Size of the allocation read past: a multiple of KASAN's 8-byte granule,
/// so the byte after it is a redzone byte of the `kmalloc-32` object.
const SIZE: usize = 24;

/// Reads the byte just past the end of a `SIZE`-byte `kmalloc` allocation.
#[inline(never)]
fn read_past_end() -> Result<u8> {
    let buf = KVec::from_elem(0x5a_u8, SIZE, GFP_KERNEL)?;
    // Hidden from the optimiser, so the read happens at run time.
    let index = core::hint::black_box(buf.len());
    // SAFETY: none, on purpose: `index` is one past the last byte of the
    // allocation, so this reads its KASAN redzone (memory the slab
    // allocator owns, mapped, so the read itself cannot fault). Volatile,
    // so it is neither removed nor merged.
    let byte = unsafe { buf.as_ptr().add(index).read_volatile() };
    Ok(byte)
}

struct KasanFault;

impl kernel::Module for KasanFault {
    fn init(_module: &'static ThisModule) -> Result<Self> {
        pr_info!("reading 1 byte past a {SIZE}-byte allocation: KASAN must report it\n");
        let byte = read_past_end()?;
        pr_info!("the out-of-bounds read returned {byte:#04x}\n");
        Ok(KasanFault)
    }
}
