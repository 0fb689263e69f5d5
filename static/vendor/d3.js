// ES-module face of the vendored D3 v7.9.0 UMD bundle (d3.min.js).
// index.html loads d3.min.js with a classic <script> first; it sets globalThis.d3.
const d3 = globalThis.d3;
if (!d3 || !d3.version) {
  throw new Error("D3 is missing: load /static/vendor/d3.min.js with a classic <script> before the app modules");
}
export default d3;
