/* Upload evidence files one at a time, each with its size, a progress bar and a result.
   With tus-js-client loaded (static/vendor/tus) a file larger than 5 MiB goes up in 5 MiB parts and carries
   on from the server's offset after a dropped connection (the tus protocol, evidence/views_tus.py); without it, one
   request per file. Without this script the same form posts every file at once and the page lists the results.
   window.EvidenceUpload lets capture.js send what the camera or the microphone made the same way. */
(function () {
  "use strict";
  const form = document.querySelector("form[data-upload]");
  if (!form || !window.XMLHttpRequest || !window.FormData) {
    return;
  }
  const input = document.getElementById("id_files");
  const results = form.querySelector("[data-upload-results]");
  const fileList = document.getElementById("file-list");
  const token = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  const maxSize = Number(form.dataset.maxSize) || Infinity;
  // S3's smallest part (evidence/resumable.py MIN_PART_SIZE): every part but the last has this size.
  const CHUNK_SIZE = 5 * 1024 * 1024;
  const resumable = Boolean(window.tus && window.tus.isSupported && form.dataset.tusEndpoint);
  let counter = 0;

  function fill(template, values) {
    return (template || "").replace(/\{(\w+)\}/g, function (whole, key) {
      return Object.prototype.hasOwnProperty.call(values, key) ? values[key] : whole;
    });
  }

  /* The words this script shows come translated from the page (the form's data-text-* attributes, in the
     reader's language); these English ones stand in for any the page does not give. */
  const ENGLISH = {
    TooBig: "this file is {size}, more than the {limit} limit for one file, so it was not sent. Make it smaller " +
      "(a video can be recorded at a lower resolution or split in parts) and upload it again.",
    Dropped: "the connection dropped after {sent} of {size}. Press Resume to carry on from there; what arrived " +
      "is kept for {hours} hours.",
    Resume: "Resume",
    Cancel: "Cancel",
    Cancelled: "Cancelled; what had arrived was deleted.",
    Resuming: "Carrying on from {sent} of {size}.",
    Offline: "the connection failed; check it and upload the file again.",
    Failed: "the server could not take this file ({status}).",
    Upload: "Upload",
    Discard: "Discard",
    Ready: "{name}, {size}: ready to upload.",
    Discarded: "{name} discarded; nothing was sent.",
    Refused: "Refused: {reason}",
    NotSent: "{name} ({size}): {reason}",
    Bytes: "{size} bytes",
  };

  function text(name, values) {
    return fill(form.dataset["text" + name] || ENGLISH[name], values || {});
  }

  /* Sizes as the server writes them (evidence/uploads.py format_size): powers of 1000. */
  function formatSize(size) {
    if (size < 1000) {
      return text("Bytes", { size: size });
    }
    let value = size / 1000;
    let unit = "KB";
    ["MB", "GB", "TB"].some(function (larger) {
      if (value < 1000) {
        return true;
      }
      value /= 1000;
      unit = larger;
      return false;
    });
    return value.toFixed(1).replace(/\.0$/, "") + " " + unit;
  }

  /* Why a file will not be sent (over the limit for one file), or null. */
  function tooBig(file) {
    if (file.size <= maxSize) {
      return null;
    }
    return text("TooBig", { size: formatSize(file.size), limit: form.dataset.maxLabel });
  }

  function row(file) {
    counter += 1;
    const id = "upload-" + counter;
    const item = document.createElement("li");
    item.className = "mb-2";
    const label = document.createElement("label");
    label.setAttribute("for", id);
    label.className = "d-block";
    label.textContent = file.name + " (" + formatSize(file.size) + ")";
    const bar = document.createElement("progress");
    bar.id = id;
    bar.max = 100;
    bar.value = 0;
    bar.textContent = "0%";
    const message = document.createElement("span");
    message.className = "d-block small";
    message.setAttribute("role", "status");
    item.append(label, bar, message);
    results.append(item);
    return { item: item, bar: bar, message: message };
  }

  function refreshFiles() {
    if (!fileList || !window.fetch || !window.DOMParser) {
      return;
    }
    fetch(window.location.href, { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then(function (response) { return response.text(); })
      .then(function (html) {
        const fresh = new DOMParser().parseFromString(html, "text/html").getElementById("file-list");
        if (fresh) {
          fileList.innerHTML = fresh.innerHTML;
        }
      })
      .catch(function () { /* the list shows the file on the next visit */ });
  }

  function finish(parts, result) {
    if (parts.again) {
      window.removeEventListener("online", parts.again);  // finished: coming back online resumes nothing
    }
    parts.item.querySelectorAll("[data-upload-resume], [data-upload-cancel]").forEach(function (button) {
      button.remove();
    });
    if (result.ok) {
      parts.bar.value = 100;
    }
    parts.message.textContent = result.ok ? "\u2713 " + result.message
      : result.cancelled ? "\u2717 " + result.message
        : "\u2717 " + text("Refused", { reason: result.message });
    parts.message.className = "d-block small " + (result.ok ? "upload-ok" : "upload-refused");
    if (result.ok && result.html && fileList) {
      const empty = document.getElementById("no-files");
      if (empty) {
        empty.remove();
      }
      fileList.insertAdjacentHTML("beforeend", result.html);
    }
  }

  function sendForm(file, parts) {
    const data = new FormData();
    data.append("files", file, file.name);
    const request = new XMLHttpRequest();
    request.open("POST", form.action);
    request.setRequestHeader("Accept", "application/json");
    request.setRequestHeader("X-CSRFToken", token);
    request.upload.addEventListener("progress", function (event) {
      if (event.lengthComputable) {
        parts.bar.value = Math.round((event.loaded / event.total) * 100);
        parts.bar.textContent = parts.bar.value + "%";
      }
    });
    request.addEventListener("load", function () {
      let body = null;
      try {
        body = JSON.parse(request.responseText);
      } catch (error) {
        body = null;
      }
      const result = body && body.results && body.results[0];
      finish(parts, result || { ok: false, message: text("Failed", { status: request.status }) });
    });
    request.addEventListener("error", function () {
      finish(parts, { ok: false, message: text("Offline") });
    });
    request.send(data);
  }

  /* A dropped connection: say how far it got, and carry on from there on Resume (or when back online). */
  function dropped(file, parts, upload) {
    // What the server has: the offset it acknowledged last, not what left the browser before the drop.
    const sent = parts.accepted || 0;
    parts.message.textContent = "\u26a0 " + text("Dropped", {
      sent: formatSize(sent), size: formatSize(file.size), hours: form.dataset.expiryHours,
    });
    parts.message.className = "d-block small upload-dropped";
    if (parts.item.querySelector("[data-upload-resume]")) {
      return;
    }
    const button = document.createElement("button");
    button.type = "button";
    button.className = "btn btn-outline-primary btn-sm mt-1";
    button.setAttribute("data-upload-resume", "");
    button.textContent = text("Resume");
    const again = function () {
      window.removeEventListener("online", again);
      button.remove();
      parts.message.textContent = text("Resuming", { sent: formatSize(sent), size: formatSize(file.size) });
      parts.message.className = "d-block small";
      upload.start();
    };
    parts.again = again;
    button.addEventListener("click", again);
    window.addEventListener("online", again);
    parts.item.insertBefore(button, parts.item.querySelector("[data-upload-cancel]"));
  }

  function refusal(file, error) {
    const response = error.originalResponse;
    const status = response ? response.getStatus() : 0;
    if (status < 400 || status >= 500) {
      return null;
    }
    // The protocol's refusals are plain sentences; anything else (a 403 or 404 page) is summed up by its status.
    const plain = (response.getHeader("Content-Type") || "").indexOf("text/plain") === 0;
    const body = (plain && (response.getBody() || "").trim()) || text("Failed", { status: status });
    // The server names the file first ("photo.jpg: this is ..."); the row already shows its name.
    return body.indexOf(file.name + ": ") === 0 ? body.slice(file.name.length + 2) : body;
  }

  function sendResumable(file, parts) {
    const upload = new window.tus.Upload(file, {
      endpoint: form.dataset.tusEndpoint,
      chunkSize: CHUNK_SIZE,
      retryDelays: [0, 1000, 3000, 5000],
      metadata: { filename: file.name, filetype: file.type || "" },
      headers: { "X-CSRFToken": token },
      removeFingerprintOnSuccess: true,
      onProgress: function (sent, total) {
        parts.bar.value = total ? Math.round((sent / total) * 100) : 0;
        parts.bar.textContent = parts.bar.value + "%";
      },
      onChunkComplete: function (size, accepted) {
        parts.accepted = accepted;
      },
      onError: function (error) {
        const reason = refusal(file, error);
        if (reason === null) {
          dropped(file, parts, upload);
        } else {
          finish(parts, { ok: false, message: reason });
        }
      },
      onSuccess: function (payload) {
        const response = payload && payload.lastResponse;
        const message = response && response.getHeader("Evidence-Message");
        finish(parts, { ok: true, message: message ? decodeURIComponent(message) : "" });
        refreshFiles();
      },
    });
    const cancel = document.createElement("button");
    cancel.type = "button";
    cancel.className = "btn btn-outline-danger btn-sm mt-1 ms-1";
    cancel.setAttribute("data-upload-cancel", "");
    cancel.textContent = text("Cancel");
    const hidden = document.createElement("span");
    hidden.className = "visually-hidden";
    hidden.textContent = " " + file.name;
    cancel.append(hidden);
    cancel.addEventListener("click", function () {
      const done = function () {
        finish(parts, { ok: false, cancelled: true, message: text("Cancelled") });
      };
      // Terminated on the server too (tus DELETE): what arrived is deleted, not left to expire.
      upload.abort(true).then(done, done);
    });
    parts.item.append(cancel);
    // The same file chosen again (after a reload, or another day) carries on where it stopped.
    upload.findPreviousUploads().then(function (previous) {
      if (previous.length) {
        upload.resumeFromPreviousUpload(previous[0]);
      }
      upload.start();
    });
  }

  function send(file) {
    const parts = row(file);
    const problem = tooBig(file);
    if (problem) {
      finish(parts, { ok: false, message: problem });
      return;
    }
    // A file of one part gains nothing from resuming (a part arrives whole or not at all): one request.
    if (resumable && file.size > CHUNK_SIZE) {
      sendResumable(file, parts);
    } else {
      sendForm(file, parts);
    }
  }

  function sendAll(files) {
    Array.prototype.forEach.call(files, send);
  }

  window.EvidenceUpload = { send: send, tooBig: tooBig, formatSize: formatSize, fill: fill, text: text };

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    sendAll(input.files);
    input.value = "";
  });
  input.addEventListener("change", function () {
    sendAll(input.files);
    input.value = "";
  });
  ["dragenter", "dragover"].forEach(function (name) {
    form.addEventListener(name, function (event) {
      event.preventDefault();
      form.classList.add("is-dragover");
    });
  });
  ["dragleave", "drop"].forEach(function (name) {
    form.addEventListener(name, function () {
      form.classList.remove("is-dragover");
    });
  });
  form.addEventListener("drop", function (event) {
    event.preventDefault();
    if (event.dataTransfer && event.dataTransfer.files.length) {
      sendAll(event.dataTransfer.files);
    }
  });
}());
