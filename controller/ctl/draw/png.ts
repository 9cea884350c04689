// SVG to PNG with resvg (prebuilt, no display, no system libraries).
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Resvg, type RenderedImage, type ResvgRenderOptions } from '@resvg/resvg-js';

/** The fonts the charts name first; any other system font still works as a fallback. */
const DEJAVU_DIR = '/usr/share/fonts/truetype/dejavu';
const DEJAVU_FILES = ['DejaVuSans.ttf', 'DejaVuSans-Bold.ttf'].map((f) => join(DEJAVU_DIR, f));

function renderOptions(width: number | undefined, fontFiles: string[]): ResvgRenderOptions {
  const present = fontFiles.filter((f) => existsSync(f));
  return {
    background: '#ffffff',
    fitTo: width !== undefined ? { mode: 'width', value: Math.round(width) } : { mode: 'original' },
    font: {
      loadSystemFonts: true,
      fontFiles: present,
      // naming a family that is not there makes resvg pick the first font it found
      defaultFontFamily: present.length > 0 ? 'DejaVu Sans' : undefined,
      sansSerifFamily: present.length > 0 ? 'DejaVu Sans' : undefined,
    },
    logLevel: 'off',
  };
}

/**
 * Rasterises an SVG (at its own size, or scaled to `width` pixels wide).
 * Without any font on the machine the text is left out, nothing fails.
 * `fontFiles` is for tests; the default is DejaVu Sans (regular and bold).
 */
export function renderSvg(svg: string, o: { width?: number; fontFiles?: string[] } = {}): RenderedImage {
  return new Resvg(svg, renderOptions(o.width, o.fontFiles ?? DEJAVU_FILES)).render();
}

export function svgToPng(svg: string, o: { width?: number } = {}): Buffer {
  return renderSvg(svg, o).asPng();
}

/** Writes <dir>/<base>.svg and <dir>/<base>.png; returns both paths. */
export function writePlot(dir: string, base: string, svg: string): string[] {
  mkdirSync(dir, { recursive: true });
  const svgPath = join(dir, `${base}.svg`);
  const pngPath = join(dir, `${base}.png`);
  writeFileSync(svgPath, svg);
  writeFileSync(pngPath, svgToPng(svg));
  return [svgPath, pngPath];
}
