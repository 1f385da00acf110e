import { crc32, deflateSync } from 'node:zlib';
import { encode as encodeJpegData } from 'jpeg-js';
import { PNG } from 'pngjs';
import type { Random } from './random';

/** RGBA pixels, 4 bytes each, row by row. */
export interface RgbaImage {
  width: number;
  height: number;
  data: Buffer;
}

/** Draws a gradient with a few filled rectangles, so images differ by seed and compress like photos do. */
export function drawImage(random: Random, width = 64, height = 64): RgbaImage {
  const data = Buffer.alloc(width * height * 4);
  const rectangles = Array.from({ length: 3 }, () => ({
    x: random.int(0, width - 8),
    y: random.int(0, height - 8),
    size: random.int(4, 24),
    color: [random.int(0, 255), random.int(0, 255), random.int(0, 255)],
  }));
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const offset = (y * width + x) * 4;
      const inside = rectangles.find((r) => x >= r.x && x < r.x + r.size && y >= r.y && y < r.y + r.size);
      const [red, green, blue] = inside?.color ?? [(x * 255) / width, (y * 255) / height, 128];
      data[offset] = red!;
      data[offset + 1] = green!;
      data[offset + 2] = blue!;
      data[offset + 3] = 255;
    }
  }
  return { width, height, data };
}

/** Adds noise of at most `amplitude` to every color channel: a small perturbation that humans do not notice. */
export function perturb(image: RgbaImage, random: Random, amplitude: number): RgbaImage {
  const data = Buffer.from(image.data);
  for (let i = 0; i < data.length; i++) {
    if (i % 4 === 3) continue;
    data[i] = Math.min(255, Math.max(0, data[i]! + random.int(-amplitude, amplitude)));
  }
  return { ...image, data };
}

export function encodePng(image: RgbaImage): Buffer {
  const png = new PNG({ width: image.width, height: image.height });
  image.data.copy(png.data);
  return PNG.sync.write(png);
}

export function encodeJpeg(image: RgbaImage, quality = 90): Buffer {
  return encodeJpegData({ width: image.width, height: image.height, data: image.data }, quality).data;
}

/** Overwrites `count` random bytes after the first `keep` bytes, which keeps the format signature intact. */
export function corruptBytes(file: Buffer, random: Random, count: number, keep: number): Buffer {
  const copy = Buffer.from(file);
  for (let i = 0; i < count; i++) copy[random.int(keep, copy.length - 1)] = random.int(0, 255);
  return copy;
}

function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const typeAndData = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typeAndData));
  return Buffer.concat([length, typeAndData, crc]);
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/**
 * A well-formed PNG whose header claims `width` x `height` pixels while its data contains one row. Decoders that
 * allocate from the header before reading the data try to reserve gigabytes (a decompression-bomb pattern).
 */
export function pngClaimingSize(width: number, height: number): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 6; // RGBA
  const row = Buffer.alloc(1 + Math.min(width, 1024) * 4);
  return Buffer.concat([
    PNG_SIGNATURE,
    pngChunk('IHDR', header),
    pngChunk('IDAT', deflateSync(row)),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

/**
 * Rewrites the baseline frame header (SOF0) of a JPEG to claim `width` x `height`, at most 65535 each, over the
 * small image data.
 */
export function jpegClaimingSize(jpeg: Buffer, width: number, height: number): Buffer {
  const copy = Buffer.from(jpeg);
  for (let i = 2; i < copy.length - 9; i++) {
    // SOF0 segment: FF C0, 2-byte length, 1-byte precision, then height and width.
    if (copy[i] === 0xff && copy[i + 1] === 0xc0) {
      copy.writeUInt16BE(height, i + 5);
      copy.writeUInt16BE(width, i + 7);
      return copy;
    }
  }
  throw new Error('JPEG has no SOF0 segment');
}
