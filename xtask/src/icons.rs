//! `cargo xtask icons`: renders `icons/icon.svg` (the one source) into every PNG, ICO and ICNS
//! file the desktop bundle and tray need. The outputs are committed, so builds never run this.

use std::path::Path;

use anyhow::{Context, Result, ensure};
use resvg::tiny_skia::{Pixmap, Transform};
use resvg::usvg;

/// PNG files Tauri's bundler and the tray read (file name, edge in pixels).
const PNGS: &[(&str, u32)] = &[
    ("32x32.png", 32),
    ("128x128.png", 128),
    ("128x128@2x.png", 256),
    ("icon.png", 512),
    // The tray: big enough for HiDPI panels, small enough to embed cheaply.
    ("tray.png", 64),
];

/// The paused tray icon and its edge (the tray's).
const TRAY_PAUSED: &str = "tray-paused.png";
const TRAY_EDGE: u32 = 64;
/// The pause badge's colour: amber, readable on light and dark panels.
const BADGE_RGB: (u8, u8, u8) = (0xd9, 0x77, 0x06);

/// Sizes packed into `icon.ico` (Windows shows 16-48 in lists, 256 in large views).
const ICO_SIZES: &[u32] = &[16, 24, 32, 48, 64, 256];

/// Sizes packed into `icon.icns`, each with its pixel density (1 or 2 for Retina).
const ICNS_SIZES: &[(u32, u32)] = &[(32, 2), (64, 1), (256, 1), (256, 2), (512, 1), (1024, 2)];

pub fn generate(root: &Path) -> Result<()> {
    let dir = root.join("icons");
    let source = dir.join("icon.svg");
    let svg = std::fs::read(&source).with_context(|| format!("reading {}", source.display()))?;
    let tree = usvg::Tree::from_data(&svg, &usvg::Options::default())
        .with_context(|| format!("parsing {}", source.display()))?;

    for &(name, edge) in PNGS {
        let path = dir.join(name);
        render(&tree, edge)?.save_png(&path).with_context(|| format!("writing {}", path.display()))?;
        println!("icons: {name} ({edge}x{edge})");
    }

    let mut ico = ico::IconDir::new(ico::ResourceType::Icon);
    for &edge in ICO_SIZES {
        let image = ico::IconImage::from_rgba_data(edge, edge, straight_rgba(&render(&tree, edge)?));
        ico.add_entry(ico::IconDirEntry::encode(&image).context("encoding an ICO entry")?);
    }
    // The tray while AI access is paused: the same icon with a pause badge.
    let path = dir.join(TRAY_PAUSED);
    paused_badge(render(&tree, TRAY_EDGE)?)?
        .save_png(&path)
        .with_context(|| format!("writing {}", path.display()))?;
    println!("icons: {TRAY_PAUSED} ({TRAY_EDGE}x{TRAY_EDGE})");

    write_with(&dir.join("icon.ico"), |file| ico.write(file))?;
    println!("icons: icon.ico ({ICO_SIZES:?})");

    let mut icns = icns::IconFamily::new();
    for &(edge, density) in ICNS_SIZES {
        let kind = icns::IconType::from_pixel_size_and_density(edge, edge, density)
            .with_context(|| format!("no ICNS type for {edge}px @{density}x"))?;
        let image =
            icns::Image::from_data(icns::PixelFormat::RGBA, edge, edge, straight_rgba(&render(&tree, edge)?))
                .context("building an ICNS image")?;
        icns.add_icon_with_type(&image, kind).context("encoding an ICNS entry")?;
    }
    write_with(&dir.join("icon.icns"), |file| icns.write(file))?;
    println!("icons: icon.icns ({ICNS_SIZES:?})");
    Ok(())
}

/// Renders the SVG scaled to a square of `edge` pixels.
fn render(tree: &usvg::Tree, edge: u32) -> Result<Pixmap> {
    let size = tree.size();
    ensure!(size.width() > 0.0 && size.height() > 0.0, "icon.svg has no size");
    let mut pixmap = Pixmap::new(edge, edge).context("allocating a pixmap")?;
    let scale = edge as f32 / size.width().max(size.height());
    resvg::render(tree, Transform::from_scale(scale, scale), &mut pixmap.as_mut());
    Ok(pixmap)
}

/// Draws a pause badge (an amber disc with two white bars) over the lower-right quarter, so
/// the paused state reads at tray size without colour alone.
fn paused_badge(mut pixmap: Pixmap) -> Result<Pixmap> {
    use resvg::tiny_skia::{FillRule, Paint, PathBuilder, Rect};
    let edge = pixmap.width() as f32;
    let (cx, cy, r) = (edge * 0.72, edge * 0.72, edge * 0.28);
    let mut paint = Paint { anti_alias: true, ..Paint::default() };
    paint.set_color_rgba8(BADGE_RGB.0, BADGE_RGB.1, BADGE_RGB.2, 255);
    let disc = PathBuilder::from_circle(cx, cy, r).context("badge circle")?;
    pixmap.fill_path(&disc, &paint, FillRule::Winding, Transform::identity(), None);
    paint.set_color_rgba8(255, 255, 255, 255);
    let (w, h) = (r * 0.28, r * 0.95);
    for x in [cx - r * 0.42, cx + r * 0.14] {
        let bar = Rect::from_xywh(x, cy - h / 2.0, w, h).context("badge bar")?;
        pixmap.fill_rect(bar, &paint, Transform::identity(), None);
    }
    Ok(pixmap)
}

/// tiny-skia keeps premultiplied alpha; ICO and ICNS expect straight RGBA.
fn straight_rgba(pixmap: &Pixmap) -> Vec<u8> {
    pixmap
        .pixels()
        .iter()
        .flat_map(|p| {
            let c = p.demultiply();
            [c.red(), c.green(), c.blue(), c.alpha()]
        })
        .collect()
}

fn write_with(path: &Path, write: impl FnOnce(std::fs::File) -> std::io::Result<()>) -> Result<()> {
    let file = std::fs::File::create(path).with_context(|| format!("creating {}", path.display()))?;
    write(file).with_context(|| format!("writing {}", path.display()))
}
