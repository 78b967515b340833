
// Ferrule's /docs page: reads ./openapi.json (relative, so it works behind a path
// prefix) and renders every operation with a form to try it. Text from the document
// only ever reaches the page through textContent/attributes, never as markup.
(function () {
  "use strict";

  var METHODS = ["get", "put", "post", "delete", "patch", "head", "options", "trace"];
  var AUTH_SCHEME = "ferrule-docs-auth-scheme";
  var AUTH_VALUE = "ferrule-docs-auth-value";
  // Bounds the example builder on deep or self-referencing schemas.
  var MAX_DEPTH = 16;
  var doc = null;
  var schemes = {};

  function $(id) { return document.getElementById(id); }

  // el("div", {class: "x", "data-y": "z"}, child, "text", ...): strings become text nodes.
  function el(tag, attrs) {
    var node = document.createElement(tag);
    if (attrs) {
      Object.keys(attrs).forEach(function (k) {
        var v = attrs[k];
        if (v === null || v === undefined || v === false) return;
        node.setAttribute(k, v === true ? "" : String(v));
      });
    }
    for (var i = 2; i < arguments.length; i++) {
      var c = arguments[i];
      if (c === null || c === undefined) continue;
      node.appendChild(typeof c === "string" ? document.createTextNode(c) : c);
    }
    return node;
  }

  // Description text (CommonMark in OpenAPI) shown as plain text, except the two things
  // most documents use: `code` spans and blank-line paragraphs. Built from text nodes.
  function prose(tag, attrs, text) {
    var box = el(tag, attrs);
    String(text).split(/\n\s*\n/).forEach(function (para, i) {
      var target = box;
      if (tag === "div") {
        target = el("p");
        box.appendChild(target);
      } else if (i > 0) {
        box.appendChild(document.createTextNode(" "));
      }
      para.split("`").forEach(function (part, j) {
        if (part === "") return;
        target.appendChild(j % 2 ? el("code", null, part) : document.createTextNode(part));
      });
    });
    return box;
  }

  function has(o, k) { return o !== null && typeof o === "object" && Object.prototype.hasOwnProperty.call(o, k); }

  // A local JSON pointer ("#/components/schemas/X") into the document.
  function pointer(ref) {
    if (typeof ref !== "string" || ref.indexOf("#/") !== 0) return undefined;
    return ref.slice(2).split("/").reduce(function (o, part) {
      var key = part.replace(/~1/g, "/").replace(/~0/g, "~");
      return has(o, key) ? o[key] : undefined;
    }, doc);
  }

  // Follows $ref chains; OpenAPI 3.1 lets siblings sit next to $ref, and they win.
  function resolve(obj) {
    for (var hops = 0; hops < MAX_DEPTH && has(obj, "$ref"); hops++) {
      var target = pointer(obj.$ref);
      if (!target || typeof target !== "object") return undefined;
      var merged = {};
      Object.keys(target).forEach(function (k) { merged[k] = target[k]; });
      Object.keys(obj).forEach(function (k) { if (k !== "$ref") merged[k] = obj[k]; });
      obj = merged;
    }
    return obj;
  }

  function firstType(schema) {
    var t = schema.type;
    if (Array.isArray(t)) t = t.filter(function (x) { return x !== "null"; })[0] || "null";
    if (!t) {
      if (has(schema, "properties")) return "object";
      if (has(schema, "items")) return "array";
    }
    return t;
  }

  // The value a schema documents as its example, if any.
  function declaredExample(schema) {
    if (has(schema, "example")) return { v: schema.example };
    if (Array.isArray(schema.examples) && schema.examples.length) return { v: schema.examples[0] };
    if (has(schema, "const")) return { v: schema["const"] };
    if (has(schema, "default")) return { v: schema["default"] };
    if (Array.isArray(schema.enum) && schema.enum.length) return { v: schema.enum[0] };
    return null;
  }

  // A request body example from its schema: objects by property, one array item,
  // "" for strings, 0 (or the lower bound) for numbers.
  function example(schema, depth) {
    schema = resolve(schema);
    if (!schema || typeof schema !== "object" || depth > MAX_DEPTH) return null;
    var given = declaredExample(schema);
    if (given) return given.v;
    var alt = schema.oneOf || schema.anyOf;
    if (Array.isArray(alt) && alt.length) return example(alt[0], depth + 1);
    if (Array.isArray(schema.allOf)) {
      var all = {};
      schema.allOf.forEach(function (part) {
        var v = example(part, depth + 1);
        if (v && typeof v === "object" && !Array.isArray(v)) Object.keys(v).forEach(function (k) { all[k] = v[k]; });
      });
      return all;
    }
    switch (firstType(schema)) {
      case "object":
        var out = {};
        var props = schema.properties || {};
        Object.keys(props).forEach(function (k) {
          var p = resolve(props[k]);
          // What the server fills in is not part of a request.
          if (p && p.readOnly === true) return;
          out[k] = example(p, depth + 1);
        });
        return out;
      case "array":
        return schema.items ? [example(schema.items, depth + 1)] : [];
      case "string": return "";
      case "integer":
      case "number":
        if (typeof schema.minimum === "number" && schema.minimum > 0) return schema.minimum;
        if (typeof schema.maximum === "number" && schema.maximum < 0) return schema.maximum;
        return 0;
      case "boolean": return false;
      default: return null;
    }
  }

  // Re-indents JSON text without parsing numbers, so decimals keep their digits
  // (JSON.parse would turn 3250.00 into 3250). Returns null for text that is not JSON.
  function pretty(text) {
    try { JSON.parse(text); } catch (e) { return null; }
    var out = "", depth = 0, i = 0, n = text.length;
    function nl() { return "\n" + new Array(depth + 1).join("  "); }
    function blank(c) { return c === " " || c === "\n" || c === "\r" || c === "\t"; }
    while (i < n) {
      var c = text[i];
      if (c === "\"") {
        var j = i + 1;
        while (j < n && text[j] !== "\"") j += text[j] === "\\" ? 2 : 1;
        out += text.slice(i, j + 1);
        i = j + 1;
      } else if (blank(c)) {
        i++;
      } else if (c === "{" || c === "[") {
        var k = i + 1;
        while (k < n && blank(text[k])) k++;
        if (text[k] === (c === "{" ? "}" : "]")) { out += c + text[k]; i = k + 1; continue; }
        depth++;
        out += c + nl();
        i++;
      } else if (c === "}" || c === "]") {
        depth--;
        out += nl() + c;
        i++;
      } else if (c === ",") {
        out += "," + nl();
        i++;
      } else if (c === ":") {
        out += ": ";
        i++;
      } else {
        out += c;
        i++;
      }
    }
    return out;
  }

  function paramHint(p) {
    var s = resolve(p.schema) || {};
    if (has(p, "example")) return String(p.example);
    if (p.examples && typeof p.examples === "object") {
      var first = Object.keys(p.examples)[0];
      var ex = first !== undefined ? resolve(p.examples[first]) : null;
      if (ex && has(ex, "value")) return String(ex.value);
    }
    var given = declaredExample(s);
    return given ? String(given.v) : "";
  }

  // Path-level and operation-level parameters, the operation's winning on a clash.
  function parametersOf(pathItem, op) {
    var seen = {};
    var list = [];
    (pathItem.parameters || []).concat(op.parameters || []).forEach(function (raw) {
      var p = resolve(raw);
      if (!p || typeof p.name !== "string" || typeof p.in !== "string") return;
      var key = p.in + ":" + p.name.toLowerCase();
      if (has(seen, key)) list[seen[key]] = p; else { seen[key] = list.length; list.push(p); }
    });
    // Cookies cannot be set from fetch(); the browser sends its own.
    return list.filter(function (p) { return p.in !== "cookie"; });
  }

  function slug(s) { return String(s).replace(/[^A-Za-z0-9_-]+/g, "-"); }

  function paramField(opKey, p) {
    var id = "op-" + opKey + "-" + p.in + "-" + slug(p.name);
    var s = resolve(p.schema) || {};
    var label = el("label", { "for": id }, p.name,
      p.required ? el("span", { "class": "req", "aria-hidden": "true" }, " *") : null,
      " ", el("span", { "class": "where" }, p.in));
    var attrs = {
      id: id, name: p.name, "data-param": p.name, "data-in": p.in,
      required: p.required === true, "aria-required": p.required === true ? "true" : null
    };
    var input;
    if (Array.isArray(s.enum) && s.enum.length) {
      input = el("select", attrs);
      if (!p.required) input.appendChild(el("option", { value: "" }, "(none)"));
      s.enum.forEach(function (v) { input.appendChild(el("option", { value: String(v) }, String(v))); });
    } else {
      attrs.type = "text";
      attrs.placeholder = paramHint(p);
      attrs.spellcheck = "false";
      attrs.autocomplete = "off";
      if (typeof s.maxLength === "number") attrs.maxlength = s.maxLength;
      input = el("input", attrs);
    }
    var field = el("div", { "class": "field" }, label, input);
    if (p.description) field.appendChild(prose("span", { "class": "hint" }, p.description));
    return field;
  }

  // The JSON media type of a request body, or else the first one declared.
  function bodyMedia(requestBody) {
    var content = (requestBody && requestBody.content) || {};
    var types = Object.keys(content);
    var json = types.filter(function (t) { return /^application\/([\w.+-]+\+)?json\b/i.test(t); })[0];
    var type = json || types[0];
    return type ? { type: type, media: content[type] || {} } : null;
  }

  function bodyExample(media) {
    var m = resolve(media.media) || {};
    if (has(m, "example")) return m.example;
    if (m.examples && typeof m.examples === "object") {
      var first = Object.keys(m.examples)[0];
      var ex = first !== undefined ? resolve(m.examples[first]) : null;
      if (ex && has(ex, "value")) return ex.value;
    }
    return example(m.schema, 0);
  }

  function responsesList(op) {
    var rs = op.responses || {};
    var codes = Object.keys(rs);
    if (!codes.length) return null;
    var ul = el("ul");
    codes.forEach(function (code) {
      var r = resolve(rs[code]) || {};
      ul.appendChild(el("li", { "data-response-code": code }, el("code", { "class": "code" }, code),
        prose("span", null, r.description || "")));
    });
    return el("div", { "class": "responses" }, el("h3", null, "Responses"), ul);
  }

  // The security requirements that apply: the operation's, else the document's.
  // An empty list means the call takes no credentials.
  function takesCredentials(op) {
    var req = Array.isArray(op.security) ? op.security : doc.security;
    return !(Array.isArray(req) && req.length === 0);
  }

  function renderOperation(opKey, path, method, pathItem, op) {
    var M = method.toUpperCase();
    var section = el("section", {
      "class": "op", id: "op-" + opKey, "data-operation-id": op.operationId || (M + " " + path),
      "data-method": M, "data-path": path, "aria-labelledby": "op-" + opKey + "-title"
    });
    var head = el("h3", { "class": "op-head", id: "op-" + opKey + "-title" },
      el("span", { "class": "method" }, M),
      el("span", { "class": "op-path" }, path),
      op.summary ? prose("span", { "class": "op-summary" }, op.summary) : null,
      op.deprecated ? el("span", { "class": "deprecated" }, "deprecated") : null,
      op.operationId ? el("span", { "class": "op-id" }, String(op.operationId)) : null);
    section.appendChild(head);
    if (op.description) section.appendChild(prose("div", { "class": "op-desc" }, op.description));

    // novalidate: missing required values are reported in the answer panel, like any outcome.
    var form = el("form", { "data-form": "", novalidate: true, "aria-label": M + " " + path });
    var params = parametersOf(pathItem, op);
    if (params.length) {
      form.appendChild(el("h3", null, "Parameters"));
      params.forEach(function (p) { form.appendChild(paramField(opKey, p)); });
    }
    var media = bodyMedia(resolve(op.requestBody));
    var bodyArea = null;
    if (media) {
      var bodyId = "op-" + opKey + "-body";
      form.appendChild(el("h3", null, el("label", { "for": bodyId }, "Request body ",
        el("span", { "class": "media-type" }, media.type))));
      bodyArea = el("textarea", {
        id: bodyId, "data-body": "", "data-media-type": media.type, spellcheck: "false",
        rows: 14, "aria-required": resolve(op.requestBody).required === true ? "true" : null
      });
      var ex = /json/i.test(media.type) ? bodyExample(media) : null;
      bodyArea.value = ex === null || ex === undefined ? "" : JSON.stringify(ex, null, 2);
      form.appendChild(bodyArea);
    }
    var send = el("button", { type: "submit", "class": "send", "data-send": "" }, "Send");
    form.appendChild(send);
    var left = el("div", { "class": "op-input" }, form);
    var responses = responsesList(op);
    if (responses) left.appendChild(responses);

    var result = el("div", { "class": "result", "data-result": "", "data-state": "idle", "aria-live": "polite" },
      el("h3", null, "Answer"),
      el("p", { "class": "muted", "data-placeholder": "" }, "Fill in the form and press Send."));
    section.appendChild(el("div", { "class": "op-body" }, left, result));

    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      call({ method: M, path: path, op: op, form: form, body: bodyArea, media: media, result: result, button: send });
    });
    return section;
  }

  // Where the API lives: the directory openapi.json came from (the page's own).
  function apiBase() {
    return new URL(".", window.location.href);
  }

  function buildRequest(ctx) {
    var missing = [];
    var headers = { "Accept": "application/json, application/problem+json;q=0.9, */*;q=0.1" };
    var query = new URLSearchParams();
    var path = ctx.path;
    ctx.form.querySelectorAll("[data-param]").forEach(function (input) {
      var name = input.getAttribute("data-param");
      var where = input.getAttribute("data-in");
      var value = input.value;
      var absent = value === "" && input.hasAttribute("required");
      input.setAttribute("aria-invalid", absent ? "true" : "false");
      if (absent) missing.push(name);
      if (value === "") return;
      if (where === "path") path = path.split("{" + name + "}").join(encodeURIComponent(value));
      else if (where === "query") query.append(name, value);
      else if (where === "header") headers[name] = value;
    });
    var init = { method: ctx.method, headers: headers, credentials: "same-origin", cache: "no-store", redirect: "follow" };
    if (ctx.body && ctx.body.value.trim() !== "") {
      headers["Content-Type"] = ctx.media.type;
      // Sent as typed: decimals keep their digits, and a broken body shows the server's answer to it.
      init.body = ctx.body.value;
    }
    if (takesCredentials(ctx.op)) applyCredentials(headers, query);
    var url = new URL(path.replace(/^\/+/, ""), apiBase());
    var qs = query.toString();
    if (qs) url.search = qs;
    return { url: url, init: init, missing: missing };
  }

  function applyCredentials(headers, query) {
    var name = sessionGet(AUTH_SCHEME);
    var value = sessionGet(AUTH_VALUE);
    var s = name && has(schemes, name) ? schemes[name] : null;
    if (!s || !value) return;
    if (s.type === "apiKey" && s.in === "header") headers[s.name] = value;
    else if (s.type === "apiKey" && s.in === "query") query.append(s.name, value);
    else if (s.type === "http" && /^bearer$/i.test(s.scheme || "")) headers["Authorization"] = "Bearer " + value;
  }

  function metaRow(dl, label, attr, value, cls) {
    var attrs = {};
    attrs[attr] = "";
    if (cls) attrs["class"] = cls;
    dl.appendChild(el("dt", null, label));
    dl.appendChild(el("dd", attrs, value));
  }

  function showResult(ctx, shown) {
    var r = ctx.result;
    while (r.firstChild) r.removeChild(r.firstChild);
    r.appendChild(el("h3", null, "Answer"));
    var dl = el("dl", { "class": "result-meta" });
    metaRow(dl, "Request", "data-request-url", ctx.method + " " + shown.url);
    metaRow(dl, "Status", "data-status", shown.status, "status s" + String(shown.code).charAt(0));
    metaRow(dl, "Content-Type", "data-content-type", shown.contentType || "(none)");
    metaRow(dl, "X-Request-Id", "data-request-id", shown.requestId || "(none)");
    metaRow(dl, "Time", "data-elapsed", shown.elapsed + " ms");
    r.appendChild(dl);
    r.appendChild(el("pre", { "data-response-body": "", tabindex: "0" }, shown.body));
    r.setAttribute("data-status-code", String(shown.code));
    r.setAttribute("data-state", shown.code ? "done" : "error");
  }

  function call(ctx) {
    var req = buildRequest(ctx);
    if (req.missing.length) {
      showResult(ctx, { url: req.url.pathname, code: 0, status: "not sent", contentType: "", requestId: "",
        elapsed: 0, body: "Required: " + req.missing.join(", ") });
      return;
    }
    var shownUrl = req.url.pathname + req.url.search;
    ctx.button.disabled = true;
    ctx.result.setAttribute("data-state", "pending");
    var started = performance.now();
    fetch(req.url.toString(), req.init).then(function (res) {
      return res.text().then(function (text) {
        var ct = res.headers.get("content-type") || "";
        var body = /json/i.test(ct) ? (pretty(text) || text) : text;
        showResult(ctx, {
          url: shownUrl, code: res.status, status: String(res.status) + (res.statusText ? " " + res.statusText : ""),
          contentType: ct, requestId: res.headers.get("x-request-id"),
          elapsed: Math.round(performance.now() - started), body: body === "" ? "(empty body)" : body
        });
      });
    }).catch(function (e) {
      showResult(ctx, { url: shownUrl, code: 0, status: "network error", contentType: "", requestId: "",
        elapsed: Math.round(performance.now() - started), body: String(e && e.message ? e.message : e) });
    }).then(function () { ctx.button.disabled = false; });
  }

  // sessionStorage can be unavailable (privacy modes); the page works without it.
  function sessionGet(k) { try { return window.sessionStorage.getItem(k) || ""; } catch (e) { return ""; } }
  function sessionSet(k, v) { try { if (v) window.sessionStorage.setItem(k, v); else window.sessionStorage.removeItem(k); } catch (e) { /* not kept */ } }

  function renderAuth() {
    var declared = (doc.components && doc.components.securitySchemes) || {};
    Object.keys(declared).forEach(function (name) {
      var s = resolve(declared[name]);
      var usable = s && ((s.type === "apiKey" && (s.in === "header" || s.in === "query")) ||
        (s.type === "http" && /^bearer$/i.test(s.scheme || "")));
      if (usable) schemes[name] = s;
    });
    var names = Object.keys(schemes);
    if (!names.length) return;
    var select = $("docs-auth-scheme");
    var value = $("docs-auth-value");
    names.forEach(function (name) {
      var s = schemes[name];
      var what = s.type === "apiKey" ? "API key (" + s.in + " " + s.name + ")" : "Bearer token";
      select.appendChild(el("option", { value: name }, name + ": " + what));
    });
    var stored = sessionGet(AUTH_SCHEME);
    if (has(schemes, stored)) select.value = stored;
    value.value = sessionGet(AUTH_VALUE);
    var save = function () { sessionSet(AUTH_SCHEME, select.value); sessionSet(AUTH_VALUE, value.value); };
    select.addEventListener("change", save);
    value.addEventListener("input", save);
    $("docs-auth-forget").addEventListener("click", function () { value.value = ""; save(); });
    $("docs-auth").hidden = false;
  }

  function render() {
    var info = doc.info || {};
    var title = String(info.title || "API");
    $("docs-title").textContent = title;
    document.title = title + " \u2014 API docs";
    $("docs-version").textContent = (info.version ? "Version " + info.version + " \u00b7 " : "") +
      "OpenAPI " + String(doc.openapi || "?");
    if (info.description) $("docs-description").appendChild(prose("div", null, info.description));
    renderAuth();
    var main = $("docs-ops");
    main.removeChild($("docs-loading"));
    var paths = doc.paths || {};
    var n = 0;
    Object.keys(paths).forEach(function (path) {
      var item = resolve(paths[path]) || {};
      var ops = METHODS.filter(function (m) { return has(item, m); });
      if (!ops.length) return;
      var group = el("section", { "class": "path-group", "data-path-group": path }, el("h2", null, path));
      ops.forEach(function (m) { group.appendChild(renderOperation(String(n++), path, m, item, item[m] || {})); });
      main.appendChild(group);
    });
    if (!n) main.appendChild(el("p", { "class": "muted" }, "The document describes no operations."));
    main.setAttribute("aria-busy", "false");
    document.body.setAttribute("data-ready", "true");
  }

  function fail(message) {
    var e = $("docs-error");
    e.textContent = message;
    e.hidden = false;
    var loading = $("docs-loading");
    if (loading) loading.hidden = true;
    $("docs-ops").setAttribute("aria-busy", "false");
    document.body.setAttribute("data-ready", "error");
  }

  fetch(new URL("openapi.json", window.location.href).toString(), { cache: "no-store", credentials: "same-origin" })
    .then(function (res) {
      if (!res.ok) throw new Error("openapi.json answered " + res.status);
      return res.json();
    })
    .then(function (json) {
      if (!json || typeof json !== "object") throw new Error("openapi.json is not a JSON object");
      doc = json;
      render();
    })
    .catch(function (e) { fail("Could not load the API description: " + (e && e.message ? e.message : String(e))); });
})();
