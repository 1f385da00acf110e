import { corruptBytes, drawImage, encodeJpeg, encodePng, jpegClaimingSize, perturb, pngClaimingSize } from './images';
import type { Random } from './random';

/** Body, content type and description of one CV case. */
export interface CvPayload {
  description: string;
  body: Buffer;
  contentType: string;
}

const PNG_TYPE = 'image/png';
const JPEG_TYPE = 'image/jpeg';

function validImage(random: Random): { png: Buffer; jpeg: Buffer } {
  const image = drawImage(random);
  return { png: encodePng(image), jpeg: encodeJpeg(image) };
}

/** Builds a valid image with noise of at most 2 to 8 levels per channel. */
export function perturbedCase(random: Random): CvPayload {
  const amplitude = random.int(2, 8);
  const image = perturb(drawImage(random), random, amplitude);
  if (random.next() < 0.5) {
    return { description: `PNG with noise of ±${amplitude}`, body: encodePng(image), contentType: PNG_TYPE };
  }
  return { description: `JPEG with noise of ±${amplitude}`, body: encodeJpeg(image), contentType: JPEG_TYPE };
}

/** Builds a valid image with random bytes overwritten after the signature. */
export function corruptedCase(random: Random): CvPayload {
  const { png, jpeg } = validImage(random);
  const count = random.int(1, 32);
  if (random.next() < 0.5) {
    return {
      description: `PNG with ${count} corrupted bytes`,
      body: corruptBytes(png, random, count, 8),
      contentType: PNG_TYPE,
    };
  }
  return {
    description: `JPEG with ${count} corrupted bytes`,
    body: corruptBytes(jpeg, random, count, 2),
    contentType: JPEG_TYPE,
  };
}

/** Builds a valid image cut short. */
export function truncatedCase(random: Random): CvPayload {
  const { png, jpeg } = validImage(random);
  const usePng = random.next() < 0.5;
  const file = usePng ? png : jpeg;
  const length = random.int(1, file.length - 1);
  return {
    description: `${usePng ? 'PNG' : 'JPEG'} truncated to ${length} of ${file.length} bytes`,
    body: file.subarray(0, length),
    contentType: usePng ? PNG_TYPE : JPEG_TYPE,
  };
}

const HUGE_PNG_SIZES: readonly [number, number][] = [
  [65_535, 65_535],
  [100_000, 100_000],
  [2_147_483_647, 1],
  [1, 2_147_483_647],
];

/** Builds a small file whose header claims an enormous image. */
export function hugeDimensionsCase(random: Random): CvPayload {
  if (random.next() < 0.5) {
    const [width, height] = random.pick(HUGE_PNG_SIZES);
    return {
      description: `PNG header claiming ${width}x${height}`,
      body: pngClaimingSize(width, height),
      contentType: PNG_TYPE,
    };
  }
  return {
    description: 'JPEG frame header claiming 65535x65535',
    body: jpegClaimingSize(validImage(random).jpeg, 65_535, 65_535),
    contentType: JPEG_TYPE,
  };
}

/** Builds a body that is not the image its content type names. */
export function mismatchedCase(random: Random): CvPayload {
  const variants: (() => CvPayload)[] = [
    () => ({ description: 'empty body', body: Buffer.alloc(0), contentType: PNG_TYPE }),
    () => ({ description: 'random bytes as PNG', body: random.bytes(random.int(16, 4096)), contentType: PNG_TYPE }),
    () => ({
      description: 'PNG signature only',
      body: encodePng(drawImage(random, 4, 4)).subarray(0, 8),
      contentType: PNG_TYPE,
    }),
    () => ({ description: 'PNG labeled as JPEG', body: validImage(random).png, contentType: JPEG_TYPE }),
    () => ({ description: 'text labeled as PNG', body: Buffer.from('not an image at all'), contentType: PNG_TYPE }),
    () => ({
      description: 'GIF header as PNG',
      body: Buffer.from('GIF89a\x01\x00\x01\x00\x00\x00\x00;', 'latin1'),
      contentType: PNG_TYPE,
    }),
    () => ({ description: 'PNG sent as text/plain', body: validImage(random).png, contentType: 'text/plain' }),
  ];
  return random.pick(variants)();
}
