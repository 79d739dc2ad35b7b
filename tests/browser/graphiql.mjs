#!/usr/bin/env node
// The GraphiQL IDE at GET /graphql, driven in headless Chromium the way a person uses it: open the
// page, put a bearer token into the Headers editor, replace the query, press the run button and
// read the answer in the result pane — then do it again without the token and see UNAUTHENTICATED.
// Along the way: the page loads nothing from outside the server's origin (the IDE is vendored and
// must work offline), and nothing is reported on the console (no script error, no CSP violation).
//
// Usage: node graphiql.mjs BASE_URL TOKEN [NODE_DIR]
//   BASE_URL  the server, e.g. http://127.0.0.1:8080 (serving the demo portfolio)
//   TOKEN     a token of a role that may read applications (e.g. ministry or admin)
//   NODE_DIR  where `node_modules/playwright-core` is; default $SALKKU_CONTRACT_NODE_DIR, then
//             $HOME/.cache/salkku/node
// Environment:
//   SALKKU_CHROMIUM            the browser (default /usr/bin/chromium)
//   SALKKU_BROWSER_SCREENSHOT  where to save a screenshot of the page when a check fails (optional)
//   SALKKU_BROWSER_TIMEOUT_MS  how long each step may take (default 20000)
// Exit status: 0 all checks passed (one summary line on stdout); 1 a check failed; 2 cannot run
// (bad arguments, playwright-core or Chromium missing).
import { createRequire } from "node:module";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";

const [base, token, dirArg] = process.argv.slice(2);
if (!base || !token) {
  console.error("usage: node graphiql.mjs BASE_URL TOKEN [NODE_DIR]");
  process.exit(2);
}
const nodeDir =
  dirArg || process.env.SALKKU_CONTRACT_NODE_DIR || path.join(os.homedir(), ".cache", "salkku", "node");
const chromiumPath = process.env.SALKKU_CHROMIUM || "/usr/bin/chromium";
const screenshotPath = process.env.SALKKU_BROWSER_SCREENSHOT || "";
const stepTimeout = Number(process.env.SALKKU_BROWSER_TIMEOUT_MS || 20000);

// ESM ignores NODE_PATH: resolve playwright-core from NODE_DIR explicitly.
let chromium;
try {
  ({ chromium } = createRequire(path.join(path.resolve(nodeDir), "node_modules", "noop.js"))("playwright-core"));
} catch (e) {
  console.error(`graphiql: the npm package playwright-core is missing in ${nodeDir}: npm install --prefix ${nodeDir} playwright-core (${e.code ?? e.message})`);
  process.exit(2);
}
if (!existsSync(chromiumPath)) {
  console.error(`graphiql: no Chromium at ${chromiumPath} (Debian package chromium, or set SALKKU_CHROMIUM)`);
  process.exit(2);
}

const origin = new URL(base).origin;
const ideUrl = `${origin}/graphql`;
// One query, checked against the demo: MONNI is the demo's child-protection application.
const QUERY = '{ applications(filter: { search: "MONNI" }) { nodes { acronym name status } } }';
const EXPECTED = '"acronym": "MONNI"';
const HEADERS = JSON.stringify({ Authorization: `Bearer ${token}` });

class Failure extends Error {}
const fail = (message) => {
  throw new Failure(message);
};

const foreign = []; // requests that left the server's origin
const consoleErrors = []; // console errors, uncaught exceptions, CSP violations
const graphqlPosts = []; // { phase, authorization } of every POST /graphql the page sent
const introspections = []; // "STATUS BODY" of GraphiQL's schema requests
let phase = "load";

const userDataDir = mkdtempSync(path.join(os.tmpdir(), "salkku-graphiql-"));
let context;
let page;
try {
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: chromiumPath,
    headless: true,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--disable-dev-shm-usage", // containers often have a small /dev/shm
    ],
    viewport: { width: 1400, height: 900 },
    timeout: stepTimeout * 2,
  });
} catch (e) {
  rmSync(userDataDir, { recursive: true, force: true });
  console.error(`graphiql: Chromium at ${chromiumPath} did not start: ${e.message.split("\n")[0]}`);
  process.exit(2);
}

const sameOrigin = (url) => {
  if (/^(data|blob|about):/.test(url)) return true;
  try {
    return new URL(url).origin === origin;
  } catch {
    return false;
  }
};

