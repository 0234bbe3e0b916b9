// The GraphQL explorer (/graphql): posts the query with the signed-in session (or a pasted token
// or API key) and shows the answer.
import { authHeaders } from "./app.js";

const form = document.getElementById("graphql-form");
const output = document.getElementById("graphql-result");

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  let variables = {};
  try {
    variables = JSON.parse(form.elements.variables.value || "{}");
  } catch {
    output.textContent = "The variables are not valid JSON.";
    return;
  }
  const token = form.elements.token.value.trim();
  const headers = { "Content-Type": "application/json", ...(token ? { Authorization: "Bearer " + token } : authHeaders()) };
  output.textContent = "Running…";
  try {
    const response = await fetch("/graphql", {
      method: "POST", headers, body: JSON.stringify({ query: form.elements.query.value, variables }),
    });
    output.textContent = `${response.status} ${response.statusText}\n` + JSON.stringify(await response.json(), null, 2);
  } catch (error) {
    output.textContent = "The server could not be reached: " + error.message;
  }
});
