/* Scoring workspace (recommendations/rounds.py): inline scoring by keyboard, live
   re-ranking after each score, weight and threshold changes, and the side panel with
   the criterion's rubric and every assessor's score. Plain JavaScript, no library.

   The server stays the only place where scores are computed: each change is sent to a
   JSON endpoint and the answer carries the new score, rank and tier of every row. */
(function () {
  "use strict";

  // "Check all / none" buttons of the round settings page.
  document.querySelectorAll("[data-check-all]").forEach(function (button) {
    button.addEventListener("click", function () {
      var name = button.dataset.checkAll;
      var on = button.dataset.value === "1";
      button.form.querySelectorAll('input[type=checkbox][name="' + name + '"]').forEach(function (box) {
        box.checked = on;
      });
    });
  });

  var grid = document.getElementById("grid");
  if (!grid) return;

  var T = JSON.parse(document.getElementById("workspace-i18n").textContent);
  var CRITERIA = JSON.parse(document.getElementById("criteria-info").textContent);
  var csrfInput = document.querySelector("[name=csrfmiddlewaretoken]");
  var csrf = csrfInput ? csrfInput.value : "";
  var status = document.getElementById("grid-status");
  var panel = {
    title: document.getElementById("panel-title"),
    hint: document.getElementById("panel-hint"),
    rubric: document.getElementById("panel-rubric"),
    cell: document.getElementById("panel-cell"),
    box: document.getElementById("panel-rationale-box"),
    rationale: document.getElementById("panel-rationale"),
    save: document.getElementById("panel-save"),
  };
  var current = null; // the input or button of the cell in the side panel

  function fill(template, values) {
    return template.replace(/%\((\w+)\)s/g, function (_, key) {
      return values[key] === undefined || values[key] === null ? "" : String(values[key]);
    });
  }

  function say(message, isError) {
    status.textContent = message;
    status.classList.toggle("error", !!isError);
  }

  // Requests go one after the other, so that the last answer is the latest ranking.
  var queue = Promise.resolve();
  function post(url, body) {
    var run = function () {
      return fetch(url, {
        method: "POST",
        credentials: "same-origin",
        headers: {
          "Content-Type": "application/json",
          Accept: "application/json",
          "X-CSRFToken": csrf,
        },
        body: JSON.stringify(body),
      }).then(function (response) {
        return response
          .json()
          .catch(function () {
            return { ok: false, error: T.refused + " (" + response.status + ")" };
          })
          .then(function (data) {
            data.status = response.status;
            return data;
          });
      });
    };
    var result = queue.then(run, run);
    queue = result.catch(function () {});
    return result;
  }

  // ----- rows ---------------------------------------------------------------

  function codeOf(recId) {
    var row = document.getElementById("r" + recId);
    return row ? row.querySelector("td a").textContent : "";
  }

  function updateRows(rows) {
    Object.keys(rows).forEach(function (recId) {
      var tr = document.getElementById("r" + recId);
      if (!tr) return;
      var data = rows[recId];
      var scoreCell = tr.querySelector(".c-score");
      var rankCell = tr.querySelector(".c-rank");
      var tierCell = tr.querySelector(".c-tier");
      var oldRank = rankCell.textContent;
      var newRank = data.rank === "" ? "—" : String(data.rank);

      scoreCell.textContent = data.score;
      if (data.score !== "—" && data.scored < data.criteria) {
        var star = document.createElement("span");
        star.className = "incomplete";
        star.title = fill(T.incomplete, { scored: data.scored, total: data.criteria });
        star.textContent = "*";
        scoreCell.appendChild(star);
      }
      rankCell.textContent = newRank;
      if (oldRank !== newRank) {
        tr.classList.remove("moved");
        void tr.offsetWidth; // restart the highlight animation
        tr.classList.add("moved");
      }
      var tier = tierCell.querySelector(".tier");
      tier.textContent = data.tier || "—";
      tier.className = "tier tier-" + (data.tier || "none") + (data.override ? " tier-override" : "");
      var badge = tierCell.querySelector(".badge.override");
      if (data.override) {
        if (!badge) {
          badge = document.createElement("span");
          badge.className = "badge override";
          badge.textContent = T.imposed;
          tier.insertAdjacentElement("afterend", badge);
          tier.insertAdjacentText("afterend", " ");
        }
        badge.title = fill(T.imposed_title, {
          computed: data.computed || "—",
          justification: data.justification,
        });
      } else if (badge) {
        badge.remove();
      }
    });
  }

  function updateProgress(progress) {
    Object.keys(progress || {}).forEach(function (assessorId) {
      var item = document.querySelector('#progress [data-assessor="' + assessorId + '"] .left');
      if (item) item.textContent = progress[assessorId];
    });
  }

  function updateCell(cell) {
    var tr = document.getElementById("r" + cell.recommendation);
    if (!tr) return;
    var td = tr.querySelector('td.cell[data-crit="' + cell.criterion + '"]');
    td.querySelector(".mean").textContent = cell.mean;
    td.querySelector(".spread").textContent = cell.assessors > 1 ? "↕" + cell.spread : "";
    td.classList.toggle("flag", cell.flagged);
    var spreads = Array.prototype.map.call(tr.querySelectorAll("td.cell .spread"), function (s) {
      return s.textContent ? parseInt(s.textContent.slice(1), 10) : null;
    }).filter(function (v) { return v !== null; });
    tr.querySelector(".c-spread").textContent = spreads.length ? Math.max.apply(null, spreads) : "—";
  }

  // ----- scoring ------------------------------------------------------------

  function saveScore(input, rationale) {
    var value = input.value.trim();
    var score = value === "" ? null : parseInt(value, 10);
    var body = {
      recommendation: parseInt(input.dataset.rec, 10),
      criterion: parseInt(input.dataset.crit, 10),
      score: score,
      rationale: rationale !== undefined ? rationale : input.dataset.rationale || "",
    };
    input.classList.add("saving");
    return post(grid.dataset.scoreUrl, body)
      .then(function (data) {
        input.classList.remove("saving");
        if (!data.ok) {
          input.value = input.dataset.saved;
          input.classList.add("error");
          say(data.error, true);
          return data;
        }
        input.classList.remove("error");
        input.dataset.saved = value;
        input.dataset.rationale = data.cell.rationale;
        input.classList.add("saved");
        updateCell(data.cell);
        updateRows(data.rows);
        updateProgress(data.progress);
        var name = CRITERIA[input.dataset.crit].name;
        say(
          score === null
            ? fill(T.withdrawn, { code: codeOf(input.dataset.rec), criterion: name })
            : fill(T.saved, { code: codeOf(input.dataset.rec), criterion: name, score: score })
        );
        if (current === input) showCell(input);
        return data;
      })
      .catch(function () {
        input.classList.remove("saving");
        input.value = input.dataset.saved;
        input.classList.add("error");
        say(T.network, true);
      });
  }

  function moveVertically(input, step) {
    var tr = input.closest("tr");
    var target = step > 0 ? tr.nextElementSibling : tr.previousElementSibling;
    if (!target) return;
    var next = target.querySelector('input.score[data-crit="' + input.dataset.crit + '"]');
    if (next) {
      next.focus();
      next.select();
    }
  }

  grid.addEventListener("keydown", function (event) {
    var input = event.target;
    if (!input.classList || !input.classList.contains("score")) return;
    if (event.key === "ArrowDown" || event.key === "Enter") {
      event.preventDefault();
      moveVertically(input, 1);
    } else if (event.key === "ArrowUp") {
      event.preventDefault();
      moveVertically(input, -1);
    } else if (/^[1-5]$/.test(event.key) && !event.ctrlKey && !event.metaKey && !event.altKey) {
      // Typing a digit replaces the cell's score, whatever was selected.
      event.preventDefault();
      input.value = event.key;
      input.classList.remove("error");
      if (input.value !== input.dataset.saved) saveScore(input);
    } else if (event.key.length === 1 && !event.ctrlKey && !event.metaKey && !event.altKey) {
      event.preventDefault();
      say(T.invalid, true);
    }
  });

  // Pasting, or clearing with Backspace/Delete: saved when leaving the cell.
  grid.addEventListener("change", function (event) {
    var input = event.target;
    if (!input.classList || !input.classList.contains("score")) return;
    var value = input.value.trim();
    if (value === input.dataset.saved) return;
    if (value === "" || /^[1-5]$/.test(value)) {
      saveScore(input);
    } else {
      input.value = input.dataset.saved;
      say(T.invalid, true);
    }
  });

  // ----- side panel ---------------------------------------------------------

  function showCell(control) {
    current = control;
    var info = CRITERIA[control.dataset.crit];
    panel.title.textContent = fill(T.rubric_for, { name: info.name });
    panel.hint.textContent =
      codeOf(control.dataset.rec) + " · " + T.weight + " " + info.weight + (info.lower ? " · " + T.lower : "");
    panel.rubric.textContent = info.rubric;
    if (panel.box) {
      panel.box.hidden = !control.classList.contains("score");
      panel.rationale.value = control.dataset.rationale || "";
    }
    var url =
      grid.dataset.cellUrl +
      "?recommendation=" + encodeURIComponent(control.dataset.rec) +
      "&criterion=" + encodeURIComponent(control.dataset.crit);
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        if (current !== control) return;
        panel.cell.textContent = "";
        if (!data.ok) return;
        if (!data.assessments.length) {
          panel.cell.textContent = T.no_scores;
          return;
        }
        var list = document.createElement("ul");
        list.className = "assessments";
        data.assessments.forEach(function (a) {
          var item = document.createElement("li");
          var who = document.createElement("strong");
          who.textContent = a.assessor + (a.me ? " (" + T.you + ")" : "") + " : " + a.score;
          item.appendChild(who);
          if (a.rationale) {
            var why = document.createElement("p");
            why.textContent = a.rationale;
            item.appendChild(why);
          }
          list.appendChild(item);
        });
        panel.cell.appendChild(list);
      })
      .catch(function () {});
  }

  grid.addEventListener("focusin", function (event) {
    var control = event.target;
    if (control.classList && (control.classList.contains("score") || control.classList.contains("cell-open"))) {
      showCell(control);
    }
  });
  grid.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest(".cell-open") : null;
    if (button) showCell(button);
  });

  if (panel.save) {
    panel.save.addEventListener("click", function () {
      if (!current || !current.classList.contains("score")) return;
      if (current.dataset.saved === "") {
        say(T.need_score, true);
        return;
      }
      current.value = current.dataset.saved;
      saveScore(current, panel.rationale.value).then(function (data) {
        if (data && data.ok) say(T.rationale_saved);
      });
    });
  }

  // ----- weights and thresholds (lead) --------------------------------------

  var weights = document.getElementById("weights");
  if (weights) {
    var reason = document.getElementById("weights-reason");
    var weightStatus = document.getElementById("weights-status");
    var roundVersion = document.getElementById("round-version");
    var p1 = document.getElementById("p1");
    var p2 = document.getElementById("p2");

    var report = function (message, isError) {
      weightStatus.textContent = message;
      weightStatus.classList.toggle("error", !!isError);
    };

    var apply = function (data) {
      Object.keys(data.criteria).forEach(function (id) {
        var input = weights.querySelector('input.weight[data-crit="' + id + '"]');
        if (!input) return;
        input.dataset.version = data.criteria[id].version;
        input.dataset.saved = data.criteria[id].weight;
        input.value = data.criteria[id].weight;
        if (CRITERIA[id]) CRITERIA[id].weight = data.criteria[id].display;
      });
      roundVersion.value = data.round.version;
      p1.value = p1.dataset.saved = data.round.p1_threshold;
      p2.value = p2.dataset.saved = data.round.p2_threshold;
      document.querySelectorAll("[data-threshold=p1]").forEach(function (el) { el.textContent = data.round.p1_display; });
      document.querySelectorAll("[data-threshold=p2]").forEach(function (el) { el.textContent = data.round.p2_display; });
      updateRows(data.rows);
      report(T.weights_saved);
    };

    var send = function (body, input) {
      if (!reason.value.trim()) {
        report(T.reason_required, true);
        input.value = input.dataset.saved;
        reason.focus();
        return;
      }
      body.reason = reason.value.trim();
      post(grid.dataset.weightsUrl, body)
        .then(function (data) {
          if (data.ok) apply(data);
          else {
            input.value = input.dataset.saved;
            report(data.error, true);
          }
        })
        .catch(function () {
          input.value = input.dataset.saved;
          report(T.network, true);
        });
    };

    weights.addEventListener("change", function (event) {
      var input = event.target;
      if (input.classList.contains("weight")) {
        send(
          {
            criterion: parseInt(input.dataset.crit, 10),
            version: parseInt(input.dataset.version, 10),
            weight: input.value,
          },
          input
        );
      } else if (input.classList.contains("threshold")) {
        send(
          {
            version: parseInt(roundVersion.value, 10),
            p1_threshold: p1.value,
            p2_threshold: p2.value,
          },
          input
        );
      }
    });
  }
})();
