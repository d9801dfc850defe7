// Landing page: shows the server's status for a logged-in owner, or how to log in.

const $ = (id) => document.getElementById(id);

async function api(path, options = {}) {
  const response = await fetch(path, { credentials: 'same-origin', ...options });
  if (response.status === 401) return { signedOut: true };
  if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
  return response.status === 204 ? {} : response.json();
}

function setState(state, text) {
  const pill = $('server-state');
  pill.dataset.state = state;
  pill.textContent = text;
}

async function load() {
  try {
    const status = await api('/api/status');
    if (status.signedOut) {
      setState('ok', 'running');
      $('signed-out').hidden = false;
      return;
    }
    setState('ok', 'running');
    $('mcp-url').textContent = status.mcp_url;
    $('public-url').textContent = status.public_url ?? 'not exposed (local clients only)';
    $('local-url').textContent = status.local_url;
    $('data-dir').textContent = status.data_dir;
    $('version').textContent = status.version;
    $('status').hidden = false;
  } catch (error) {
    setState('down', 'not reachable');
    console.error(error);
  }
}

$('copy-mcp').addEventListener('click', async () => {
  const url = $('mcp-url').textContent;
  try {
    await navigator.clipboard.writeText(url);
    $('copy-done').textContent = 'Copied';
  } catch {
    // Clipboard access can be refused (insecure context, permissions); select the text instead.
    const range = document.createRange();
    range.selectNodeContents($('mcp-url'));
    const selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
    $('copy-done').textContent = 'Selected — press Ctrl+C';
  }
  setTimeout(() => { $('copy-done').textContent = ''; }, 2500);
});

$('logout').addEventListener('click', async () => {
  await api('/auth/logout', { method: 'POST' });
  location.reload();
});

load();
