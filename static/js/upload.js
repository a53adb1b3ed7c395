/* Upload evidence files one request per file, with a progress bar and a result for each.
   Without this script the same form posts every file at once and the page lists the results. */
(function () {
  "use strict";
  const form = document.querySelector("form[data-upload]");
  if (!form || !window.XMLHttpRequest || !window.FormData) {
    return;
  }
  const input = form.querySelector("input[type=file]");
  const results = form.querySelector("[data-upload-results]");
  const fileList = document.getElementById("file-list");
  const token = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  let counter = 0;

  function row(file) {
    counter += 1;
    const id = "upload-" + counter;
    const item = document.createElement("li");
    item.className = "mb-2";
    const label = document.createElement("label");
    label.setAttribute("for", id);
    label.className = "d-block";
    label.textContent = file.name;
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
    return { item, bar, message };
  }

  function finish(parts, result) {
    parts.bar.value = 100;
    parts.message.textContent = (result.ok ? "\u2713 " : "\u2717 Refused: ") + result.message;
    parts.message.className = "d-block small " + (result.ok ? "upload-ok" : "upload-refused");
    if (result.ok && result.html && fileList) {
      const empty = document.getElementById("no-files");
      if (empty) {
        empty.remove();
      }
      fileList.insertAdjacentHTML("beforeend", result.html);
    }
  }

  function send(file) {
    const parts = row(file);
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
      finish(parts, result || { ok: false, message: "the server could not take this file (" + request.status + ")." });
    });
    request.addEventListener("error", function () {
      finish(parts, { ok: false, message: "the connection failed; try again." });
    });
    request.send(data);
  }

  function sendAll(files) {
    Array.prototype.forEach.call(files, send);
  }

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
