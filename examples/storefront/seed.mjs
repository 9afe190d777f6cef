// Demo products for the example storefront: made through the API with a secret key, each with a
// PNG drawn here (a round plate of its colour), and one hidden product the storefront must not show.
import { crc32, deflateSync } from "node:zlib";

/** @type {{ name: string, de: string, amount: number, compare?: number, colour: [number, number, number] }[]} */
const DEMO = [
  { name: "Copper kettle", de: "Kupferkessel", amount: 5900, colour: [196, 110, 52] },
  { name: "Teapot", de: "Teekanne", amount: 3400, compare: 3900, colour: [74, 140, 96] },
  { name: "Espresso cup", de: "Espressotasse", amount: 1200, colour: [92, 64, 51] },
];

/**
 * A width × height PNG: a disc of `colour` on a light background.
 * @param {[number, number, number]} colour red, green, blue
 * @param {number} [width]
 * @param {number} [height]
 */
export function discPng([r, g, b], width = 320, height = 240) {
  const rows = [];
  for (let y = 0; y < height; y++) {
    const row = Buffer.alloc(1 + width * 3);
    for (let x = 0; x < width; x++) {
      const inside = (x - width / 2) ** 2 + (y - height / 2) ** 2 < (height * 0.4) ** 2;
      row.set(inside ? [r, g, b] : [246, 242, 236], 1 + x * 3);
    }
    rows.push(row);
  }
  /**
   * @param {string} type
   * @param {Buffer} data
   */
  const chunk = (type, data) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(Buffer.concat([Buffer.from(type), data])));
    return Buffer.concat([length, Buffer.from(type), data, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8-bit RGB
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", header),
    chunk("IDAT", deflateSync(Buffer.concat(rows))),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

/**
 * POSTs `body` (JSON, or bytes of `contentType`) with `key`; resolves with the JSON answer, throws on an error.
 * @param {string} base
 * @param {string} key
 * @param {string} path
 * @param {unknown} body bytes (a Buffer) unless `contentType` is JSON
 * @param {string} [contentType]
 * @returns {Promise<unknown>}
 */
export async function post(base, key, path, body, contentType = "application/json") {
  const response = await fetch(`${base}${path}`, {
    method: "POST",
    headers: { Authorization: `Bearer ${key}`, "Content-Type": contentType },
    body:
      contentType === "application/json"
        ? JSON.stringify(body)
        : /** @type {Uint8Array<ArrayBuffer>} */ (body),
  });
  if (!response.ok) throw new Error(`POST ${path}: ${response.status} ${await response.text()}`);
  return response.json();
}

/**
 * Creates the demo products with `key` (a secret key with product.edit); returns their names.
 * @param {string} base
 * @param {string} key
 */
export async function seedDemo(base, key) {
  for (const item of DEMO) {
    const product = /** @type {{ id: string }} */ (
      await post(base, key, "/v1/products", {
        name: item.name,
        description: `${item.name}, from the demo catalogue.`,
        prices: [{ currency: "EUR", amount: item.amount, compare_at_amount: item.compare ?? null }],
        on_sale: item.compare !== undefined,
        tags: ["demo"],
        localizations: { de: { name: item.de, description: `${item.de} aus dem Demo-Katalog.` } },
      })
    );
    await post(base, key, `/v1/products/${product.id}/images`, discPng(item.colour), "image/png");
  }
  await post(base, key, "/v1/products", { name: "Secret prototype", visible: false, tags: ["demo"] });
  return DEMO.map((item) => ({ en: item.name, de: item.de }));
}
