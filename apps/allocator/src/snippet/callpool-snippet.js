/*! callpool page snippet v1 — swaps the dealer's number for a tracking number; fails safe to the dealer's own. */
(function () {
  'use strict';
  var VISITOR = 'callpool_vid';
  var SESSION = 'callpool_sid';
  var CONTEXT = 'callpool_ctx';
  var ENGINES = { google: 'google', bing: 'bing', yahoo: 'yahoo', duckduckgo: 'duckduckgo', facebook: 'facebook' };
  var CLICK_IDS = { gclid: 'google', msclkid: 'bing', fbclid: 'facebook' };

  function cut(value, max) {
    return value && value.length > max ? value.slice(0, max) : value || undefined;
  }

  function randomId() {
    var c = typeof crypto === 'object' && crypto;
    if (c && c.randomUUID) return c.randomUUID();
    return Date.now().toString(36) + Math.random().toString(36).slice(2) + Math.random().toString(36).slice(2);
  }

  /** Where the visitor came from: UTM first, then ad click ids, then the referring site, else direct. */
  function sourceOf(params, referrerHost, ownHost) {
    if (params.get('utm_source')) return params.get('utm_source');
    for (var id in CLICK_IDS) if (params.get(id)) return CLICK_IDS[id];
    if (!referrerHost || referrerHost === ownHost) return 'direct';
    for (var name in ENGINES) if (referrerHost.split('.').indexOf(name) >= 0) return ENGINES[name];
    return referrerHost.replace(/^www\./, '');
  }

  /** The session's landing context: the full landing path keeps every UTM and click-id parameter. */
  function captureContext(href, referrer) {
    var page = new URL(href);
    var from = null;
    try {
      from = referrer ? new URL(referrer) : null;
    } catch (e) {
      from = null;
    }
    var params = page.searchParams;
    var external = from && from.host !== page.host ? from : null;
    var term =
      params.get('utm_term') || (external && (external.searchParams.get('q') || external.searchParams.get('p')));
    var context = {
      source: cut(sourceOf(params, from && from.host, page.host), 256),
      searchTerm: cut(term, 512),
      referrer: cut(external ? referrer : '', 2048),
      landingPage: cut(page.pathname + page.search, 2048),
    };
    for (var key in context) if (context[key] === undefined) delete context[key];
    return context;
  }

  function readCookie(cookies, name) {
    var match = ('; ' + cookies).split('; ' + name + '=')[1];
    return match ? decodeURIComponent(match.split(';')[0]) : null;
  }

  function formatNumber(e164) {
    var nanp = /^\+1(\d{3})(\d{3})(\d{4})$/.exec(e164);
    return nanp ? '(' + nanp[1] + ') ' + nanp[2] + '-' + nanp[3] : e164;
  }

  /** Puts the answer's number into one marked element: its text and its tel: link, nothing else. */
  function applyNumber(element, answer) {
    var href = element.getAttribute('href');
    if (href && href.indexOf('tel:') === 0) element.setAttribute('href', 'tel:' + answer.number);
    if (element.getAttribute('data-callpool-format') !== 'keep') element.textContent = formatNumber(answer.number);
    element.setAttribute('data-callpool-pool', answer.pool);
  }

  /** POSTs JSON; resolves to the parsed answer, or null on any error, non-2xx or after `timeoutMs`. */
  function postJson(fetchFn, url, body, timeoutMs, keepalive) {
    var abort = typeof AbortController === 'function' ? new AbortController() : null;
    var timer = null;
    var timeout = new Promise(function (resolve) {
      timer = setTimeout(function () {
        if (abort) abort.abort();
        resolve(null);
      }, timeoutMs);
    });
    var request = Promise.resolve()
      .then(function () {
        return fetchFn(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
          credentials: 'omit',
          keepalive: !!keepalive,
          signal: abort ? abort.signal : undefined,
        });
      })
      .then(function (response) {
        return response.ok ? response.json() : null;
      })
      .catch(function () {
        return null;
      });
    return Promise.race([request, timeout]).then(function (answer) {
      clearTimeout(timer);
      return answer && typeof answer === 'object' ? answer : null;
    });
  }

  function settings(script, loc) {
    var api =
      (script && script.getAttribute('data-callpool-api')) ||
      (script && script.src ? new URL(script.src).origin : loc.origin);
    var timeout = Number(script && script.getAttribute('data-callpool-timeout'));
    var idle = Number(script && script.getAttribute('data-callpool-session-seconds'));
    return {
      api: api.replace(/\/+$/, ''),
      timeoutMs: timeout > 0 ? timeout : 1500,
      sessionSeconds: idle > 0 ? idle : 600,
      listing: script && script.getAttribute('data-callpool-listing'),
    };
  }

  function storage() {
    try {
      return window.localStorage;
    } catch (e) {
      return null;
    }
  }

  /** First-party ids: the visitor for 400 days, the session sliding like the allocator's (idle seconds). */
  function identify(doc, config) {
    var visitorId = readCookie(doc.cookie, VISITOR) || randomId();
    var sessionId = readCookie(doc.cookie, SESSION);
    var store = storage();
    var saved = null;
    try {
      saved = JSON.parse((store && store.getItem(CONTEXT)) || 'null');
    } catch (e) {
      saved = null;
    }
    if (!sessionId || !saved || saved.sessionId !== sessionId) {
      sessionId = sessionId || randomId();
      saved = { sessionId: sessionId, context: captureContext(doc.location.href, doc.referrer), sent: false };
    }
    var ids = { visitorId: visitorId, sessionId: sessionId, saved: saved, store: store };
    touch(doc, config, ids);
    return ids;
  }

  function touch(doc, config, ids) {
    var attributes = '; path=/; SameSite=Lax' + (doc.location.protocol === 'https:' ? '; Secure' : '');
    doc.cookie = VISITOR + '=' + encodeURIComponent(ids.visitorId) + '; max-age=34560000' + attributes;
    doc.cookie = SESSION + '=' + encodeURIComponent(ids.sessionId) + '; max-age=' + config.sessionSeconds + attributes;
    try {
      if (ids.store) ids.store.setItem(CONTEXT, JSON.stringify(ids.saved));
    } catch (e) {
      /* storage full or blocked: the context is captured again next session */
    }
  }

  /** One display per marked listing; the context rides along until a display of this session succeeded. */
  function swapNumbers(doc, config, ids, fetchFn) {
    var listings = Array.prototype.slice.call(doc.querySelectorAll('[data-callpool-listing]')).filter(function (el) {
      return el.tagName !== 'SCRIPT';
    });
    if (config.listing && listings.length === 0) listings = [doc.documentElement];
    return Promise.all(
      listings.map(function (root) {
        var listingId = root.getAttribute('data-callpool-listing') || config.listing;
        var marked = root.hasAttribute('data-callpool-number') ? [root] : [];
        marked = marked.concat(Array.prototype.slice.call(root.querySelectorAll('[data-callpool-number]')));
        if (!listingId || marked.length === 0) return null;
        var body = { visitorId: ids.visitorId, sessionId: ids.sessionId, listingId: listingId };
        if (!ids.saved.sent) body.context = ids.saved.context;
        return postJson(fetchFn, config.api + '/v1/displays', body, config.timeoutMs).then(function (answer) {
          if (!answer || typeof answer.number !== 'string') return null;
          ids.saved.sent = true;
          touch(doc, config, ids);
          marked.forEach(function (element) {
            applyNumber(element, answer);
          });
          return answer;
        });
      }),
    );
  }

  function pageView(doc, config, ids, fetchFn, action, listingId) {
    var body = {
      visitorId: ids.visitorId,
      sessionId: ids.sessionId,
      url: cut(doc.location.href, 2048),
      action: action,
    };
    if (listingId) body.listingId = listingId;
    touch(doc, config, ids);
    return postJson(fetchFn, config.api + '/v1/page-views', body, config.timeoutMs, true);
  }

  function pageListing(doc, config) {
    var marked = doc.querySelectorAll('[data-callpool-listing]:not(script)');
    return marked.length === 1 ? marked[0].getAttribute('data-callpool-listing') : config.listing || undefined;
  }

  function start(doc, script, fetchFn) {
    var config = settings(script, doc.location);
    var ids = identify(doc, config);
    pageView(doc, config, ids, fetchFn, 'view', pageListing(doc, config));
    doc.addEventListener('click', function (event) {
      var target = event.target && event.target.closest ? event.target.closest('[data-callpool-action]') : null;
      if (!target) return;
      var owner = target.closest('[data-callpool-listing]');
      var listingId = (owner && owner.getAttribute('data-callpool-listing')) || pageListing(doc, config);
      pageView(doc, config, ids, fetchFn, target.getAttribute('data-callpool-action'), listingId);
    });
    return swapNumbers(doc, config, ids, fetchFn);
  }

  var api = { captureContext: captureContext, readCookie: readCookie, formatNumber: formatNumber };
  api.applyNumber = applyNumber;
  api.postJson = postJson;
  api.start = start;
  if (typeof window === 'object' && typeof document === 'object') {
    // currentScript is null only for module or unusual injection: find the tag by its path then.
    var script = document.currentScript || document.querySelector('script[src*="/v1/snippet.js"]');
    var begin = function () {
      try {
        start(document, script, window.fetch.bind(window)).catch(function () {
          /* fail safe: the dealer's number stays */
        });
      } catch (e) {
        /* fail safe: the dealer's number stays */
      }
    };
    if (typeof window.fetch !== 'function') return;
    if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', begin);
    else begin();
  } else if (typeof module === 'object' && module.exports) module.exports = api;
})();
