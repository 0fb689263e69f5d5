// SVG and PNG export of a drawn view (styles inlined, so the file stands alone).

const PROPS = ["fill", "fill-opacity", "stroke", "stroke-width", "stroke-opacity", "opacity", "font-family",
  "font-size", "font-weight", "font-style", "text-anchor", "dominant-baseline", "paint-order", "visibility", "display"];

/** A standalone copy of an <svg> with computed styles inlined and a white background. */
export function standaloneSvg(svg) {
  const clone = svg.cloneNode(true);
  const src = svg.querySelectorAll("*");
  const dst = clone.querySelectorAll("*");
  src.forEach((node, i) => {
    const cs = getComputedStyle(node);
    const style = PROPS.map((p) => `${p}:${cs.getPropertyValue(p)}`).join(";");
    dst[i].setAttribute("style", style);
  });
  clone.setAttribute("xmlns", "http://www.w3.org/2000/svg");
  const { width, height } = svg.getBBox ? { width: svg.width.baseVal.value, height: svg.height.baseVal.value } : svg;
  clone.setAttribute("width", width);
  clone.setAttribute("height", height);
  const bg = document.createElementNS("http://www.w3.org/2000/svg", "rect");
  bg.setAttribute("width", "100%");
  bg.setAttribute("height", "100%");
  bg.setAttribute("fill", "#ffffff");
  clone.insertBefore(bg, clone.firstChild);
  return { text: new XMLSerializer().serializeToString(clone), width, height };
}

function download(blob, filename) {
  const a = document.createElement("a");
  a.href = URL.createObjectURL(blob);
  a.download = filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
}

export function exportSvg(svg, filename) {
  const { text } = standaloneSvg(svg);
  download(new Blob([text], { type: "image/svg+xml" }), filename);
}

/** PNG at `scale` times the on-screen size. */
export function exportPng(svg, filename, scale = 2) {
  const { text, width, height } = standaloneSvg(svg);
  const img = new Image();
  return new Promise((resolve, reject) => {
    img.onload = () => {
      const canvas = document.createElement("canvas");
      canvas.width = Math.ceil(width * scale);
      canvas.height = Math.ceil(height * scale);
      const ctx = canvas.getContext("2d");
      ctx.scale(scale, scale);
      ctx.drawImage(img, 0, 0);
      canvas.toBlob((blob) => { download(blob, filename); resolve(); }, "image/png");
    };
    img.onerror = () => reject(new Error("could not render the PNG"));
    img.src = "data:image/svg+xml;charset=utf-8," + encodeURIComponent(text);
  });
}

/**
 * SVG and PNG download buttons appended to `actions` (a d3 selection) for the <svg> that `svg()`
 * returns (null while nothing is drawn), saved as `stem()` + .svg / .png; `toast(message)` reports.
 */
export function exportButtons(actions, { svg, stem, toast }) {
  const formats = [
    { cls: "export-svg", label: "SVG", title: "download the view as SVG", save: (node) => exportSvg(node, `${stem()}.svg`) },
    { cls: "export-png", label: "PNG", title: "download the view as PNG (2×)", save: (node) => exportPng(node, `${stem()}.png`) },
  ];
  for (const f of formats) {
    actions.append("button").attr("type", "button").attr("class", `button ${f.cls}`).text(f.label).attr("title", f.title)
      .on("click", () => {
        const node = svg();
        if (!node) { toast("nothing to export yet"); return; }
        Promise.resolve(f.save(node)).catch((e) => toast(e.message));
      });
  }
}
