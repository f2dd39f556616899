// visitgis reference console: public GraphQL API only, vendored Leaflet, no external host.
// Offline basemap: no tiles unless `?tiles=<xyz url>&crs=WGS84|GCJ02|BD09` is given; the
// district's own retailer points are the map. Routes are hash URLs (#/day) so views can be shared.
"use strict";
const TEXT = {
  zh: { title: "visitgis 控制台", token: "粘贴令牌", signin: "登录", retailers: "零售户",
        signedOut: "请先粘贴令牌登录", error: "出错" },
  en: { title: "visitgis console", token: "Paste a token", signin: "Sign in", retailers: "Retailers",
        signedOut: "Paste a token to sign in", error: "Error" },
};
let lang = localStorage.getItem("visitgis.lang") || "zh";
const params = new URLSearchParams(location.search);
const crs = params.get("crs") || "WGS84";
const map = L.map("map", { preferCanvas: true }).setView([0, 0], 2);
if (params.get("tiles")) L.tileLayer(params.get("tiles")).addTo(map);
const layer = L.featureGroup().addTo(map);
window.visitgisConsole = { layer, countFeatures: () => layer.getLayers().length };

function t(key) { return TEXT[lang][key]; }
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

const DAY = `query Day($crs: CoordinateSystem!) { viewer { manager {
  startLabel retailers(first: 100) { totalCount nodes { id name address position(coordinateSystem: $crs) { lat lon } } }
} } }`;

async function dayView() {
  performance.mark("visitgis-day-start");
  const data = await gql(DAY, { crs });
  const manager = data.viewer.manager;
  layer.clearLayers();
  const panel = document.getElementById("panel");
  panel.replaceChildren();
  if (!manager) return;
  const list = document.createElement("ol");
  for (const r of manager.retailers.nodes) {
    L.circleMarker([r.position.lat, r.position.lon], { radius: 5 }).bindTooltip(r.name).addTo(layer);
    const item = document.createElement("li");
    item.textContent = `${r.name} — ${r.address}`;
    list.append(item);
  }
  const heading = document.createElement("h3");
  heading.textContent = `${t("retailers")}: ${manager.retailers.totalCount}`;
  panel.append(heading, list);
  if (layer.getLayers().length) map.fitBounds(layer.getBounds(), { padding: [20, 20] });
  performance.measure("visitgis-day-render", "visitgis-day-start");
  document.body.dataset.rendered = "day";
}

const VIEWS = { day: dayView };
async function route() {
  const status = document.getElementById("status");
  if (!sessionStorage.getItem("visitgis.token")) { status.textContent = t("signedOut"); return; }
  const name = (location.hash.replace(/^#\/?/, "").split("/")[0]) || "day";
  status.textContent = "";
  try { await (VIEWS[name] || dayView)(); } catch (err) { status.textContent = `${t("error")}: ${err.message}`; }
}

document.getElementById("signin").onclick = () => {
  sessionStorage.setItem("visitgis.token", document.getElementById("token").value.trim());
  route();
};
document.getElementById("lang").onclick = () => {
  lang = lang === "zh" ? "en" : "zh";
  localStorage.setItem("visitgis.lang", lang);
  applyLang();
};
window.addEventListener("hashchange", route);
applyLang();
route();
