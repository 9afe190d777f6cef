// Orgs through the admin API: their default currency (EUR when never set), set at create or by PATCH.
import { describe, expect, it } from "vitest";
import { admin, api, expectError, expectFailures } from "../helpers";

type Org = { id: string; object: string; name: string; default_currency: string; created_at: string };

async function created(body: unknown): Promise<Org> {
  const response = await admin("/orgs", { method: "POST", body });
  expect(response.status, await response.clone().text()).toBe(201);
  return (await response.json()) as Org;
}

const patch = (id: string, body: unknown) => admin(`/orgs/${id}`, { method: "PATCH", body });

describe("an org's default currency", () => {
  it("is EUR when never set, and listed with the org", async () => {
    const org = await created({ name: "Plain" });
    expect(Object.keys(org).sort()).toEqual(["created_at", "default_currency", "id", "name", "object"]);
    expect(org.default_currency).toBe("EUR");
    const list = (await (await admin("/orgs?limit=100")).json()) as { data: Org[] };
    expect(list.data.find((listed) => listed.id === org.id)?.default_currency).toBe("EUR");
  });

  it("is set at create, case-insensitive, from the currencies list", async () => {
    expect((await created({ name: "Yen", default_currency: "jpy" })).default_currency).toBe("JPY");
    expect((await created({ name: "Guilder", default_currency: "ANG" })).default_currency).toBe("ANG");
    for (const default_currency of ["XXX", "EURO", "", 978, null]) {
      await expectFailures(
        await admin("/orgs", { method: "POST", body: { name: "Bad", default_currency } }),
        ["default_currency"],
      );
    }
  });

  it("PATCH changes only the fields sent", async () => {
    const org = await created({ name: "Before", default_currency: "USD" });
    let response = await patch(org.id, { default_currency: "chf" });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ...org, default_currency: "CHF" });
    response = await patch(org.id, { name: "  After  " });
    expect(await response.json()).toEqual({ ...org, name: "After", default_currency: "CHF" });
    response = await patch(org.id, {});
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ...org, name: "After", default_currency: "CHF" });
  });

  it("PATCH refuses what POST refuses, unknown fields and unknown orgs", async () => {
    const org = await created({ name: "Strict" });
    await expectFailures(await patch(org.id, { default_currency: "XXX" }), ["default_currency"]);
    await expectFailures(await patch(org.id, { default_currency: null }), ["default_currency"]);
    await expectFailures(await patch(org.id, { name: "" }), ["name"]);
    await expectFailures(await patch(org.id, { name: "x".repeat(257) }), ["name"]);
    expect((await patch(org.id, { name: "x".repeat(256) })).status).toBe(200);
    await expectFailures(await patch(org.id, { id: "org_other" }), ["id"]);
    await expectError(await patch("org_01JD4Q4W9Q1Q7Y2ZB0Z9T6E5RK", { name: "x" }), 404, "not_found");
  });

  it("PATCH needs the admin token", async () => {
    const org = await created({ name: "Guarded" });
    const response = await api(`/v1/admin/orgs/${org.id}`, {
      method: "PATCH",
      key: "sk_notthetokenatall0000",
      body: { name: "x" },
    });
    await expectError(response, 401, "unauthorized");
  });
});
