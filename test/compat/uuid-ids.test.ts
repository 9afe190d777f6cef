// Dialects whose ids are UUIDs (Awardee, Tamio) see a product's ULID as a UUID: one for one.
import { describe, expect, it } from "vitest";
import { ulid, ulidToUuid, uuidToUlid } from "../../src/lib/ids";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe("ULID ↔ UUID", () => {
  it("is the same 128 bits both ways, at both ends of the range", () => {
    expect(ulidToUuid("00000000000000000000000000")).toBe("00000000-0000-0000-0000-000000000000");
    expect(ulidToUuid("7ZZZZZZZZZZZZZZZZZZZZZZZZZ")).toBe("ffffffff-ffff-ffff-ffff-ffffffffffff");
    expect(uuidToUlid("00000000-0000-0000-0000-000000000000")).toBe("00000000000000000000000000");
    expect(uuidToUlid("FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF")).toBe("7ZZZZZZZZZZZZZZZZZZZZZZZZZ");
    expect(ulidToUuid("01JD4Q4W9Q1Q7Y2ZB0Z9T6E5RK")).toBe("01934972-7137-0dcf-e17d-60fa74671713");
  });

  it("round-trips every ULID made and every UUID, and keeps their order", () => {
    const ids = Array.from({ length: 500 }, () => ulid());
    for (const id of ids) {
      const uuid = ulidToUuid(id) as string;
      expect(uuid).toMatch(UUID);
      expect(uuidToUlid(uuid)).toBe(id);
    }
    expect(ids.map((id) => ulidToUuid(id)).sort()).toEqual([...ids].sort().map((id) => ulidToUuid(id)));
    for (let i = 0; i < 500; i++) {
      const uuid = crypto.randomUUID();
      expect(ulidToUuid(uuidToUlid(uuid) as string)).toBe(uuid);
    }
  });

  it("refuses what is neither", () => {
    for (const text of [
      "8ZZZZZZZZZZZZZZZZZZZZZZZZZ",
      "0000000000000000000000000",
      "0000000000000000000000000I",
      "01jd4q4w9q1q7y2zb0z9t6e5rk",
      "",
    ]) {
      expect(ulidToUuid(text), text).toBeUndefined();
    }
    for (const text of [
      "0193493b91370dcfe17d60fa6d0e5713",
      "0193493b-9137-0dcf-e17d-60fa6d0e571",
      "g193493b-9137-0dcf-e17d-60fa6d0e5713",
      "",
    ]) {
      expect(uuidToUlid(text), text).toBeUndefined();
    }
  });
});
