// The detail panel: profiles of the selected words and box plots of the selected units.

import d3 from "../../vendor/d3.js";
import { CHART } from "../events.js";
import { responseProfile, boxPlots } from "../charts/index.js";
import { wordProfile, profileExtent, unitBoxes } from "../data/profile.js";
import { appendError, setLoading } from "./status.js";
import { kindLabel } from "../data/format.js";

/**
 * Create the panel in `container`. `update({words, units, onRemoveWord, onRemoveUnit, onWord})`:
 * `words` = [{word, sides: [{label, stats | null, error | null}]}] (one side per model/layer shown),
 * `units` = [{key, title, stats | null, error | null}]. Charts are keyed by word / unit key.
 */
export function createDetailPanel(container) {
  const root = container.append("div").attr("class", "detail-panel");
  const wordsHead = root.append("h3").attr("class", "panel-title").text("Words");
  const wordsBox = root.append("div").attr("class", "word-cards");
  const unitsHead = root.append("h3").attr("class", "panel-title").text("Units");
  const unitsBox = root.append("div").attr("class", "unit-cards");
  const width = 300;

  function update({ words, units, onRemoveWord, onRemoveUnit, onWord, selectedWords = new Set() }) {
    wordsHead.html("").call((h) => {
      h.append("span").text("Words");
      h.append("span").attr("class", "panel-hint").text(words.length ? `${words.length} of 3` : "click a word in a cloud");
    });

    wordsBox.selectAll(":scope > .card")
      .data(words, (w) => w.word)
      .join((enter) => {
        const card = enter.append("div").attr("class", "card word-card");
        const head = card.append("div").attr("class", "card-head");
        head.append("span").attr("class", "swatch");
        head.append("span").attr("class", "card-title");
        head.append("span").attr("class", "card-sub");
        head.append("button").attr("class", "icon-button remove").attr("type", "button").attr("aria-label", "remove").text("×");
        card.append("div").attr("class", "card-body");
        return card;
      })
      .attr("data-word", (w) => w.word)
      .each(function (w, i) {
        const card = d3.select(this);
        card.select(".swatch").attr("data-index", i).text(i + 1);
        card.select(".card-title").text(w.word);
        const counts = w.sides.map((s) => (s.stats ? s.stats.count : null)).filter((c) => c !== null);
        card.select(".card-sub").text(counts.length ? `${counts[0]}× in the corpus` : "");
        card.select(".remove").on("click", () => onRemoveWord(w.word));
        const body = card.select(".card-body");
        // the sides of one word (two models or layers) share a y scale so they compare
        const loaded = w.sides.filter((s) => s.stats);
        const extent = loaded.length > 1 ? profileExtent(loaded.flatMap((s) => wordProfile(s.stats))) : null;
        const sides = body.selectAll(":scope > .side").data(w.sides, (s) => s.label)
          .join((e) => {
            const side = e.append("div").attr("class", "side");
            side.append("div").attr("class", "side-label");
            side.append("div").attr("class", "side-chart");
            return side;
          });
        sides.select(".side-label").text((s) => s.label).classed("hidden", w.sides.length < 2);
        sides.each(function (s) {
          const el = d3.select(this).select(".side-chart");
          el.selectAll(".error-box").remove();
          setLoading(el, !s.stats && !s.error, "loading…");
          if (s.error) {
            el.selectAll("svg").remove();
            appendError(el, s.error, `no response for “${w.word}”`);
            return;
          }
          if (!s.stats) return;
          const svg = el.selectAll("svg").data([0]).join("svg");
          svg.call(responseProfile().data(wordProfile(s.stats)).width(width).height(140).extent(extent));
          el.selectAll("p.band-legend").data([0]).join("p").attr("class", "band-legend")
            .html(s.stats.percentiles
              ? `<span class="key key-mean"></span>mean <span class="key key-inner"></span>25–75% <span class="key key-outer"></span>9–91%`
              : `<span class="key key-mean"></span>mean (percentile bands need stored states)`);
        });
      });
    wordsBox.selectAll(":scope > .note").data(words.length ? [] : [0]).join("p").attr("class", "note")
      .text("Click up to three words in the word clouds: every unit square is coloured by the word's response, and its profile appears here.");

    unitsHead.html("").call((h) => {
      h.append("span").text("Units");
      h.append("span").attr("class", "panel-hint").text(units.length ? `${units.length} of 2` : "click a unit square");
    });
    unitsBox.selectAll(":scope > .card")
      .data(units, (u) => u.key)
      .join((enter) => {
        const card = enter.append("div").attr("class", "card unit-card");
        const head = card.append("div").attr("class", "card-head");
        head.append("span").attr("class", "card-title");
        head.append("span").attr("class", "card-sub");
        head.append("a").attr("class", "open-units").text("what it does →");
        head.append("button").attr("class", "icon-button remove").attr("type", "button").attr("aria-label", "remove").text("×");
        card.append("div").attr("class", "card-body");
        return card;
      })
      .attr("data-unit", (u) => u.key)
      .each(function (u) {
        const card = d3.select(this);
        card.select(".card-title").text(u.title);
        card.select(".card-sub").text(u.sub ?? "");
        card.select(".open-units").attr("href", u.href ?? null).classed("hidden", !u.href)
          .attr("title", `open unit ${u.title.replace("unit ", "")} in the Units view: its strongest contexts, histogram and rankings`);
        card.select(".remove").on("click", () => onRemoveUnit(u.key));
        const body = card.select(".card-body");
        body.selectAll(".error-box").remove();
        setLoading(body, !u.stats && !u.error, "loading…");
        if (u.error) {
          body.selectAll("svg").remove();
          appendError(body, u.error, "no statistics for this unit");
          return;
        }
        if (!u.stats) return;
        const chart = boxPlots().data(unitBoxes(u.stats)).width(width).selected(selectedWords)
          .on(CHART.CLICK, (event, row) => onWord(row.word));
        body.selectAll("svg").data([0]).join("svg").call(chart);
      });
    unitsBox.selectAll(":scope > .note").data(units.length ? [] : [0]).join("p").attr("class", "note")
      .text("Click up to two unit squares in the memory chips to see the words that push each unit up and down.");
  }

  return { update, kindLabel };
}
