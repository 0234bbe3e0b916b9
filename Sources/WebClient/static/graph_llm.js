// The library's "read with a language model" card: shown when the server has a model. The cost
// estimate (tokens, dollars, the month's budget) comes first; only then can a run be started.
// A run's progress is polled until it ends, and it can be stopped.
import { api, el, toast, busy, plural } from "./app.js";

const usd = (value) => `$${value > 0 && value < 0.01 ? value.toPrecision(2) : value.toFixed(2)}`;
const tokens = (value) => value.toLocaleString("en");

export async function initGraphReading() {
  const card = document.getElementById("graph-llm");
  if (!card) return;
  let capabilities;
  try { capabilities = await api("/v1/capabilities"); } catch { return; }
  if (!capabilities.llm) return;
  card.hidden = false;
  const estimateLine = document.getElementById("graph-llm-estimate");
  const statusLine = document.getElementById("graph-llm-status");
  const check = document.getElementById("graph-llm-check");
  const start = document.getElementById("graph-llm-start");
  const cancel = document.getElementById("graph-llm-cancel");
  let timer = null;

  function showJob(job) {
    const running = job.state === "running";
    cancel.hidden = !running;
    check.disabled = running;
    if (running) start.hidden = true;
    const done = `${job.chunksDone} of ${plural(job.chunksTotal, "passage")} read in ${job.documentsDone} of ${plural(job.documentsTotal, "document")}`;
    const spent = `${usd(job.costUSD)} spent (${tokens(job.inputTokens)} tokens in, ${tokens(job.outputTokens)} out)`;
    const checked = job.droppedEntities + job.droppedMentions > 0
      ? ` · ${plural(job.droppedEntities + job.droppedMentions, "name")} the text did not bear out left out` : "";
    statusLine.textContent = {
      idle: "",
      running: `Reading… ${done} · ${spent}`,
      succeeded: `Done: ${done} · ${spent}${checked}.`,
      cancelled: `Stopped: ${done} · ${spent}. What was read is in the graph; starting again continues.`,
      budget_reached: `${job.error ?? "Stopped at the spending cap."} ${done} · ${spent}.`,
      failed: `Stopped: ${job.error ?? "the model failed"} ${done} · ${spent}.`,
      interrupted: `${job.error ?? "Interrupted."} ${done}.`,
    }[job.state] ?? job.state;
    clearTimeout(timer);
    if (running) timer = setTimeout(poll, 2000);
  }

  async function poll() {
    try { showJob(await api("/v1/graph/llm-extraction")); } catch (error) { statusLine.textContent = error.message; }
  }

  check.addEventListener("click", () => busy(check, async () => {
    try {
      const estimate = await api("/v1/graph/llm-extraction/estimate");
      const budget = estimate.budget;
      const left = budget.remainingUSD == null ? "no monthly cap" : `${usd(budget.remainingUSD)} left of your ${usd(budget.monthlyUSD)} this month`;
      if (estimate.chunks === 0) {
        estimateLine.textContent = estimate.documentsAlreadyRead
          ? `All ${plural(estimate.documentsAlreadyRead, "ready document")} have been read by the model already.`
          : "No ready documents to read yet.";
        start.hidden = true;
        return;
      }
      const cost = estimate.priceKnown ? `about ${usd(estimate.estimatedCostUSD)}` : "an unknown cost (no price is configured for this model)";
      estimateLine.textContent = `${estimate.model} (${estimate.provider}) would read ${plural(estimate.documents, "document")}, `
        + `${plural(estimate.chunks, "passage")}: about ${tokens(estimate.inputTokens)} tokens in and ${tokens(estimate.outputTokens)} out, `
        + `${cost}. Budget: ${left}.`
        + (estimate.documentsAlreadyRead ? ` ${plural(estimate.documentsAlreadyRead, "document")} already read are skipped.` : "");
      start.hidden = false;
      start.disabled = !estimate.fitsBudget;
      start.title = estimate.fitsBudget ? "" : "The estimate is more than the budget left this month.";
    } catch (error) {
      estimateLine.textContent = error.message;
    }
  }));

  start.addEventListener("click", () => busy(start, async () => {
    try {
      showJob(await api("/v1/graph/llm-extraction", { method: "POST", json: {} }));
      start.hidden = true;
    } catch (error) {
      toast(error.message, "error");
    }
  }));

  cancel.addEventListener("click", () => busy(cancel, async () => {
    try { showJob(await api("/v1/graph/llm-extraction", { method: "DELETE" })); } catch (error) { toast(error.message, "error"); }
  }));

  poll();
}
