/**
 * What the attack run found at the edges of a request, against the real `wrangler dev` as
 * `npm run dev` starts it (a child process; real sockets): a body declared over the limit is refused at once, a body that
 * stops arriving times out, chat/init's limit cannot be escaped with a made-up
 * CF-Connecting-IP, and a URL whose host resolves to loopback is refused after asking DNS.
 */
import { createServer } from "node:http";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { connect } from "node:net";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { jsonClient } from "./harness.ts";
import { startWranglerDev } from "./wrangler-dev.ts";
import type { WranglerDev } from "./wrangler-dev.ts";

const state = mkdtempSync(join(tmpdir(), "nooble-hardening-"));
let worker: WranglerDev;
let doh: Server;
const dnsQuestions: string[] = [];
let token: string;

beforeAll(async () => {
  // A DNS-over-HTTPS endpoint that points every name at this machine.
  doh = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://doh.local");
    const name = url.searchParams.get("name") ?? "";
    const type = url.searchParams.get("type");
    dnsQuestions.push(`${name}/${type}`);
    const answer = type === "A" ? [{ name, type: 1, TTL: 0, data: "127.0.0.1" }] : [];
    res
      .writeHead(200, { "content-type": "application/dns-json" })
      .end(JSON.stringify({ Status: 0, Answer: answer }));
  });
  await new Promise<void>((resolve) => doh.listen(0, "127.0.0.1", resolve));
  const dohUrl = `http://127.0.0.1:${(doh.address() as AddressInfo).port}/dns-query`;
  worker = await startWranglerDev(state, {
    REQUEST_BODY_IDLE_SECONDS: "1",
    DNS_RESOLVER_URL: dohUrl,
  });
  const signIn = await call("/api/v1/dev/sign-in", {
    method: "POST",
    json: { email: `hardening-${Date.now()}@example.com` },
  });
  token = signIn.body.access_token;
});
afterAll(async () => {
  await worker?.stop();
  doh?.close();
  rmSync(state, { recursive: true, force: true });
});

const call = jsonClient(() => worker.url);

/**
 * Sends the head of a request (with `Content-Length: declared`) and `sent` body bytes, then
 * nothing more: the answer's status line and body, or "no answer" after `waitMs`.
 */
function halfSentRequest(
  path: string,
  contentType: string,
  declared: number,
  sent: string,
  waitMs = 10_000,
): Promise<string> {
  const { hostname, port } = new URL(worker.url);
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname);
    let reply = "";
    const done = (text: string) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(text);
    };
    const timer = setTimeout(() => done(reply || "no answer"), waitMs);
    socket.on("connect", () => {
      socket.write(
        `POST ${path} HTTP/1.1\r\nHost: ${hostname}\r\nAuthorization: Bearer ${token}\r\nContent-Type: ${contentType}\r\nContent-Length: ${declared}\r\n\r\n${sent}`,
      );
    });
    socket.on("data", (data) => {
      reply += data.toString();
      const [head, body = ""] = reply.split("\r\n\r\n");
      const length = Number(/content-length: (\d+)/i.exec(head ?? "")?.[1] ?? NaN);
      if (body.length >= length) done(`${head?.split("\r\n")[0]}\n${body}`);
    });
    socket.on("error", () => done(reply || "connection error"));
  });
}

describe("request bodies", () => {
  it("refuses an upload declaring more than the limit before reading it (the client sent 1 byte of 60 MB)", async () => {
    const reply = await halfSentRequest(
      "/api/v1/ingest",
      "multipart/form-data; boundary=x",
      60 * 1024 * 1024,
      "x",
    );
    expect(reply).toMatch(/^HTTP\/1\.1 413/);
    expect(reply).toContain('"code":"PAYLOAD_TOO_LARGE"');
  });

  it("refuses a JSON body declaring more than 256 KB the same way", async () => {
    const reply = await halfSentRequest(
      "/api/v1/agents",
      "application/json",
      10 * 1024 * 1024,
      "{",
    );
    expect(reply).toMatch(/^HTTP\/1\.1 413/);
  });

  it("answers 408 REQUEST_TIMEOUT when a body stops arriving, for JSON and for an upload", async () => {
    const json = await halfSentRequest("/api/v1/agents", "application/json", 1000, '{"name": "Sl');
    expect(json).toMatch(/^HTTP\/1\.1 408/);
    expect(json).toContain('"code":"REQUEST_TIMEOUT"');
    const upload = await halfSentRequest(
      "/api/v1/ingest",
      "multipart/form-data; boundary=x",
      5000,
      '--x\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\n\r\nhal',
    );
    expect(upload).toMatch(/^HTTP\/1\.1 408/);
    // The server is still answering everyone else.
    expect((await call("/health")).status).toBe(200);
  });
});

describe("chat/init's limit under wrangler dev", () => {
  it("counts made-up CF-Connecting-IP addresses as one client: the 31st chat in a minute is refused", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 31; i++) {
      const res = await call("/api/v1/chat/init", {
        method: "POST",
        json: { agent_id: crypto.randomUUID() },
        headers: { "cf-connecting-ip": `198.51.100.${i + 1}` },
      });
      statuses.push(res.status);
    }
    // Unknown agents answer 404, but each attempt counts against the limit (30 a minute).
    expect(statuses.slice(0, 30).every((s) => s === 404 || s === 429)).toBe(true);
    expect(statuses.at(-1)).toBe(429);
  });
});

describe("URL ingestion under wrangler dev", () => {
  it("asks DNS where the host points and refuses a name resolving to loopback", async () => {
    const res = await call("/api/v1/ingest", {
      method: "POST",
      token,
      json: { url: "http://intranet-wiki.example.com:8080/page" },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("URL_NOT_ALLOWED");
    expect(res.body.error.message).toContain("intranet-wiki.example.com resolves to 127.0.0.1");
    expect(dnsQuestions).toEqual(
      expect.arrayContaining(["intranet-wiki.example.com/A", "intranet-wiki.example.com/AAAA"]),
    );
  });
});
