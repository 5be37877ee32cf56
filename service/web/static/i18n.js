// The pages' words in the page's language. The catalog is embedded by base.html (scripts.po's strings).
//   t("Saved")                      t("Due {when}", { when })          tn("{n} task", "{n} tasks", n)
// Only plain string literals are found by `tools/i18n.py extract`: never build a message to translate.
"use strict";

const I18n = (() => {
  const node = document.getElementById("i18n-catalog");
  const catalog = node ? JSON.parse(node.textContent || "{}") : {};
  const locale = document.documentElement.lang || "en";

  function fill(text, params) {
    if (!params) return text;
    return text.replace(/\{(\w+)\}/g, (whole, name) => (name in params ? String(params[name]) : whole));
  }

  function t(msgid, params) {
    const found = catalog[msgid];
    return fill(typeof found === "string" && found ? found : msgid, params);
  }

  function tn(singular, plural, n, params) {
    const forms = catalog[singular];
    const english = n === 1 ? singular : plural;
    // Chinese has one plural form; English two (the msgids themselves).
    const text = Array.isArray(forms) && forms[0] ? forms[Math.min(locale.startsWith("zh") ? 0 : (n === 1 ? 0 : 1), forms.length - 1)] : english;
    return fill(text, { n, ...params });
  }

  return { t, tn, locale };
})();

const t = I18n.t;
const tn = I18n.tn;
