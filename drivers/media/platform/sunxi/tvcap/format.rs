// SPDX-License-Identifier: GPL-2.0

//! Capture formats and size negotiation.

#![forbid(unsafe_code)]

/// `v4l2_fourcc(a, b, c, d)`.
pub(crate) const fn fourcc(code: &[u8; 4]) -> u32 {
    code[0] as u32 | (code[1] as u32) << 8 | (code[2] as u32) << 16 | (code[3] as u32) << 24
}

/// A pixel format the capture block produces.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) struct PixelFormat {
    pub(crate) fourcc: u32,
    pub(crate) name: &'static str,
    /// Bytes per pixel of the first plane, times 2 (YU12: 1 byte luma).
    pub(crate) bpp_x2: u32,
    /// Total image size relative to the first plane, times 2 (YU12: 3).
    pub(crate) size_x2: u32,
    /// Value of the FORMAT register.
    pub(crate) hw_code: u32,
}

/// FORMAT register codes, from the C original's table (`TVTOP_FORMAT_*`).
pub(crate) mod hw_code {
    /// `TVTOP_FORMAT_RGB888`.
    pub(crate) const RGB888: u32 = 0x00;
    /// `TVTOP_FORMAT_YUV420P`: three planes, Y then U then V.
    pub(crate) const YUV420P: u32 = 0x02;
    /// `TVTOP_FORMAT_YUYV`.
    pub(crate) const YUYV: u32 = 0x04;
}

/// Supported formats, in enumeration order; the first is the default.
///
/// The C original's table, with two decisions of ours:
/// - RGB24: the original initialises `.tvtop_format` twice, 0x00
///   (`TVTOP_FORMAT_RGB888`) then 0x04 (`TVTOP_FORMAT_YUYV`), so the
///   compiler keeps 0x04 and RGB24 would be captured as YUYV, 2 bytes per
///   pixel into a 3-byte-per-pixel buffer. The entry's name, depth and
///   fourcc say RGB888: we program 0x00.
/// - RGB32: the original's entry carries 0x04 as well, a YUYV code with no
///   RGB32 code anywhere in its table; there is no known FORMAT code for
///   it, so it is not offered.
///
/// YUV420 is the original's 3-plane `YU12` (`V4L2_PIX_FMT_YUV420`, one
/// buffer: Y, then U and V at half width and height), not NV12.
pub(crate) const FORMATS: [PixelFormat; 3] = [
    PixelFormat {
        fourcc: fourcc(b"YUYV"),
        name: "YUYV",
        bpp_x2: 4,
        size_x2: 2,
        hw_code: hw_code::YUYV,
    },
    PixelFormat {
        fourcc: fourcc(b"YU12"),
        name: "YU12",
        bpp_x2: 2,
        size_x2: 3,
        hw_code: hw_code::YUV420P,
    },
    PixelFormat {
        fourcc: fourcc(b"RGB3"),
        name: "RGB24",
        bpp_x2: 6,
        size_x2: 2,
        hw_code: hw_code::RGB888,
    },
];

/// The format whose FORMAT register code is `code`.
pub(crate) fn by_hw_code(code: u32) -> Option<&'static PixelFormat> {
    FORMATS.iter().find(|f| f.hw_code == code)
}

pub(crate) const MIN_WIDTH: u32 = 320;
pub(crate) const MAX_WIDTH: u32 = 1920;
pub(crate) const MIN_HEIGHT: u32 = 240;
pub(crate) const MAX_HEIGHT: u32 = 1080;
pub(crate) const DEFAULT_WIDTH: u32 = 1920;
pub(crate) const DEFAULT_HEIGHT: u32 = 1080;

/// The bound of a buffer size requested through `VIDIOC_CREATE_BUFS`
/// (without it, any u32 went to the DMA allocator): twice the largest image
/// of any format at the largest size, as a client may ask for room beyond
/// the current format's image (v4l2-compliance asks for twice the default
/// 1080p YUYV, which exceeds a 1080p RGB24 image now that RGB32 is gone).
pub(crate) const MAX_SIZEIMAGE: u32 = 2 * {
    let mut max = 0;
    let mut i = 0;
    while i < FORMATS.len() {
        let size = negotiate(FORMATS[i].fourcc, MAX_WIDTH, MAX_HEIGHT).sizeimage;
        if size > max {
            max = size;
        }
        i += 1;
    }
    max
};

/// A negotiated capture format.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) struct Format {
    pub(crate) pixel: PixelFormat,
    pub(crate) width: u32,
    pub(crate) height: u32,
    pub(crate) bytesperline: u32,
    pub(crate) sizeimage: u32,
}

/// The format the driver starts with: 1080p YUYV.
pub(crate) const fn default_format() -> Format {
    negotiate(FORMATS[0].fourcc, DEFAULT_WIDTH, DEFAULT_HEIGHT)
}

/// Adjusts a request to what the hardware supports: an unknown fourcc
/// becomes the default format, sizes are clamped and even.
pub(crate) const fn negotiate(fourcc: u32, width: u32, height: u32) -> Format {
    let mut pixel = FORMATS[0];
    let mut i = 0;
    while i < FORMATS.len() {
        if FORMATS[i].fourcc == fourcc {
            pixel = FORMATS[i];
        }
        i += 1;
    }
    let width = clamp(width, MIN_WIDTH, MAX_WIDTH) & !1;
    let height = clamp(height, MIN_HEIGHT, MAX_HEIGHT) & !1;
    let bytesperline = width * pixel.bpp_x2 / 2;
    let sizeimage = bytesperline * height * pixel.size_x2 / 2;
    Format {
        pixel,
        width,
        height,
        bytesperline,
        sizeimage,
    }
}

const fn clamp(v: u32, min: u32, max: u32) -> u32 {
    if v < min {
        min
    } else if v > max {
        max
    } else {
        v
    }
}
