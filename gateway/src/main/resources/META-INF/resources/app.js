// ragline's chat page: streams answers from POST /v1/chat (Server-Sent Events over fetch), shows each cited source
// passage on click, uploads documents and follows their indexing status. Text from documents is only ever inserted
// as text, never as HTML.
(() => {
  'use strict';
  const $ = (id) => document.getElementById(id);
  let conversationId = null;
  const keyInput = $('api-key');
  keyInput.value = localStorage.getItem('ragline.key') || '';
  keyInput.addEventListener('change', () => localStorage.setItem('ragline.key', keyInput.value.trim()));

  function headers(extra) {
    const h = Object.assign({}, extra || {});
    const key = keyInput.value.trim();
    if (key) h['Authorization'] = 'Bearer ' + key;
    return h;
  }

  function add(role, text) {
    const li = document.createElement('li');
    li.className = role;
    if (text) li.textContent = text;
    $('messages').appendChild(li);
    li.scrollIntoView({ block: 'end' });
    return li;
  }

  async function problem(response) {
    try {
      const body = await response.json();
      return body.detail || (body.error && body.error.message) || response.statusText;
    } catch (e) {
      return response.status + ' ' + response.statusText;
    }
  }

  // Renders an answer with its [n] markers as buttons that open the cited passage.
  function renderAnswer(li, answer) {
    li.textContent = '';
    const badge = document.createElement('span');
    badge.className = 'badge ' + answer.mode;
    badge.textContent = answer.mode;
    li.appendChild(badge);
    const byN = new Map(answer.citations.map((c) => [c.n, c]));
    const parts = answer.answer.split(/(\[\d+(?:\s*,\s*\d+)*\])/);
    for (const part of parts) {
      const m = part.match(/^\[(\d+(?:\s*,\s*\d+)*)\]$/);
      if (!m) { li.appendChild(document.createTextNode(part)); continue; }
      for (const n of m[1].split(',').map((s) => parseInt(s.trim(), 10))) {
        const c = byN.get(n);
        if (!c) { li.appendChild(document.createTextNode('[' + n + ']')); continue; }
        const b = document.createElement('button');
        b.type = 'button';
        b.className = 'cite';
        b.textContent = String(n);
        b.title = c.title || c.documentId;
        b.dataset.n = String(n);
        b.addEventListener('click', () => showSource(c));
        li.appendChild(b);
      }
    }
    if (answer.notice) {
      const note = document.createElement('span');
      note.className = 'notice';
      note.textContent = answer.notice;
      li.appendChild(note);
    }
    const meta = document.createElement('span');
    meta.className = 'meta';
    meta.textContent = 'model ' + answer.model + ' · ' + answer.latencies.totalMs + ' ms · '
      + answer.usage.totalTokens + ' tokens';
    li.appendChild(meta);
  }

  function showSource(c) {
    $('source').hidden = false;
    $('source-n').textContent = '[' + c.n + ']';
    $('source-title').textContent = c.title || c.documentId;
    $('source-heading').textContent = c.headingPath && c.headingPath !== c.title ? '— ' + c.headingPath : '';
    $('source-where').textContent = 'document ' + c.documentId + ', characters ' + c.startOffset + '–' + c.endOffset
      + ', chunk ' + c.chunkId;
    $('source-text').textContent = c.snippet;
  }
  $('source-close').addEventListener('click', () => { $('source').hidden = true; });

  // Minimal SSE reader for a fetch body: calls onEvent(name, data) per event.
  async function readEvents(response, onEvent) {
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
      let cut;
      while ((cut = buffer.indexOf('\n\n')) >= 0) {
        const frame = buffer.slice(0, cut);
        buffer = buffer.slice(cut + 2);
        let name = 'message', data = '';
        for (const line of frame.split('\n')) {
          if (line.startsWith('event: ')) name = line.slice(7);
          else if (line.startsWith('data: ')) data += line.slice(6);
        }
        onEvent(name, data ? JSON.parse(data) : null);
      }
    }
  }

  $('ask').addEventListener('submit', async (e) => {
    e.preventDefault();
    const question = $('question').value.trim();
    if (!question) return;
    $('question').value = '';
    add('user', question);
    const li = add('assistant', '…');
    $('send').disabled = true;
    try {
      const body = { message: question, stream: true };
      if (conversationId) body.conversationId = conversationId;
      const response = await fetch('/v1/chat', {
        method: 'POST',
        headers: headers({ 'Content-Type': 'application/json', 'Accept': 'text/event-stream' }),
        body: JSON.stringify(body),
      });
      if (!response.ok) { li.className = 'error'; li.textContent = await problem(response); return; }
      let text = '';
      await readEvents(response, (name, data) => {
        if (name === 'retrieval') { conversationId = data.conversationId; li.textContent = ''; }
        else if (name === 'token') { text += data.text; li.textContent = text; li.scrollIntoView({ block: 'end' }); }
        else if (name === 'done') { renderAnswer(li, data); li.dataset.done = 'true'; }
        else if (name === 'error') { li.className = 'error'; li.textContent = text + '\n' + data.detail; }
      });
    } catch (err) {
      li.className = 'error';
      li.textContent = 'request failed: ' + err.message;
    } finally {
      $('send').disabled = false;
    }
  });
  $('question').addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && !e.shiftKey) { e.preventDefault(); $('ask').requestSubmit(); }
  });
  $('new-chat').addEventListener('click', () => { conversationId = null; $('messages').textContent = ''; });

  // Uploads, then polls each document's status until it is indexed or failed.
  $('upload-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const files = $('files').files;
    if (!files.length) return;
    const form = new FormData();
    for (const f of files) form.append('file', f, f.name);
    const response = await fetch('/v1/documents', { method: 'POST', headers: headers(), body: form });
    if (!response.ok) {
      const li = document.createElement('li');
      li.className = 'status-failed';
      li.textContent = await problem(response);
      $('uploads').appendChild(li);
      return;
    }
    const accepted = await response.json();
    for (const d of accepted.documents) follow(d.documentId, d.fileName);
    $('files').value = '';
  });

  function follow(id, name) {
    const li = document.createElement('li');
    const label = document.createElement('span');
    label.textContent = name;
    const status = document.createElement('span');
    status.className = 'status-queued';
    status.textContent = 'queued';
    li.append(label, status);
    li.dataset.documentId = id;
    $('uploads').appendChild(li);
    const started = Date.now();
    const poll = async () => {
      try {
        const r = await fetch('/v1/documents/' + encodeURIComponent(id), { headers: headers() });
        if (r.ok) {
          const d = await r.json();
          status.className = 'status-' + d.status;
          status.textContent = d.status + (d.status === 'indexed' ? ' · ' + d.chunkCount + ' chunks'
            : d.status === 'failed' && d.reason ? ' · ' + d.reason : '');
          if (d.status === 'indexed' || d.status === 'failed') return;
        }
      } catch (err) { /* retried below */ }
      if (Date.now() - started < 10 * 60 * 1000) setTimeout(poll, 1000);
    };
    setTimeout(poll, 500);
  }
})();
