/**
 * The page's entry module (index.html loads it with <script type="module">): asks the
 * backend once and shows its answer. Keep logic in api.js, where the tests reach it.
 */
import { apiUrl, describeAnswer, fetchApiAnswer } from './api.js';

const output = document.getElementById('api-answer');
const url = apiUrl(document.querySelector('meta[name="api-base"]')?.content);

if (output) {
  if (!url) {
    output.textContent = 'No backend is routed to this frontend.';
    output.dataset.state = 'none';
  } else {
    output.textContent = `Asking ${url} …`;
    const result = await fetchApiAnswer(url);
    // textContent, never innerHTML: the answer is data from another service.
    output.textContent = describeAnswer(result);
    output.dataset.state = result.ok ? 'ok' : 'error';
  }
}
