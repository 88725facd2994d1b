// Searchable pickers: Tom Select (static/vendor/tom-select) over the plain selects marked
// data-picker.  Without JavaScript the plain select works as before; nothing here is
// needed to submit a form.
//
//   data-picker="person" | "people" | "department"   turn the select into a search box
//   data-follows="<id of a department select>"        offer only the people of the chosen
//       department and its sub-departments (each option lists its department line in
//       data-departments="<id> <parent id> …"); the server checks the same on submit.
(function () {
  "use strict";
  if (typeof window.TomSelect !== "function") { return; }

  function inLine(option, departmentId) {
    var line = (option.departments || "").split(" ");
    return line.indexOf(String(departmentId)) !== -1;
  }

  function follow(picker, departmentSelect) {
    // Every person the page offers, kept aside; the picker shows those of the department.
    var everyone = Object.keys(picker.options).map(function (value) {
      return picker.options[value];
    });
    function apply() {
      var chosen = departmentSelect.value;
      var current = picker.getValue();
      var keep = everyone.filter(function (option) {
        return !option.departments || !chosen || chosen === "0" || inLine(option, chosen);
      });
      Object.keys(picker.options).forEach(function (value) { picker.removeOption(value, true); });
      keep.forEach(function (option) { picker.addOption(option, true); });
      picker.refreshOptions(false);
      var stillThere = keep.some(function (option) { return String(option.value) === current; });
      picker.setValue(stillThere ? current : (keep.length ? keep[0].value : ""), true);
      var people = keep.filter(function (option) { return option.departments; });
      if (!people.length && chosen && chosen !== "0") { fetchPeople(chosen); }
    }
    // After a submit the page offers only the department then chosen: ask the directory
    // (GET /api/v1/users, the signed-in session) for another department's people.
    function fetchPeople(departmentId) {
      if (!window.fetch) { return; }
      window.fetch("/api/v1/users?per_page=100&department_id=" + encodeURIComponent(departmentId),
                   { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : { items: [] }; })
        .then(function (page) {
          if (departmentSelect.value !== departmentId) { return; }
          page.items.forEach(function (person) {
            var option = { value: String(person.id), departments: String(departmentId),
                           text: person.title ? person.name + "（" + person.title + "）" : person.name,
                           optgroup: person.department ? person.department.name : "" };
            everyone.push(option);
            if (option.optgroup && !picker.optgroups[option.optgroup]) {
              picker.addOptionGroup(option.optgroup, { value: option.optgroup, label: option.optgroup });
            }
            picker.addOption(option, true);
          });
          picker.refreshOptions(false);
        });
    }
    departmentSelect.addEventListener("change", apply);
    if (departmentSelect.tomselect) { departmentSelect.tomselect.on("change", apply); }
    apply();
  }

  var pickers = [];
  document.querySelectorAll("select[data-picker]").forEach(function (select) {
    var multiple = select.multiple;
    var picker = new window.TomSelect(select, {
      plugins: multiple ? { remove_button: { title: select.getAttribute("data-remove-label") || "×" } } : {},
      maxOptions: null,
      allowEmptyOption: true,
      create: false,
      hidePlaceholder: false,
      searchField: ["text", "keys"],
      placeholder: select.getAttribute("data-placeholder") || "",
      render: {
        no_results: function () {
          var div = document.createElement("div");
          div.className = "no-results";
          div.textContent = select.getAttribute("data-no-results") || "—";
          return div;
        }
      }
    });
    // Keep the page's field messages tied to what the keyboard and screen readers reach.
    ["aria-invalid", "aria-describedby"].forEach(function (name) {
      var value = select.getAttribute(name);
      if (value) { picker.control_input.setAttribute(name, value); }
    });
    // Tom Select moves the label onto its own input; the original (hidden) select keeps
    // the label's words as its name, or screen readers meet an unnamed list (axe select-name).
    var label = document.querySelector('label[for="' + picker.control_input.id + '"]');
    if (label && !select.hasAttribute("aria-label")) {
      select.setAttribute("aria-label", label.textContent.trim());
    }
    pickers.push([select, picker]);
  });
  pickers.forEach(function (pair) {
    var follows = pair[0].getAttribute("data-follows");
    var departmentSelect = follows && document.getElementById(follows);
    if (departmentSelect) { follow(pair[1], departmentSelect); }
  });
})();
