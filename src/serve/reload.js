(function () {
  // quorum serve: reload when the site is rebuilt, show the build error while it fails.
  // The websocket URL is absolute, so this works from a page at any depth.
  var script = document.currentScript;
  var generation = script && script.getAttribute("data-quorum-generation");
  var delay = 200;
  function overlay(message) {
    var box = document.getElementById("quorum-error");
    if (message == null) {
      if (box) box.parentNode.removeChild(box);
      return;
    }
    if (!box) {
      box = document.createElement("div");
      box.id = "quorum-error";
      box.setAttribute("role", "alert");
      box.style.cssText = "position:fixed;inset:auto 0 0 0;max-height:60vh;overflow:auto;z-index:2147483647;margin:0;padding:1em 1.5em;background:#fff4f4;color:#1a1a1a;border-top:4px solid #b00020;box-shadow:0 -2px 12px rgba(0,0,0,.3);font:14px/1.4 system-ui,sans-serif";
      var title = document.createElement("p");
      title.style.cssText = "margin:0 0 .5em;font-weight:bold;color:#b00020";
      title.textContent = "quorum: the site does not build. This page shows the last good build.";
      var pre = document.createElement("pre");
      pre.style.cssText = "margin:0;white-space:pre-wrap;font:13px/1.4 ui-monospace,monospace";
      box.appendChild(title);
      box.appendChild(pre);
      document.body.appendChild(box);
    }
    box.querySelector("pre").textContent = message;
  }
  function connect() {
    var ws = new WebSocket((location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/__quorum/ws");
    ws.onopen = function () {
      delay = 200;
    };
    ws.onmessage = function (event) {
      var state = JSON.parse(event.data);
      if (state.generation && state.generation !== generation) {
        location.reload();
        return;
      }
      overlay(state.error);
    };
    ws.onclose = function () {
      // The server restarted or stopped: try again, more and more slowly.
      setTimeout(connect, delay);
      delay = Math.min(delay * 2, 5000);
    };
  }
  connect();
})();
