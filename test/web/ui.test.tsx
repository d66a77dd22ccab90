/**
 * The design system's keyboard behaviour: Tabs move and select with the arrow keys, Home and
 * End (one tab stop, focus follows); Menu opens from its button, closes on Escape with focus
 * back on the button, and closes when an item is chosen.
 */
import { afterEach, describe, expect, it } from "vitest";
import { cleanup, fireEvent, render, screen } from "@solidjs/testing-library";
import { Menu } from "../../web/src/ui/Menu.tsx";
import { Tabs } from "../../web/src/ui/Tabs.tsx";

afterEach(cleanup);

describe("Tabs", () => {
  function renderTabs(onChange?: (id: string) => void) {
    render(() => (
      <Tabs
        label="Agent"
        onChange={onChange}
        tabs={[
          { id: "setup", label: "Setup", content: () => <p>Setup panel</p> },
          { id: "knowledge", label: "Knowledge", content: () => <p>Knowledge panel</p> },
          { id: "advanced", label: "Advanced", content: () => <p>Advanced panel</p> },
        ]}
      />
    ));
  }
  const selected = () =>
    screen
      .getAllByRole("tab")
      .filter((t) => t.getAttribute("aria-selected") === "true")
      .map((t) => t.textContent);

  it("moves the selection with the arrow keys, wrapping at both ends, and focuses the selected tab", () => {
    const changes: string[] = [];
    renderTabs((id) => changes.push(id));
    const tablist = screen.getByRole("tablist", { name: "Agent" });
    expect(selected()).toEqual(["Setup"]);
    expect(screen.getByRole("tabpanel").textContent).toBe("Setup panel");

    fireEvent.keyDown(screen.getByRole("tab", { name: "Setup" }), { key: "ArrowRight" });
    expect(selected()).toEqual(["Knowledge"]);
    expect(document.activeElement?.textContent).toBe("Knowledge");
    expect(screen.getByRole("tabpanel").textContent).toBe("Knowledge panel");

    fireEvent.keyDown(screen.getByRole("tab", { name: "Knowledge" }), { key: "ArrowRight" });
    fireEvent.keyDown(screen.getByRole("tab", { name: "Advanced" }), { key: "ArrowRight" });
    expect(selected()).toEqual(["Setup"]);
    fireEvent.keyDown(screen.getByRole("tab", { name: "Setup" }), { key: "ArrowLeft" });
    expect(selected()).toEqual(["Advanced"]);
    expect(changes).toEqual(["knowledge", "advanced", "setup", "advanced"]);
    expect(tablist.contains(document.activeElement)).toBe(true);
  });

  it("keeps one tab stop (the selected tab) and jumps with Home and End", () => {
    renderTabs();
    const tabindex = () => screen.getAllByRole("tab").map((t) => t.getAttribute("tabindex"));
    expect(tabindex()).toEqual(["0", "-1", "-1"]);
    fireEvent.keyDown(screen.getByRole("tab", { name: "Setup" }), { key: "End" });
    expect(selected()).toEqual(["Advanced"]);
    expect(tabindex()).toEqual(["-1", "-1", "0"]);
    fireEvent.keyDown(screen.getByRole("tab", { name: "Advanced" }), { key: "Home" });
    expect(selected()).toEqual(["Setup"]);
    fireEvent.keyDown(screen.getByRole("tab", { name: "Setup" }), { key: "a" });
    expect(selected()).toEqual(["Setup"]);
  });
});

describe("Menu", () => {
  function renderMenu() {
    render(() => (
      <Menu label="Menu">
        <a href="#agents">Agents</a>
        <button type="button">Sign out</button>
      </Menu>
    ));
    return screen.getByRole("button", { name: "Menu" });
  }

  it("opens from its button, which says it is expanded", () => {
    const button = renderMenu();
    expect(button.getAttribute("aria-expanded")).toBe("false");
    expect(screen.queryByRole("link", { name: "Agents" })).toBeNull();
    fireEvent.click(button);
    expect(button.getAttribute("aria-expanded")).toBe("true");
    const panel = document.getElementById(button.getAttribute("aria-controls") ?? "");
    expect(panel?.contains(screen.getByRole("link", { name: "Agents" }))).toBe(true);
  });

  it("closes on Escape and gives focus back to its button", () => {
    const button = renderMenu();
    fireEvent.click(button);
    const item = screen.getByRole("link", { name: "Agents" });
    item.focus();
    fireEvent.keyDown(item, { key: "Escape" });
    expect(screen.queryByRole("link", { name: "Agents" })).toBeNull();
    expect(button.getAttribute("aria-expanded")).toBe("false");
    expect(document.activeElement).toBe(button);
  });

  it("closes when an item is chosen or on a click outside", () => {
    const button = renderMenu();
    fireEvent.click(button);
    fireEvent.click(screen.getByRole("button", { name: "Sign out" }));
    expect(screen.queryByRole("button", { name: "Sign out" })).toBeNull();
    fireEvent.click(button);
    fireEvent.click(document.body);
    expect(screen.queryByRole("button", { name: "Sign out" })).toBeNull();
  });
});
