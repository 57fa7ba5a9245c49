//! Solid-colour PNG images for lead pictures, encoded by hand (IHDR, one zlib IDAT, IEND).

use std::io::Write;

use flate2::Compression;
use flate2::write::ZlibEncoder;

/// Width of a lead image in pixels.
pub const WIDTH: u32 = 64;
/// Height of a lead image in pixels.
pub const HEIGHT: u32 = 48;

/// A valid 8-bit RGB PNG of `width`×`height` pixels, all of colour `rgb`.
pub fn solid(width: u32, height: u32, rgb: [u8; 3]) -> std::io::Result<Vec<u8>> {
    // Each row: filter type 0 (none), then the pixels.
    let mut row = vec![0u8];
    for _ in 0..width {
        row.extend_from_slice(&rgb);
    }
    let raw = row.repeat(height as usize);
    let mut encoder = ZlibEncoder::new(Vec::new(), Compression::default());
    encoder.write_all(&raw)?;
    let pixels = encoder.finish()?;

    let mut header = Vec::with_capacity(13);
    header.extend_from_slice(&width.to_be_bytes());
    header.extend_from_slice(&height.to_be_bytes());
    header.extend_from_slice(&[8, 2, 0, 0, 0]); // depth 8, RGB, deflate, no filter, no interlace

    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    chunk(&mut png, b"IHDR", &header);
    chunk(&mut png, b"IDAT", &pixels);
    chunk(&mut png, b"IEND", &[]);
    Ok(png)
}

fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    out.extend_from_slice(&(data.len() as u32).to_be_bytes());
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
    let mut crc = crc32fast::Hasher::new();
    crc.update(kind);
    crc.update(data);
    out.extend_from_slice(&crc.finalize().to_be_bytes());
}

#[cfg(test)]
mod tests {
    use std::io::Read;

    use super::*;

    #[test]
    fn decodes_back_to_the_colour() {
        let png = solid(4, 3, [10, 20, 30]).expect("encodes");
        assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"));
        assert_eq!(&png[12..16], b"IHDR");
        assert_eq!(u32::from_be_bytes([png[16], png[17], png[18], png[19]]), 4);
        let idat_len = u32::from_be_bytes([png[33], png[34], png[35], png[36]]) as usize;
        assert_eq!(&png[37..41], b"IDAT");
        let mut raw = Vec::new();
        flate2::read::ZlibDecoder::new(&png[41..41 + idat_len])
            .read_to_end(&mut raw)
            .expect("inflates");
        assert_eq!(raw.len(), 3 * (1 + 3 * 4));
        assert_eq!(&raw[1..4], &[10, 20, 30]);
        let crc = crc32fast::hash(&png[12..29]);
        assert_eq!(&png[29..33], &crc.to_be_bytes());
        assert!(png.ends_with(&[0xAE, 0x42, 0x60, 0x82]));
    }
}
