// visitgis reference console: public GraphQL API only, vendored Leaflet, no external host.
// Offline basemap: no tiles unless `?tiles=<xyz url>&crs=WGS84|GCJ02|BD09` is given; the
// district's own data are the map. Routes are hash URLs (#/<view>/<args>) so views can be shared.
// Each view lives in views/<name>.js and registers itself with `visitgis.register`.
"use strict";
const TEXT = {
  zh: { title: "visitgis 控制台", token: "粘贴令牌", signin: "登录", signedOut: "请先粘贴令牌登录",
        error: "出错", busy: "请求过于频繁，请稍后再试：", navDay: "日计划", navLive: "实时看板", navLicence: "选址核查", navAudits: "稽查",
        navTerritories: "片区", navReports: "报表" },
  en: { title: "visitgis console", token: "Paste a token", signin: "Sign in",
        signedOut: "Paste a token to sign in", error: "Error", busy: "Too many requests; retry in", navDay: "Day plan", navLive: "Live board",
        navLicence: "Licence site", navAudits: "Audits", navTerritories: "Territories", navReports: "Reports" },
};
const VIEWS = {};
const DEFAULT_VIEW = "day";
let lang = localStorage.getItem("visitgis.lang") || "zh";
const params = new URLSearchParams(location.search);
const crs = params.get("crs") || "WGS84";
const map = L.map("map", { preferCanvas: true }).setView([0, 0], 2);
if (params.get("tiles")) L.tileLayer(params.get("tiles")).addTo(map);
const basemap = L.featureGroup().addTo(map);  // drawn once per sign-in; not a view's features
const layer = L.featureGroup().addTo(map);
const BASEMAP = `query Basemap($crs: CoordinateSystem!) {
  retailerDensity(cellSizeM: 500, coordinateSystem: $crs) { lat lon retailers } }`;

/** Offline basemap: the district's retailers as 500 m density squares (no tile server needed). */
async function drawBasemap() {
  if (params.get("tiles") || basemap.getLayers().length) return;
  drawDensity((await gql(BASEMAP, { crs })).retailerDensity);
  if (!layer.getLayers().length && basemap.getLayers().length) map.fitBounds(basemap.getBounds());
}

/** Density squares on the canvas renderer: darker where more retailers are. */
function drawDensity(cells) {
  const most = Math.max(1, ...cells.map((c) => c.retailers));
  const halfLat = 250 / 110574;
  for (const c of cells) {
    const halfLon = 250 / (111320 * Math.cos((c.lat * Math.PI) / 180));
    L.rectangle([[c.lat - halfLat, c.lon - halfLon], [c.lat + halfLat, c.lon + halfLon]], {
      stroke: false, fillColor: "#6b7c93", fillOpacity: 0.08 + 0.5 * Math.sqrt(c.retailers / most),
      interactive: false,
    }).addTo(basemap);
  }
}

function t(key) { return TEXT[lang][key] ?? TEXT.en[key] ?? key; }
function applyLang() {
  document.documentElement.lang = lang === "zh" ? "zh-CN" : "en";
  document.querySelectorAll("[data-i18n]").forEach((el) => { el.textContent = t(el.dataset.i18n); });
  document.querySelectorAll("[data-i18n-placeholder]").forEach((el) => {
    el.placeholder = t(el.dataset.i18nPlaceholder);
  });
  document.getElementById("lang").textContent = lang === "zh" ? "English" : "中文";
}

async function gql(query, variables) {
  const token = sessionStorage.getItem("visitgis.token");
  for (let attempt = 0; ; attempt += 1) {
    const response = await fetch("../graphql", {
      method: "POST",
      headers: { "Content-Type": "application/json", Authorization: `Bearer ${token}` },
      body: JSON.stringify({ query, variables }),
    });
    if (response.status === 429) {  // the API's cost budget: wait as it asks, once, then say so
      const wait_s = Math.min(30, Number(response.headers.get("Retry-After")) || 5);
      if (attempt > 0) throw new Error(`${t("busy")} ${wait_s} s`);
      document.getElementById("status").textContent = `${t("busy")} ${wait_s} s`;
      await new Promise((resolve) => setTimeout(resolve, wait_s * 1000));
      document.getElementById("status").textContent = "";
      continue;
    }
    const body = await response.json();
    if (body.errors) throw new Error(body.errors.map((e) => e.message).join("; "));
    return body.data;
  }
}

/** Run a mutation whose payload lists `userErrors`; its payload, or an Error naming them. */
async function mutate(document, input) {
  const payload = Object.values(await gql(document, { input }))[0];
  if (payload.userErrors.length) throw new Error(payload.userErrors.map((e) => e.message).join("; "));
  return payload;
}

/** A button handler whose failure is shown on the status line, not lost. */
function action(fn) {
  return () => fn().catch((err) => { document.getElementById("status").textContent = `${t("error")}: ${err.message}`; });
}

/** Make an element: el("li", {className: "x"}, "text", child…). */
function el(tag, props, ...children) {
  const node = Object.assign(document.createElement(tag), props || {});
  node.append(...children.filter((c) => c !== null && c !== undefined));
  return node;
}

/** Add translations: { zh: {key: text}, en: {key: text} }. */
function addTexts(texts) {
  for (const code of Object.keys(texts || {})) Object.assign(TEXT[code], texts[code]);
}

/** Register a view: `render(args)` draws into `visitgis.layer` and `#panel`; `texts` adds i18n. */
function register(name, { render, texts }) {
  VIEWS[name] = render;
  addTexts(texts);
}

let routed = 0;
const leaving = [];
/** Run `fn` when the current view is left (close a subscription, a timer). */
function onLeave(fn) { leaving.push(fn); }

async function route() {
  leaving.splice(0).forEach((fn) => fn());
  const status = document.getElementById("status");
  if (!sessionStorage.getItem("visitgis.token")) { status.textContent = t("signedOut"); return; }
  const [name, ...args] = location.hash.replace(/^#\/?/, "").split("/");
  status.textContent = "";
  layer.clearLayers();
  document.getElementById("panel").replaceChildren();
  try { await drawBasemap(); } catch (err) { status.textContent = `${t("error")}: ${err.message}`; }
  const view = VIEWS[name || DEFAULT_VIEW] || VIEWS[DEFAULT_VIEW];
  const mine = ++routed;  // a view still loading when the next one starts stops drawing
  try { await view(args.map(decodeURIComponent), () => mine !== routed); } catch (err) {
    status.textContent = `${t("error")}: ${err.message}`;
  }
}

window.visitgis = { map, layer, basemap, drawDensity, crs, gql, mutate, action, el, t, addTexts, register, route, onLeave,
                    lang: () => lang, countFeatures: () => layer.getLayers().length };
window.visitgisConsole = window.visitgis;  // the name the first browser test used

window.addEventListener("DOMContentLoaded", () => {
  document.getElementById("signin").onclick = () => {
    sessionStorage.setItem("visitgis.token", document.getElementById("token").value.trim());
    basemap.clearLayers();  // another person may see other retailers
    route();
  };
  document.getElementById("lang").onclick = () => {
    lang = lang === "zh" ? "en" : "zh";
    localStorage.setItem("visitgis.lang", lang);
    applyLang();
    route();
  };
  window.addEventListener("hashchange", route);
  applyLang();
  if (typeof window.visitgisSignIn === "function") {  // the company's sign-in (site.js)
    window.visitgisSignIn().then((token) => { sessionStorage.setItem("visitgis.token", token); route(); },
      (err) => { document.getElementById("status").textContent = `${t("error")}: ${err.message}`; });
  } else {
    route();
  }
});
