// visitgis reference console: public GraphQL API only, vendored Leaflet, no external host.
// Offline basemap: no tiles unless `?tiles=<xyz url>&crs=WGS84|GCJ02|BD09` is given; the
// district's own data are the map. Routes are hash URLs (#/<view>/<args>) so views can be shared.
// Each view lives in views/<name>.js and registers itself with `visitgis.register`.
"use strict";
const TEXT = {
  zh: { title: "visitgis 控制台", token: "粘贴令牌", signin: "登录", signedOut: "请先粘贴令牌登录",
        error: "出错" },
  en: { title: "visitgis console", token: "Paste a token", signin: "Sign in",
        signedOut: "Paste a token to sign in", error: "Error" },
};
const VIEWS = {};
const DEFAULT_VIEW = "day";
let lang = localStorage.getItem("visitgis.lang") || "zh";
const params = new URLSearchParams(location.search);
const crs = params.get("crs") || "WGS84";
const map = L.map("map", { preferCanvas: true }).setView([0, 0], 2);
if (params.get("tiles")) L.tileLayer(params.get("tiles")).addTo(map);
const layer = L.featureGroup().addTo(map);

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
  const response = await fetch("../graphql", {
    method: "POST",
    headers: { "Content-Type": "application/json", Authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = await response.json();
  if (body.errors) throw new Error(body.errors.map((e) => e.message).join("; "));
  return body.data;
}

/** Make an element: el("li", {className: "x"}, "text", child…). */
function el(tag, props, ...children) {
  const node = Object.assign(document.createElement(tag), props || {});
  node.append(...children.filter((c) => c !== null && c !== undefined));
  return node;
}

/** Register a view: `render(args)` draws into `visitgis.layer` and `#panel`; `texts` adds i18n. */
function register(name, { render, texts }) {
  VIEWS[name] = render;
  for (const code of Object.keys(texts || {})) Object.assign(TEXT[code], texts[code]);
}

async function route() {
  const status = document.getElementById("status");
  if (!sessionStorage.getItem("visitgis.token")) { status.textContent = t("signedOut"); return; }
  const [name, ...args] = location.hash.replace(/^#\/?/, "").split("/");
  status.textContent = "";
  layer.clearLayers();
  document.getElementById("panel").replaceChildren();
  const view = VIEWS[name || DEFAULT_VIEW] || VIEWS[DEFAULT_VIEW];
  try { await view(args.map(decodeURIComponent)); } catch (err) { status.textContent = `${t("error")}: ${err.message}`; }
}

window.visitgis = { map, layer, crs, gql, el, t, register, route,
                    lang: () => lang, countFeatures: () => layer.getLayers().length };
window.visitgisConsole = window.visitgis;  // the name the first browser test used

window.addEventListener("DOMContentLoaded", () => {
  document.getElementById("signin").onclick = () => {
    sessionStorage.setItem("visitgis.token", document.getElementById("token").value.trim());
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
  route();
});