try {
  context.setDefaultTimeout(stepTimeout);
  // Nothing may leave the server: record and refuse every request to another origin (refusing
  // also keeps a machine without internet from waiting on it).
  await context.route(
    (url) => !sameOrigin(url.href),
    (route) => {
      foreign.push(`${route.request().method()} ${route.request().url()}`);
      return route.abort("blockedbyclient");
    },
  );
  context.on("request", (request) => {
    if (!sameOrigin(request.url())) foreign.push(`${request.method()} ${request.url()}`);
    if (request.method() === "POST" && request.url() === ideUrl) {
      graphqlPosts.push({ phase, authorization: request.headers()["authorization"] ?? null });
    }
  });
  context.on("response", async (response) => {
    const request = response.request();
    if (request.method() !== "POST" || request.url() !== ideUrl) return;
    if (!(request.postData() ?? "").includes("IntrospectionQuery")) return;
    introspections.push(`${response.status()} ${(await response.text().catch(() => "")).slice(0, 300)}`);
  });
  // CSP violations reach the console too; the event says exactly which directive refused what.
  await context.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (e) => {
      console.error(`CSP violation: ${e.violatedDirective} refused ${e.blockedURI || "(inline)"}`);
    });
  });

  page = context.pages()[0] ?? (await context.newPage());
  page.on("console", (message) => {
    if (message.type() !== "error") return;
    const text = message.text();
    const where = message.location()?.url ?? "";
    // Without a token the API answers 401, and Chromium reports every 4xx response on the console.
    const expected401 = phase === "anonymous" && where === ideUrl && /status of 401/.test(text);
    if (!expected401) consoleErrors.push(`[${phase}] ${text}${where ? ` (${where})` : ""}`);
  });
  page.on("pageerror", (error) => consoleErrors.push(`[${phase}] uncaught: ${error.message}`));

  // The IDE: the page itself must be served as HTML with the CSP.
  const response = await page.goto(ideUrl, { waitUntil: "load" });
  if (!response || response.status() !== 200) fail(`GET ${ideUrl} answered ${response?.status()}`);
  const contentType = response.headers()["content-type"] ?? "";
  if (!contentType.startsWith("text/html")) fail(`GET ${ideUrl} is ${contentType}, not the IDE's HTML`);
  if (!(response.headers()["content-security-policy"] ?? "").includes("script-src 'self'")) {
    fail("the IDE's page has no Content-Security-Policy limiting scripts to the server");
  }
  const queryEditor = page.locator(".graphiql-query-editor .CodeMirror");
  await queryEditor.waitFor({ state: "visible" });
  const runButton = page.locator("button.graphiql-execute-button");
  await runButton.waitFor({ state: "visible" });

  // Reads an editor's text through CodeMirror (what GraphiQL will send), for checking our typing.
  const editorValue = (locator) => locator.evaluate((el) => el.CodeMirror.getValue());
  // Replaces an editor's text as a person does: click into it, select all, type.
  const typeInto = async (locator, text) => {
    await locator.click();
    await page.keyboard.press("ControlOrMeta+A");
    await page.keyboard.press("Delete");
    // insertText types the whole text as one input, so the editor's auto-closing brackets and
    // completion pop-ups do not add characters of their own.
    if (text) await page.keyboard.insertText(text);
    await page.keyboard.press("Escape"); // close any completion list
    const got = await editorValue(locator);
    if (got !== text) fail(`typed ${JSON.stringify(text)} but the editor holds ${JSON.stringify(got)}`);
  };

  // The schema: GraphiQL introspects on load; the Documentation Explorer shows the root types.
  phase = "schema";
  const docsButton = page.locator('.graphiql-sidebar button[aria-label="Show Documentation Explorer"]');
  await docsButton.click();
  const docs = page.locator(".graphiql-doc-explorer");
  try {
    await page.waitForFunction(
      () => {
        const text = document.querySelector(".graphiql-doc-explorer")?.innerText ?? "";
        return (/Root Types/.test(text) && /query:\s*Query/.test(text)) || /Error fetching schema/.test(text);
      },
      null,
      { timeout: stepTimeout, polling: 100 },
    );
  } catch {
    fail(`the Documentation Explorer never showed the schema; it shows:\n${await docs.innerText()}`);
  }
  if (/Error fetching schema/.test(await docs.innerText())) {
    fail(`GraphiQL could not load the schema ("Error fetching schema" in the Documentation Explorer); ` +
      `its introspection got: ${introspections.join(" | ") || "(no answer seen)"}`);
  }
  await page.locator('.graphiql-sidebar button[aria-label="Hide Documentation Explorer"]').click();

  // Headers: the editor tools are open (defaultEditorToolsVisibility); switch to the Headers tab.
  const headersTab = page.locator('.graphiql-editor-tools button[data-name="headers"]');
  await headersTab.click();
  const headersEditor = page.locator(".graphiql-editor-tool .graphiql-editor:not(.hidden) .CodeMirror");
  await headersEditor.waitFor({ state: "visible" });
  const visibleTools = await page
    .locator(".graphiql-editor-tool .graphiql-editor:not(.hidden)")
    .count();
  if (visibleTools !== 1) fail(`expected one visible editor under the tools, found ${visibleTools}`);

  const resultPane = page.locator(".graphiql-response .result-window");
  const resultText = () => resultPane.innerText();
  // Presses the run button; waits for the answer to arrive and for the pane to show `want` (and
  // no longer `unwanted`, which may be the previous run's answer).
  const run = async (want, unwanted) => {
    const before = graphqlPosts.length;
    const answered = page.waitForResponse((r) => r.request().method() === "POST" && r.url() === ideUrl);
    answered.catch(() => {}); // judged below; never an unhandled rejection
    await runButton.click();
    let status;
    try {
      status = (await answered).status();
    } catch {
      fail(`[${phase}] pressing the run button sent no query to ${ideUrl}`);
    }
    try {
      await page.waitForFunction(
        ([w, u]) => {
          const text = document.querySelector(".graphiql-response .result-window")?.innerText ?? "";
          return text.includes(w) && !text.includes(u);
        },
        [want, unwanted],
        { timeout: stepTimeout / 2, polling: 100 },
      );
    } catch {
      fail(`[${phase}] the answer (HTTP ${status}) did not show ${want} in the result pane; it shows:\n${await resultText()}`);
    }
    const sent = graphqlPosts.slice(before).filter((p) => p.phase === phase);
    if (sent.length !== 1) fail(`[${phase}] the run button sent ${sent.length} POST /graphql requests, not 1`);
    return sent[0];
  };

  // 1. Signed in: the token in Headers, the query, run — MONNI in the result.
  phase = "signed-in";
  await typeInto(headersEditor, HEADERS);
  await typeInto(queryEditor, QUERY);
  const signedIn = await run(EXPECTED, "UNAUTHENTICATED");
  if (signedIn.authorization !== `Bearer ${token}`) {
    fail(`the request carried Authorization ${JSON.stringify(signedIn.authorization)}, not the token typed into Headers`);
  }
  const answer = await resultText();
  if (/"errors"/.test(answer)) fail(`the signed-in answer has errors:\n${answer}`);

  // 2. Signed out: empty Headers, the same query — UNAUTHENTICATED in the result.
  phase = "anonymous";
  await headersTab.click();
  await typeInto(headersEditor, "");
  if ((await editorValue(queryEditor)) !== QUERY) fail("the query editor lost the query between runs");
  const anonymous = await run("UNAUTHENTICATED", "MONNI");
  if (anonymous.authorization !== null) fail(`the anonymous request still carried Authorization ${anonymous.authorization}`);

  // Let late console messages (e.g. a 404 favicon) arrive before judging.
  phase = "end";
  await page.waitForTimeout(300);
  if (foreign.length) fail(`the page reached outside ${origin}:\n  ${[...new Set(foreign)].join("\n  ")}`);
  if (consoleErrors.length) fail(`the console reported errors:\n  ${consoleErrors.join("\n  ")}`);

  console.log(
    `graphiql: ok — ${ideUrl}: token in Headers ran the query and showed MONNI; without it UNAUTHENTICATED; ` +
      `nothing outside ${origin}, no console errors or CSP violations`,
  );
  await context.close();
  rmSync(userDataDir, { recursive: true, force: true });
  process.exit(0);
} catch (e) {
  // Playwright colours its call logs; keep the report plain.
  const what = (e instanceof Failure ? e.message : `[${phase}] ${e.stack ?? e}`).replace(/\x1b\[[0-9;]*m/g, "");
  console.error(`graphiql: FAILED: ${what}`);
  if (foreign.length && !what.includes("reached outside")) console.error(`graphiql: requests outside ${origin}: ${[...new Set(foreign)].join(", ")}`);
  if (consoleErrors.length && !what.includes("console reported")) console.error(`graphiql: console errors:\n  ${consoleErrors.join("\n  ")}`);
  if (screenshotPath && page) {
    try {
      await page.screenshot({ path: screenshotPath, fullPage: true, timeout: 5000 });
      console.error(`graphiql: screenshot saved to ${screenshotPath}`);
    } catch (s) {
      console.error(`graphiql: no screenshot: ${s.message.split("\n")[0]}`);
    }
  }
  await context?.close().catch(() => {});
  rmSync(userDataDir, { recursive: true, force: true });
  process.exit(1);
}
