// Copies the browser builds of our npm dependencies into ../static/vendor (not committed).
// Why a copy and no bundler: each library ships a ready UMD build; the pages load them with <script>.
import { cpSync, mkdirSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const target = join(here, "..", "static", "vendor");
const files = {
  "bpmn-js/dist/bpmn-navigated-viewer.production.min.js": "bpmn-viewer.js",
  "bpmn-js/dist/assets/diagram-js.css": "diagram-js.css",
  "bpmn-js/dist/assets/bpmn-js.css": "bpmn-js.css",
  "bpmn-js/dist/assets/bpmn-font": "bpmn-font",
  "@json-editor/json-editor/dist/jsoneditor.js": "jsoneditor.js",
  "chart.js/dist/chart.umd.min.js": "chart.js",
  "swagger-ui-dist/swagger-ui-bundle.js": "swagger-ui/swagger-ui-bundle.js",
  "swagger-ui-dist/swagger-ui-standalone-preset.js": "swagger-ui/swagger-ui-standalone-preset.js",
  "swagger-ui-dist/swagger-ui.css": "swagger-ui/swagger-ui.css",
};
rmSync(target, { recursive: true, force: true });
mkdirSync(target, { recursive: true });
for (const [from, to] of Object.entries(files)) {
  mkdirSync(dirname(join(target, to)), { recursive: true });
  cpSync(join(here, "node_modules", from), join(target, to), { recursive: true });
}
console.log(`vendor assets copied to ${target}`);
