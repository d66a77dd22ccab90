/**
 * The dashboard frame's phone navigation (styles.css shows it at 52rem and below instead of
 * the bar): one Menu button holding the same links as the bar with the current page marked,
 * the theme switch and sign-out.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { cleanup, fireEvent, render, screen, within } from "@solidjs/testing-library";
import { MemoryRouter, Route, createMemoryHistory } from "@solidjs/router";
import { signInDev } from "../../web/src/lib/auth.ts";
import { setTheme, theme } from "../../web/src/lib/theme.ts";
import OwnerLayout from "../../web/src/owner/OwnerLayout.tsx";

beforeEach(async () => {
  vi.stubGlobal(
    "fetch",
    vi.fn(async (path: string) => {
      if (path === "/api/v1/client-config") return Response.json({ auth_mode: "dev" });
      if (path === "/api/v1/dev/sign-in")
        return Response.json({
          access_token: "owner-token",
          token_type: "bearer",
          expires_in: 3600,
          user: { id: "3f2a1b0c-9d8e-4f7a-8b6c-5d4e3f2a1b0c", email: "owner@example.com" },
        });
      return Response.json({ error: { code: "ROUTE_NOT_FOUND", message: "no" } }, { status: 404 });
    }),
  );
  await signInDev("owner@example.com");
});
afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  setTheme("system");
  localStorage.clear();
});

function renderAt(path: string) {
  const history = createMemoryHistory();
  history.set({ value: path });
  render(() => (
    <MemoryRouter history={history}>
      <Route path="/dashboard" component={OwnerLayout}>
        <Route path="/conversations" component={() => <h1>Conversations page</h1>} />
      </Route>
    </MemoryRouter>
  ));
}

const linkNames = (root: HTMLElement) =>
  within(root)
    .getAllByRole("link")
    .map((a) => a.textContent);

describe("OwnerLayout on a phone", () => {
  it("holds the bar's links in one Menu, with the current page marked", async () => {
    renderAt("/dashboard/conversations");
    await screen.findByText("Conversations page");
    const [bar, phone] = screen.getAllByRole("navigation", { name: "Dashboard" });
    if (!bar || !phone) throw new Error("expected the bar and the phone navigation");
    expect(phone.classList.contains("phone-nav")).toBe(true);
    expect(within(phone).queryAllByRole("link")).toEqual([]);

    fireEvent.click(within(phone).getByRole("button", { name: "Menu" }));
    expect(linkNames(phone)).toEqual(linkNames(bar));
    expect(linkNames(phone)).toEqual([
      "Overview",
      "Agents",
      "Knowledge",
      "Conversations",
      "Profile",
      "Settings",
    ]);
    const current = within(phone)
      .getAllByRole("link")
      .filter((a) => a.getAttribute("aria-current") === "page")
      .map((a) => a.textContent);
    expect(current).toEqual(["Conversations"]);
  });

  it("keeps the theme switch and sign-out in the Menu", async () => {
    renderAt("/dashboard/conversations");
    await screen.findByText("Conversations page");
    const phone = screen.getAllByRole("navigation", { name: "Dashboard" })[1];
    if (!phone) throw new Error("no phone navigation");
    fireEvent.click(within(phone).getByRole("button", { name: "Menu" }));
    expect(within(phone).getByText("Signed in as owner@example.com")).toBeTruthy();
    fireEvent.click(within(phone).getByRole("button", { name: "Dark theme" }));
    expect(theme()).toBe("dark");
    expect(document.documentElement.getAttribute("data-theme")).toBe("dark");
    fireEvent.click(within(phone).getByRole("button", { name: "Menu" }));
    expect(within(phone).getByRole("button", { name: "Light theme" })).toBeTruthy();
    expect(within(phone).getByRole("button", { name: "Sign out" })).toBeTruthy();
  });
});
