import { render } from "preact";
import { App } from "./app";
import { loadConfig } from "./config";
import "./styles.css";

const root = document.getElementById("app");
if (root) {
  void loadConfig().then((config) => render(<App config={config} />, root));
}
