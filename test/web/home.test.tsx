/**
 * The landing page: what the product does, three steps, an example of the public page marked
 * as an example, and the way in: sign-in when signed out, the dashboard once signed in.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { cleanup, render, screen, within } from "@solidjs/testing-library";
import { MemoryRouter, Route } from "@solidjs/router";
import { signInDev, signOut } from "../../web/src/lib/auth.ts";
import { Home } from "../../web/src/pages/Home.tsx";

afterEach(async () => {
  cleanup();
  // No auth server here: signing out only forgets the development session.
  vi.stubGlobal("fetch", async () => Response.json({}, { status: 404 }));
  await signOut();
  vi.unstubAllGlobals();
});

const renderHome = () =>
  render(() => (
    <MemoryRouter>
      <Route path="/" component={Home} />
    </MemoryRouter>
  ));

describe("Home", () => {
  it("explains the product in three steps with an example public page, and leads to sign-in", () => {
    renderHome();
    expect(screen.getByRole("heading", { level: 1 }).textContent).toMatch(/your documents/);
    const how = screen.getByRole("region", { name: "Three steps, a few minutes" });
    expect(
      within(how)
        .getAllByRole("heading", { level: 3 })
        .map((h) => h.textContent),
    ).toEqual(["1. Create an agent", "2. Give it your documents", "3. Publish and share"]);
    const example = screen.getByRole("figure", { name: /What a visitor sees/ });
    expect(within(example).getByText("Example")).toBeTruthy();
    expect(within(example).getByText(/weekly-menu\.pdf, page 2/)).toBeTruthy();
    // The example is a picture of the product, not a chat one could type into.
    expect(within(example).queryByRole("textbox")).toBeNull();
    expect(within(example).queryByRole("button")).toBeNull();
    const starts = screen.getAllByRole("link", { name: "Sign in to start" });
    expect(starts.length).toBeGreaterThan(0);
    for (const link of starts) expect(link.getAttribute("href")).toBe("/sign-in");
    expect(screen.queryByRole("link", { name: "Open your dashboard" })).toBeNull();
  });

  it("leads a signed-in owner to the dashboard instead", async () => {
    vi.stubGlobal(
      "fetch",
      vi.fn(async () =>
        Response.json({
          access_token: "t",
          token_type: "bearer",
          expires_in: 3600,
          user: { id: "0b7c8f0e-2a53-4c8e-9d43-7f1d2b0c6a11", email: "o@example.com" },
        }),
      ),
    );
    await signInDev("o@example.com");
    renderHome();
    const links = screen.getAllByRole("link", { name: "Open your dashboard" });
    for (const link of links) expect(link.getAttribute("href")).toBe("/dashboard");
    expect(screen.queryByRole("link", { name: "Sign in to start" })).toBeNull();
  });
});
