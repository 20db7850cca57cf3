// Drag-and-drop on the deal board. A progressive enhancement: every card keeps its own buttons and
// forms, which work with the keyboard and without this file. A drop POSTs the same move as the button;
// the server applies the same transition table and the page reloads to show the result.
(function () {
  "use strict";
  var board = document.querySelector("[data-testid=board]");
  if (!board) { return; }
  var status = document.getElementById("board-status");
  var dragged = null;

  function csrfToken() {
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function accepts(column) {
    if (!dragged) { return false; }
    var targets = (dragged.dataset.targets || "").split(" ");
    return targets.indexOf(column.dataset.state) !== -1;
  }

  function announce(text) {
    if (status) { status.textContent = text; }
  }

  board.addEventListener("dragstart", function (event) {
    var card = event.target.closest ? event.target.closest(".deal-card") : null;
    if (!card) { return; }
    dragged = card;
    card.classList.add("deal-card--dragging");
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", card.dataset.deal);
    board.querySelectorAll(".board__column").forEach(function (column) {
      if (accepts(column)) { column.classList.add("board__column--target"); }
    });
  });

  board.addEventListener("dragend", function () {
    if (dragged) { dragged.classList.remove("deal-card--dragging"); }
    dragged = null;
    board.querySelectorAll(".board__column").forEach(function (column) {
      column.classList.remove("board__column--target", "board__column--over");
    });
  });

  board.addEventListener("dragover", function (event) {
    var column = event.target.closest ? event.target.closest(".board__column") : null;
    if (column && accepts(column)) {
      event.preventDefault();
      event.dataTransfer.dropEffect = "move";
      column.classList.add("board__column--over");
    }
  });

  board.addEventListener("dragleave", function (event) {
    var column = event.target.closest ? event.target.closest(".board__column") : null;
    if (column && !column.contains(event.relatedTarget)) { column.classList.remove("board__column--over"); }
  });

  board.addEventListener("drop", function (event) {
    var column = event.target.closest ? event.target.closest(".board__column") : null;
    if (!column || !dragged || !accepts(column)) { return; }
    event.preventDefault();
    var card = dragged;
    var state = column.dataset.state;
    if (state === "dropped") {
      // Dropping needs a reason: open the card's own form instead of guessing one.
      var details = card.querySelector(".deal-card__drop");
      if (details) {
        details.open = true;
        var select = details.querySelector("select");
        if (select) { select.focus(); }
      }
      return;
    }
    var body = new FormData();
    body.append("to_state", state);
    fetch(card.dataset.moveUrl, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken(), "Accept": "application/json" }
    }).then(function (response) {
      return response.json().then(function (data) { return { ok: response.ok, data: data }; });
    }).then(function (result) {
      if (result.ok) {
        window.location.reload();
      } else {
        announce(result.data.error ? result.data.error.message : "");
      }
    }).catch(function () { announce(""); });
  });
})();
