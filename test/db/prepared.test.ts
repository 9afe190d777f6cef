import { describe, expect, it } from "vitest";
import { db, preparedPerShape } from "../../src/db/client";

describe("preparedPerShape", () => {
  it("builds a query once per shape, and anew once more than 256 shapes were kept", () => {
    const built: string[] = [];
    const query = preparedPerShape((_db, shape: string) => {
      built.push(shape);
      return { shape };
    });
    const first = query(db, "a", "a");
    expect(query(db, "a", "a")).toBe(first);
    expect(query(db, "b", "b")).toEqual({ shape: "b" });
    expect(built).toEqual(["a", "b"]);
    // 254 more fill the 256 kept; the next clears them
    for (let index = 0; index < 254; index++) query(db, `k${index}`, `k${index}`);
    expect(query(db, "a", "a")).toBe(first);
    expect(built).toHaveLength(256);
    query(db, "past", "past");
    expect(query(db, "a", "a")).not.toBe(first);
    expect(built.slice(-2)).toEqual(["past", "a"]);
  });
});
