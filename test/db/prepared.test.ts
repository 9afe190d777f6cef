import { describe, expect, it } from "vitest";
import { db, preparedOnce, preparedPerShape } from "../../src/db/client";

describe("preparedPerShape", () => {
  it("builds a query once per shape (its JSON), and anew once more than 256 shapes were kept", () => {
    const built: unknown[] = [];
    const query = preparedPerShape((_db, shape: { filter: string; after: boolean }) => {
      built.push(shape);
      return { shape };
    });
    const first = query(db, { filter: "a", after: false });
    expect(query(db, { filter: "a", after: false })).toBe(first);
    expect(query(db, { filter: "a", after: true })).not.toBe(first);
    expect(built).toEqual([
      { filter: "a", after: false },
      { filter: "a", after: true },
    ]);
    // 254 more fill the 256 kept; the next clears them
    for (let index = 0; index < 254; index++) query(db, { filter: `k${index}`, after: false });
    expect(query(db, { filter: "a", after: false })).toBe(first);
    expect(built).toHaveLength(256);
    query(db, { filter: "past", after: false });
    expect(query(db, { filter: "a", after: false })).not.toBe(first);
    expect(built.slice(-2)).toEqual([
      { filter: "past", after: false },
      { filter: "a", after: false },
    ]);
  });

  it("preparedOnce builds its one query once", () => {
    let builds = 0;
    const query = preparedOnce(() => ({ build: ++builds }));
    expect(query(db)).toBe(query(db));
    expect(builds).toBe(1);
  });
});
