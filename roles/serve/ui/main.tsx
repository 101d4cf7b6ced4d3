/**
 * The browser entry of the web UI, bundled by `deno task ui:build` into dist/app.js.
 * @module
 */
import { render } from "preact";
import { App } from "./app.tsx";

render(<App />, document.getElementById("app")!);
