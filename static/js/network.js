// Network map: draws the owner's graph from /network/data.json with Cytoscape.js (vendored).
// Filters refetch the data without a page reload (and keep the URL in step, so a reload or a
// shared link shows the same map); the form still works as a plain GET without JavaScript.
(function () {
  "use strict";

  const container = document.getElementById("network-graph");
  if (!container || typeof window.cytoscape !== "function") return;
  const form = document.getElementById("network-filters");
  const status = document.getElementById("network-status");
  const search = document.getElementById("network-search");
  const tableLink = document.getElementById("table-link");
  const brief = document.getElementById("brief");
  let cy = null;
  let request = 0;

  function colourBy() {
    const field = form.elements.namedItem("colour");
    return (field && field.value) || container.dataset.colour || "circle";
  }

  function styles(colour) {
    const nodeColour = colour === "discipline" ? "data(colorDiscipline)" : "data(colorCircle)";
    return [
      { selector: "node", style: {
        "width": "data(size)", "height": "data(size)", "background-color": nodeColour,
        "label": "data(label)", "font-size": 11, "color": "#1d2330", "text-valign": "bottom",
        "text-margin-y": 3, "min-zoomed-font-size": 9, "border-width": 1.5, "border-color": "#ffffff",
        "text-background-color": "#ffffff", "text-background-opacity": 0.7, "text-background-padding": 1,
      } },
      { selector: "node.group", style: {
        "border-width": 2, "border-style": "dashed", "border-color": "#5d6678", "opacity": 0.85,
        "shape": "round-rectangle" } },
      { selector: "node.me", style: {
        "background-color": "#1d2330", "color": "#ffffff", "text-valign": "center", "font-size": 14,
        "font-weight": "bold", "text-background-opacity": 0, "min-zoomed-font-size": 0, "text-margin-y": 0,
      } },
      { selector: "edge", style: { "curve-style": "bezier", "opacity": 0.8 } },
      { selector: "edge.flow", style: {
        "width": "data(width)", "target-arrow-shape": "triangle", "arrow-scale": 0.9,
        "control-point-step-size": 18,
      } },
      { selector: "edge.give", style: { "line-color": "#2f5bd3", "target-arrow-color": "#2f5bd3" } },
      { selector: "edge.received", style: { "line-color": "#1f7a4d", "target-arrow-color": "#1f7a4d" } },
      { selector: "edge.link", style: {
        "width": 1.2, "line-color": "#9aa3b2", "line-style": "dashed", "opacity": 0.7,
      } },
      { selector: "edge.link.directed", style: { "target-arrow-shape": "vee", "target-arrow-color": "#9aa3b2" } },
      { selector: ".faded", style: { "opacity": 0.12 } },
      { selector: "node.match", style: { "border-width": 4, "border-color": "#f5b700", "z-index": 10 } },
      { selector: "node.selected", style: { "border-width": 4, "border-color": "#1d2330", "z-index": 11 } },
    ];
  }

  function queryString() {
    const params = new URLSearchParams(new FormData(form));
    for (const [key, value] of Array.from(params.entries())) {
      if (!value) params.delete(key);
    }
    return params.toString();
  }

  function describe(meta, elements) {
    if (!meta.total) return "No contacts yet: add a few and they will appear around you here.";
    const groupCount = (sum, e) => sum + (e.classes === "group" ? e.data.count : 0);
    meta = { ...meta, grouped: elements.reduce(groupCount, 0) };
    const windowText = meta.window_days ? `in the last ${meta.window_days} days` : "of all time";
    const grouped = meta.grouped ? ` (the ${meta.grouped} others grouped by circle)` : "";
    return `${meta.shown} of ${meta.total} people shown${grouped} · ${meta.gives} gives and ` +
      `${meta.received} received ${windowText} · ${meta.links} links between people`;
  }

  async function load() {
    const query = queryString();
    const mine = ++request;
    status.textContent = "Loading the map…";
    container.dataset.state = "loading";
    let data;
    try {
      const response = await fetch(container.dataset.url + (query ? `?${query}` : ""), {
        headers: { Accept: "application/json" }, credentials: "same-origin",
      });
      if (!response.ok) throw new Error(String(response.status));
      data = await response.json();
    } catch (error) {
      status.textContent = "The map could not be loaded; the table view shows the same data.";
      container.dataset.state = "error";
      return;
    }
    if (mine !== request) return; // a newer filter change is already on its way
    draw(data.elements);
    status.textContent = describe(data.meta, data.elements);
    container.dataset.state = "ready";
    container.dataset.shown = String(data.meta.shown);
    if (tableLink) tableLink.href = tableLink.dataset.base + (query ? `?${query}` : "");
    window.history.replaceState(null, "", window.location.pathname + (query ? `?${query}` : ""));
  }

  function draw(elements) {
    if (cy) cy.destroy();
    const big = elements.length > 1500;
    cy = window.cytoscape({
      container,
      elements,
      style: styles(colourBy()),
      layout: { name: "preset", fit: true, padding: 24 },
      minZoom: 0.05,
      maxZoom: 4,
      // Large maps pan and zoom as a bitmap, then redraw sharply when the gesture ends.
      textureOnViewport: big,
      hideEdgesOnViewport: big,
      motionBlur: !big,
    });
    cy.on("tap", "node", (event) => openBrief(event.target));
    cy.on("tap", (event) => {
      if (event.target === cy) cy.nodes().removeClass("selected");
    });
    if (search.value) highlight(search.value);
  }

  function openBrief(node) {
    if (!node || node.id() === "me") return;
    // A group of the people not drawn one by one: their list, strongest first.
    if (node.data("href")) {
      window.location.href = node.data("href");
      return;
    }
    cy.nodes().removeClass("selected");
    node.addClass("selected");
    const url = node.data("brief");
    if (window.htmx) {
      window.htmx.ajax("GET", url, { target: "#brief", swap: "innerHTML" });
    } else {
      window.location.href = url;
    }
  }

  function matches(text) {
    const needle = text.trim().toLowerCase();
    if (!needle || !cy) return null;
    return cy.nodes("[!me]").filter((node) =>
      String(node.data("label")).toLowerCase().includes(needle) ||
      String(node.data("company") || "").toLowerCase().includes(needle));
  }

  function highlight(text) {
    if (!cy) return;
    cy.elements().removeClass("faded match");
    const found = matches(text);
    if (!found) return;
    if (!found.length) {
      status.textContent = `No one on the map matches “${text.trim()}”.`;
      return;
    }
    cy.elements().not(found).addClass("faded");
    found.addClass("match");
    if (found.length === 1) {
      // Fitting a single node would zoom in to the maximum; centre it at a readable zoom.
      cy.animate({ center: { eles: found }, zoom: Math.max(cy.zoom(), 1.4), duration: 250 });
    } else {
      cy.animate({ fit: { eles: found, padding: 80 }, duration: 250 });
    }
    status.textContent = `${found.length} match${found.length === 1 ? "" : "es"} for “${text.trim()}”; Enter opens the first.`;
  }

  let searchTimer = null;
  search.addEventListener("input", () => {
    window.clearTimeout(searchTimer);
    searchTimer = window.setTimeout(() => highlight(search.value), 150);
  });
  search.addEventListener("keydown", (event) => {
    if (event.key !== "Enter") return;
    event.preventDefault(); // Enter here picks a person; it does not submit the filters
    const found = matches(search.value);
    if (found && found.length) openBrief(found[0]);
  });

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    load();
  });
  form.addEventListener("change", (event) => {
    if (event.target === search) return;
    if (event.target.name === "colour") {
      recolour();
      window.history.replaceState(null, "", window.location.pathname + "?" + queryString());
      return;
    }
    load();
  });

  function recolour() {
    const colour = colourBy();
    for (const name of ["circle", "discipline"]) {
      const legend = document.getElementById(`legend-${name}`);
      if (legend) legend.hidden = name !== colour;
    }
    if (cy) cy.style(styles(colour));
  }

  if (brief) {
    // Keep the brief in view on narrow screens, where it sits below the map.
    brief.addEventListener("htmx:afterSwap", () => {
      if (window.matchMedia("(max-width: 900px)").matches) brief.scrollIntoView({ behavior: "smooth" });
    });
  }

  recolour();
  load();
})();
