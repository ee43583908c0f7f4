'use strict';
// The page's behaviour: read the chosen files, hand their bytes to the WebAssembly library, show
// its verdict. All verification happens in the library (the same C++ the CLI runs).
(function () {
  const $ = (id) => document.getElementById(id);
  const status = $('status');
  let core = null;

  function setStatus(state, text) {
    status.dataset.state = state;
    status.textContent = text;
  }

  async function bytesOf(id) {
    const input = $(id);
    if (!input.files || input.files.length === 0) return null;
    return new Uint8Array(await input.files[0].arrayBuffer());
  }

  function showChecks(checks) {
    const list = $('checks');
    list.replaceChildren();
    for (const c of checks || []) {
      const li = document.createElement('li');
      li.className = c.status;
      li.dataset.status = c.status;
      li.textContent = (c.status === 'pass' ? 'pass — ' : 'FAIL — ') + c.check;
      const detail = document.createElement('span');
      detail.className = 'detail';
      detail.textContent = c.detail;
      li.appendChild(detail);
      list.appendChild(li);
    }
  }

  async function verify() {
    const names = { report: 'attestation report', vcek: 'VCEK/VLEK', ark: 'ARK', ask: 'ASK/ASVK' };
    const inputs = {};
    for (const id of Object.keys(names)) {
      inputs[id] = await bytesOf(id);
      if (!inputs[id]) {
        setStatus('error', 'Choose the ' + names[id] + ' file first.');
        return;
      }
    }
    let result;
    try {
      result = JSON.parse(core.verifyReport(inputs.report, inputs.vcek, inputs.ark, inputs.ask));
    } catch (e) {
      setStatus('error', 'Internal error: ' + e);
      return;
    }
    if (result.error) {
      showChecks([]);
      setStatus('error', 'Cannot read the ' + names[result.error.input] + ': ' + result.error.message);
      return;
    }
    showChecks(result.checks);
    setStatus(result.verified ? 'verified' : 'failed',
      result.verified ? 'VERIFIED — signed by genuine AMD hardware (report v' + result.report_version + ')'
                      : 'NOT VERIFIED — see the failed checks below');
  }

  $('verify').addEventListener('click', () => { verify(); });

  createSevproof().then((m) => {
    core = m;
    $('version').textContent = m.version();
    $('verify').disabled = false;
    setStatus('ready', 'Ready. Choose the files and press Verify.');
  }, (e) => setStatus('error', 'The verifier failed to load: ' + e));
})();
