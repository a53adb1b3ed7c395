/* The phone's camera and the browser's microphone, on a draft's upload form (templates/evidence/_capture.html).
   A photo or video taken with the camera is shown with its size, then uploaded or discarded; a recording
   (MediaRecorder, audio only) is timed, played back, then uploaded or discarded. Both go up through
   upload.js (window.EvidenceUpload): resumable, and refused before sending when over the size limit.
   Without this script the camera inputs post with the form; the recorder stays hidden. */
(function () {
  "use strict";
  const form = document.querySelector("form[data-upload]");
  const api = window.EvidenceUpload;
  if (!form || !api) {
    return;
  }

  /* A button named for its file too ("Upload photo.jpg"), so that two waiting files' buttons differ. */
  function button(label, className, fileName) {
    const element = document.createElement("button");
    element.type = "button";
    element.className = className;
    element.textContent = label;
    const hidden = document.createElement("span");
    hidden.className = "visually-hidden";
    hidden.textContent = " " + fileName;
    element.append(hidden);
    return element;
  }

  /* ---------------------------------------------------------------- the camera: show, then upload or discard */
  const pending = form.querySelector("[data-capture-pending]");

  function offer(file) {
    const item = document.createElement("li");
    item.className = "capture-pending border rounded p-2 mb-2";
    item.setAttribute("data-testid", "capture-pending");
    const description = document.createElement("p");
    description.className = "mb-2";
    const problem = api.tooBig(file);
    description.textContent = problem
      ? "\u2717 " + api.text("NotSent", { name: file.name, size: api.formatSize(file.size), reason: problem })
      : api.text("Ready", { name: file.name, size: api.formatSize(file.size) });
    if (problem) {
      description.className += " upload-refused";
    }
    const actions = document.createElement("div");
    actions.className = "d-flex flex-wrap gap-2";
    const discard = button(api.text("Discard"), "btn btn-outline-danger btn-sm", file.name);
    discard.addEventListener("click", function () {
      item.replaceChildren(description);
      description.textContent = api.text("Discarded", { name: file.name });
      description.className = "mb-0";
      window.setTimeout(function () { item.remove(); }, 8000);
    });
    if (!problem) {
      const upload = button(api.text("Upload"), "btn btn-primary btn-sm", file.name);
      upload.addEventListener("click", function () {
        item.remove();
        api.send(file);
      });
      actions.append(upload);
    }
    actions.append(discard);
    item.append(description, actions);
    pending.append(item);
    (actions.querySelector(".btn-primary") || discard).focus();
  }

  form.querySelectorAll("input[data-capture]").forEach(function (input) {
    input.addEventListener("change", function () {
      Array.prototype.forEach.call(input.files, offer);
      input.value = "";  // held here until Upload: the form's own button must not send it twice
    });
  });

  /* ---------------------------------------------------------------- the microphone */
  const recorder = form.querySelector("[data-recorder]");
  const supported = recorder && window.MediaRecorder && navigator.mediaDevices &&
    navigator.mediaDevices.getUserMedia;
  if (!supported) {
    return;
  }
  // What this browser records, in the order the server's types prefer (evidence/sniff.py: WebM and Ogg audio, M4A).
  const FORMATS = [
    ["audio/webm;codecs=opus", "webm"], ["audio/webm", "webm"], ["audio/ogg;codecs=opus", "ogg"],
    ["audio/mp4", "m4a"],
  ];
  const format = FORMATS.find(function (candidate) {
    return !window.MediaRecorder.isTypeSupported || window.MediaRecorder.isTypeSupported(candidate[0]);
  });
  if (!format) {
    return;
  }
  const start = recorder.querySelector("[data-recorder-start]");
  const stop = recorder.querySelector("[data-recorder-stop]");
  const timer = recorder.querySelector("[data-recorder-timer]");
  const status = recorder.querySelector("[data-recorder-status]");
  const result = recorder.querySelector("[data-recorder-result]");
  const audio = recorder.querySelector("[data-recorder-audio]");
  const upload = recorder.querySelector("[data-recorder-upload]");
  const discard = recorder.querySelector("[data-recorder-discard]");
  let media = null;
  let stream = null;
  let chunks = [];
  let started = 0;
  let stopped = 0;
  let ticking = 0;
  let recording = null;

  /* The recorder's words come translated from the page (its data-text-* attributes); these English ones stand in
     for any the page does not give. */
  const ENGLISH = {
    Recording: "Recording. Press Stop recording when you have finished.",
    Stopped: "Recorded {duration}, {size}. Play it back, then upload it or discard it.",
    Discarded: "Recording discarded.",
    Uploading: "Uploading the recording; its progress is listed below.",
    Denied: "The microphone could not be used ({reason}). Allow this site to use the microphone in the " +
      "browser\u2019s settings, then press Start recording again.",
    Name: "Recording",
    TooBig: "This recording is {size}, more than the {limit} limit for one file. Discard it and record a " +
      "shorter one.",
  };

  function words(name) {
    return recorder.dataset["text" + name] || ENGLISH[name];
  }

  function say(name, values) {
    status.textContent = api.fill(words(name), values || {});
  }

  function clock(milliseconds) {
    const seconds = Math.floor(milliseconds / 1000);
    return Math.floor(seconds / 60) + ":" + String(seconds % 60).padStart(2, "0");
  }

  function clear() {
    if (audio.src) {
      URL.revokeObjectURL(audio.src);
      audio.removeAttribute("src");
    }
    recording = null;
    result.hidden = true;
    timer.textContent = "0:00";
  }

  function stamp() {
    const now = new Date();
    const two = function (number) { return String(number).padStart(2, "0"); };
    return now.getFullYear() + "-" + two(now.getMonth() + 1) + "-" + two(now.getDate()) + " " +
      two(now.getHours()) + "-" + two(now.getMinutes()) + "-" + two(now.getSeconds());
  }

  function finished() {
    const elapsed = (stopped || Date.now()) - started;
    const type = (media && media.mimeType) || format[0];
    const blob = new Blob(chunks, { type: type });
    recording = new File([blob], words("Name") + " " + stamp() + "." + format[1], { type: type });
    audio.src = URL.createObjectURL(blob);
    result.hidden = false;
    start.hidden = false;
    stop.hidden = true;
    const problem = api.tooBig(recording);
    upload.hidden = Boolean(problem);
    if (problem) {
      say("TooBig", { size: api.formatSize(recording.size), limit: form.dataset.maxLabel });
      discard.focus();
    } else {
      say("Stopped", { duration: clock(elapsed), size: api.formatSize(recording.size) });
      upload.focus();
    }
  }

  start.addEventListener("click", function () {
    clear();
    navigator.mediaDevices.getUserMedia({ audio: true }).then(function (granted) {
      stream = granted;
      chunks = [];
      media = new window.MediaRecorder(stream, { mimeType: format[0] });
      media.addEventListener("dataavailable", function (event) {
        if (event.data && event.data.size) {
          chunks.push(event.data);
        }
      });
      media.addEventListener("stop", finished);
      media.start(1000);
      started = Date.now();
      stopped = 0;
      ticking = window.setInterval(function () { timer.textContent = clock(Date.now() - started); }, 250);
      start.hidden = true;
      stop.hidden = false;
      stop.focus();
      say("Recording");
    }).catch(function (error) {
      say("Denied", { reason: error && error.name ? error.name : String(error) });
    });
  });

  stop.addEventListener("click", function () {
    window.clearInterval(ticking);
    stopped = Date.now();
    timer.textContent = clock(stopped - started);
    if (media && media.state !== "inactive") {
      media.stop();
    }
    if (stream) {
      stream.getTracks().forEach(function (track) { track.stop(); });
    }
  });

  upload.addEventListener("click", function () {
    if (recording) {
      api.send(recording);
    }
    clear();
    say("Uploading");
    start.focus();
  });

  discard.addEventListener("click", function () {
    clear();
    say("Discarded");
    start.focus();
  });

  recorder.hidden = false;
}());
