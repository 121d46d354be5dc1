/* Drafts that workbench pages keep in this browser (a home visit's notes in localStorage, its photos in
   IndexedDB): the one place that reads, writes and clears them. Loaded by every workbench page (staff/base.html).
   They are personal data on a phone that may be shared, so only the account that wrote them reads them:
   - each entry carries its account's scope (<body data-draft-scope>, derived by the server from the account,
     empty when nobody is signed in); an entry of another scope is never read, and dropOthers() deletes it.
     A session that ran out in the middle of a visit (30 idle minutes) keeps the notes for the same account;
   - signing out clears every draft as the sign-out is posted;
   - the page after signing out clears them again on load (a page with [data-clear-drafts]): a deletion the
     sign-out's navigation cut short.
   window.JiuzhuDrafts: readText(name), saveText(name, draft) (throws when storage is full or off),
   dropText(name), savePhotos(name, files), loadPhotos(name), dropPhotos(name), dropOthers(), clearAll(). */
(function () {
  "use strict";
  var TEXT_PREFIX = "jiuzhu-draft-", DB_NAME = "jiuzhu-drafts", STORE = "photos";
  var scope = document.body.dataset.draftScope || "";

  function mine(entry) { return !!scope && !!entry && entry.scope === scope; }

  function textKeys() {
    var keys = [];
    try {
      for (var i = 0; i < localStorage.length; i++) {
        var key = localStorage.key(i);
        if (key && key.indexOf(TEXT_PREFIX) === 0) keys.push(key);
      }
    } catch (e) { /* storage off */ }
    return keys;
  }
  function parsed(key) {
    try { return JSON.parse(localStorage.getItem(key) || "null"); } catch (e) { return null; }
  }
  function readText(name) {
    var entry = parsed(TEXT_PREFIX + name);
    return mine(entry) ? entry.draft : null;
  }
  function saveText(name, draft) {
    if (!scope) throw new Error("not signed in");
    localStorage.setItem(TEXT_PREFIX + name, JSON.stringify({ scope: scope, draft: draft }));
  }
  function drop(key) {
    try { localStorage.removeItem(key); } catch (e) { /* storage off */ }
  }
  function dropText(name) { drop(TEXT_PREFIX + name); }

  function photoStore(mode, work) {
    return new Promise(function (resolve, reject) {
      if (!window.indexedDB) { reject(new Error("no IndexedDB")); return; }
      var opening = indexedDB.open(DB_NAME, 1);
      opening.onupgradeneeded = function () { opening.result.createObjectStore(STORE); };
      opening.onerror = function () { reject(opening.error); };
      opening.onsuccess = function () {
        var db = opening.result, tx = db.transaction(STORE, mode), req = work(tx.objectStore(STORE));
        tx.oncomplete = function () { db.close(); resolve(req.result); };
        tx.onerror = tx.onabort = function () { db.close(); reject(tx.error); };
      };
    });
  }
  function savePhotos(name, files) {
    if (!scope) return Promise.reject(new Error("not signed in"));
    var rows = files.map(function (f) { return { name: f.name, type: f.type, modified: f.lastModified, blob: f }; });
    return photoStore("readwrite", function (s) { return rows.length ? s.put({ scope: scope, rows: rows }, name) : s.delete(name); });
  }
  function loadPhotos(name) {
    return photoStore("readonly", function (s) { return s.get(name); }).then(function (entry) {
      return (mine(entry) ? entry.rows : []).map(function (r) {
        return new File([r.blob], r.name, { type: r.type, lastModified: r.modified });
      });
    });
  }
  function dropPhotos(name) { return photoStore("readwrite", function (s) { return s.delete(name); }); }

  function dropOthers() {
    textKeys().forEach(function (key) { if (!mine(parsed(key))) drop(key); });
    return photoStore("readwrite", function (s) {
      var walk = s.openCursor();
      walk.onsuccess = function () {
        var at = walk.result;
        if (!at) return;
        if (!mine(at.value)) at.delete();
        at.continue();
      };
      return walk;
    });
  }
  function clearAll() {
    textKeys().forEach(drop);
    return new Promise(function (resolve) {
      if (!window.indexedDB) { resolve(); return; }
      var deleting;
      try { deleting = indexedDB.deleteDatabase(DB_NAME); } catch (e) { resolve(); return; }
      deleting.onsuccess = deleting.onerror = deleting.onblocked = function () { resolve(); };
    });
  }

  window.JiuzhuDrafts = { readText: readText, saveText: saveText, dropText: dropText, savePhotos: savePhotos,
                          loadPhotos: loadPhotos, dropPhotos: dropPhotos, dropOthers: dropOthers, clearAll: clearAll };

  if (document.querySelector("[data-clear-drafts]")) clearAll();
  // The sign-out posts at once (never held up by storage): the text goes before it leaves, the photo store's
  // deletion is under way, and the sign-in page it lands on clears again whatever did not finish.
  // A visit not yet submitted is asked about first: signing out throws it away (a tester lost one unawares).
  function unsent() { return textKeys().some(function (key) { return mine(parsed(key)); }); }
  Array.prototype.forEach.call(document.querySelectorAll("form.logout"), function (form) {
    form.addEventListener("submit", function (e) {
      if (unsent() && !window.confirm("还有没提交的入户调查记录（草稿），退出后会清掉。\n确定退出吗？")) {
        e.preventDefault();
        return;
      }
      clearAll();
    });
  });
})();
